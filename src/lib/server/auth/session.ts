// Server-side sessions. The cookie holds a random token; the database holds only its SHA-256,
// so a copy of the sessions table cannot be replayed. Sessions end after 30 minutes idle or
// 12 hours in all, whichever comes first.
import { createHash, randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { env } from '../env';

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

/**
 * The session cookie's name. Browsers keep cookies per host, not per port, so two instances on
 * one host (a demo on :3000 beside a county's server on :3001) would share one name and each
 * sign-in would sign the other instance out: the port the browser used is part of the name
 * unless COOKIE_NAME sets one (two instances behind one proxy on one origin need that).
 * __Host- needs Secure, which needs HTTPS; on plain-HTTP localhost the prefix is dropped.
 */
export function sessionCookieName(url: URL, configured: string | undefined = env().cookieName) {
	const base = configured ?? (url.port ? `tongan_session_${url.port}` : 'tongan_session');
	return isSecure(url) ? `__Host-${base}` : base;
}

function isSecure(url: URL): boolean {
	return url.protocol === 'https:';
}

export function setSessionCookie(cookies: Cookies, token: string, url: URL): void {
	const secure = isSecure(url);
	cookies.set(sessionCookieName(url), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		maxAge: ABSOLUTE_TIMEOUT_MS / 1000
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	const secure = isSecure(url);
	cookies.delete(sessionCookieName(url), { path: '/', secure, httpOnly: true, sameSite: 'lax' });
}

export type SessionState = 'valid' | 'idle' | 'expired';

export function sessionState(s: { last_seen_at: Date; expires_at: Date }, now: Date): SessionState {
	if (now.getTime() >= new Date(s.expires_at).getTime()) return 'expired';
	if (now.getTime() - new Date(s.last_seen_at).getTime() >= IDLE_TIMEOUT_MS) return 'idle';
	return 'valid';
}
