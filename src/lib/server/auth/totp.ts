// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), as produced by any
// authenticator app. Secrets are 20 random bytes, shown to the user once as base32.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Uint8Array): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of buf) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
	return out;
}

export function base32Decode(s: string): Uint8Array {
	const clean = s.replace(/[\s=-]/g, '').toUpperCase();
	const out: number[] = [];
	let bits = 0;
	let value = 0;
	for (const ch of clean) {
		const i = ALPHABET.indexOf(ch);
		if (i < 0) throw new Error('invalid base32');
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return new Uint8Array(out);
}

export function newTotpSecret(): string {
	return base32Encode(randomBytes(20));
}

export function totpCode(secret: string, atMs: number = Date.now(), stepOffset = 0): string {
	const counter = totpStep(atMs) + stepOffset;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', Buffer.from(base32Decode(secret)))
		.update(msg)
		.digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
	return String(bin).padStart(6, '0');
}

export const TOTP_STEP_MS = 30_000;

/** The 30-second time step a moment falls in (RFC 6238's counter). */
export function totpStep(atMs: number = Date.now()): number {
	return Math.floor(atMs / TOTP_STEP_MS);
}

/**
 * The time step whose code this is, among the current one and one step either side (clock
 * drift), or null. A step at or before `after` (the last one accepted for the user) is not
 * offered: a code is good once, and so is anything older than the newest one used.
 */
export function matchTotp(
	secret: string,
	code: string,
	atMs: number = Date.now(),
	after: number | null = null
): number | null {
	const given = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(given)) return null;
	const now = totpStep(atMs);
	let found: number | null = null;
	// every candidate is compared, so the time taken does not say which one matched
	for (const o of [-1, 0, 1]) {
		const same = timingSafeEqual(Buffer.from(totpCode(secret, atMs, o)), Buffer.from(given));
		if (same && (after === null || now + o > after)) found = now + o;
	}
	return found;
}

/** Accepts the current code and one step either side (clock drift). */
export function verifyTotp(secret: string, code: string, atMs: number = Date.now()): boolean {
	return matchTotp(secret, code, atMs) !== null;
}

/**
 * What a session may do on the second-factor page: set one up where there is none (an
 * administrator's first sign-in has only the password behind it), replace one only once it
 * has been passed in this session (and then only with a current code from it, checked by the
 * service), never otherwise: a password alone must not be able to swap the owner's
 * authenticator for the attacker's.
 */
export function secondFactorChange(s: {
	totpEnabled: boolean;
	secondFactorOk: boolean;
}): 'enrol' | 'replace' | 'refuse' {
	if (!s.totpEnabled) return 'enrol';
	return s.secondFactorOk ? 'replace' : 'refuse';
}

export function otpauthUri(secret: string, username: string, issuer = 'TongAn'): string {
	return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(username)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&digits=6&period=30`;
}

/**
 * What the set-up page shows for a secret: the otpauth URI, and the same URI as a QR code (an SVG
 * data URL, drawn on the server so the page needs no script and the secret goes to no other host).
 * Most authenticator apps on a phone only scan; typing 32 letters is where set-up fails.
 */
export async function totpEnrolment(
	secret: string,
	username: string
): Promise<{ secret: string; uri: string; qr: string }> {
	const uri = otpauthUri(secret, username);
	const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
	return { secret, uri, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}
