// Server-side sessions. The cookie holds a random token; the database holds only its SHA-256,
// so a copy of the sessions table cannot be replayed. Sessions end after 30 minutes idle or
// 12 hours in all, whichever comes first.
import { createHash, randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, not on every request */
export const TOUCH_INTERVAL_MS = 60 * 1000;

export function newSessionToken(): string {
	return randomBytes(32).toString('base64url');
}

export function sessionIdFromToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** __Host- needs Secure, which needs HTTPS; on plain-HTTP localhost the prefix is dropped. */
export function sessionCookieName(secure: boolean): string {
	return secure ? '__Host-tongan_session' : 'tongan_session';
}

export function setSessionCookie(cookies: Cookies, token: string, secure: boolean): void {
	cookies.set(sessionCookieName(secure), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		maxAge: ABSOLUTE_TIMEOUT_MS / 1000
	});
}

export function clearSessionCookie(cookies: Cookies, secure: boolean): void {
	cookies.delete(sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
}

export type SessionState = 'valid' | 'idle' | 'expired';

export function sessionState(s: { last_seen_at: Date; expires_at: Date }, now: Date): SessionState {
	if (now.getTime() >= new Date(s.expires_at).getTime()) return 'expired';
	if (now.getTime() - new Date(s.last_seen_at).getTime() >= IDLE_TIMEOUT_MS) return 'idle';
	return 'valid';
}
