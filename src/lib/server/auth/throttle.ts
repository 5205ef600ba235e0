// Sign-in throttling, by account and client address together. Failures are counted per (name
// as typed, address) and per address alone, never per account: an attacker somewhere else can
// lock only their own pair and their own address, so they cannot keep an administrator out,
// and a name that does not exist is throttled exactly like one that does, so "locked" tells
// nothing about which accounts exist. Wrong second-factor codes count on the account itself
// instead (users.failed_logins): whoever types them already has the password.
import { isIPv4, isIPv6 } from 'node:net';

/** wrong passwords (or codes) from one address for one name before that pair waits */
export const LOCK_AFTER_FAILURES = 5;
/** wrong passwords from one address, whatever the names, before the address waits */
export const ADDRESS_LOCK_AFTER_FAILURES = 20;
/** how long a lock lasts, and how long failures are remembered */
export const LOCK_MINUTES = 15;
/** the longest name a sign-in looks up (usernames are 3–40 characters) */
export const MAX_LOGIN_NAME_LENGTH = 64;

export interface ThrottleLimits {
	pair: number;
	address: number;
	minutes: number;
}

export const THROTTLE: ThrottleLimits = {
	pair: LOCK_AFTER_FAILURES,
	address: ADDRESS_LOCK_AFTER_FAILURES,
	minutes: LOCK_MINUTES
};

/** The name a sign-in is counted under: as the user table spells names (trimmed, lower case). */
export function loginName(typed: string): string {
	// control characters are in no one's name, and a NUL cannot go into PostgreSQL text at all: a
	// name typed with one answered 500 (the e2e fuzz found it), where every failure answers alike
	// eslint-disable-next-line no-control-regex
	const clean = typed.replace(/[\u0000-\u001f\u007f]/g, '');
	return clean.trim().toLowerCase().slice(0, MAX_LOGIN_NAME_LENGTH);
}

/**
 * The address failures are counted under. IPv4 as it is (an IPv4-mapped IPv6 address is its
 * IPv4 address); IPv6 by its /64, since one subscriber usually holds a whole /64 and could
 * otherwise start afresh from each of its addresses. No address at all is one shared bucket.
 */
export function addressKey(ip: string | null | undefined): string {
	if (!ip) return 'unknown';
	let a = ip.trim().toLowerCase();
	const zone = a.indexOf('%');
	if (zone >= 0) a = a.slice(0, zone);
	if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
	if (mapped && isIPv4(mapped[1])) return mapped[1];
	if (isIPv4(a)) return a;
	if (!isIPv6(a)) return a.slice(0, 64);
	return `${ipv6Groups(a).slice(0, 4).join(':')}::/64`;
}

/**
 * Whether the address stands for one client. Loopback (and no address at all) is the server's
 * own side: a local reverse proxy, when the client address header is not configured, or a
 * test on the machine. Counting every name from it as one address would lock every user at
 * once, so only its (name, address) pairs are counted.
 */
export function isClientAddress(key: string): boolean {
	return key !== 'unknown' && !/^127\./.test(key) && key !== '0:0:0:0::/64';
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros. */
function ipv6Groups(a: string): string[] {
	// a trailing dotted IPv4 part stands for the last two groups
	const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
	if (v4) {
		const [p, q, r, s] = v4[1].split('.').map(Number);
		a = `${a.slice(0, -v4[1].length)}${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
	}
	const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
	const left = head ? head.split(':') : [];
	const right = tail ? tail.split(':') : [];
	const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
	return [...left, ...fill, ...right].map((g) => parseInt(g || '0', 16).toString(16));
}
