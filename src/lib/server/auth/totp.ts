// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), as produced by any
// authenticator app. Secrets are 20 random bytes, shown to the user once as base32.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
	const counter = Math.floor(atMs / 1000 / 30) + stepOffset;
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', Buffer.from(base32Decode(secret)))
		.update(msg)
		.digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
	return String(bin).padStart(6, '0');
}

/** Accepts the current code and one step either side (clock drift). */
export function verifyTotp(secret: string, code: string, atMs: number = Date.now()): boolean {
	const given = code.replace(/\s/g, '');
	if (!/^\d{6}$/.test(given)) return false;
	return [-1, 0, 1].some((o) =>
		timingSafeEqual(Buffer.from(totpCode(secret, atMs, o)), Buffer.from(given))
	);
}

export function otpauthUri(secret: string, username: string, issuer = 'TongAn'): string {
	return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(username)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&digits=6&period=30`;
}
