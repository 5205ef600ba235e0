// Sign-in, second factor, sessions, password change. Every outcome is written to the audit log.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	clearFailedLogins,
	deleteSession,
	deleteUserSessions,
	findSession,
	findUserById,
	findUserByName,
	insertSession,
	markSecondFactor,
	recordFailedLogin,
	touchSession,
	type UserRow
} from '../repositories/users';
import { appendAudit } from '../repositories/audit';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password';
import { verifyTotp } from '../auth/totp';
import {
	ABSOLUTE_TIMEOUT_MS,
	TOUCH_INTERVAL_MS,
	newSessionToken,
	sessionIdFromToken,
	sessionState
} from '../auth/session';
import { isAdminRole } from '../auth/roles';
import type { Principal } from '../auth/policy';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;

export interface RequestMeta {
	ip: string | null;
	userAgent: string | null;
}

// a real argon2id hash of a random string: unknown usernames cost the same time as known ones
let dummyHash: Promise<string> | undefined;

export type LoginResult =
	| { ok: true; token: string; needs: 'none' | 'totp' | 'totp_setup'; principal: Principal }
	| { ok: false; reason: 'invalid' | 'locked' | 'inactive'; lockedMinutes?: number };

function toPrincipal(u: UserRow): Principal {
	return { userId: u.id, username: u.username, role: u.role, jurisdiction: u.jurisdiction_code };
}

export async function login(
	db: Kysely<DB>,
	username: string,
	password: string,
	meta: RequestMeta
): Promise<LoginResult> {
	const name = username.trim().toLowerCase();
	const user = await findUserByName(db, name);
	if (!user) {
		dummyHash ??= hashPassword(newSessionToken());
		await verifyPassword(await dummyHash, password);
		await appendAudit(db, {
			username: name.slice(0, 40),
			action: 'login_failed',
			detail: { reason: 'unknown_user' },
			...meta
		});
		return { ok: false, reason: 'invalid' };
	}
	const audit = {
		userId: user.id,
		username: user.username,
		role: user.role,
		jurisdictionCode: user.jurisdiction_code,
		...meta
	};
	if (user.locked_until && new Date(user.locked_until) > new Date()) {
		await appendAudit(db, { ...audit, action: 'login_failed', detail: { reason: 'locked' } });
		const minutes = Math.ceil((new Date(user.locked_until).getTime() - Date.now()) / 60000);
		return { ok: false, reason: 'locked', lockedMinutes: minutes };
	}
	if (!(await verifyPassword(user.password_hash, password))) {
		const failures = await recordFailedLogin(db, user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
		await appendAudit(db, {
			...audit,
			action: 'login_failed',
			detail: { reason: 'bad_password', failures }
		});
		if (failures >= LOCK_AFTER_FAILURES) {
			await appendAudit(db, {
				...audit,
				action: 'account_locked',
				detail: { minutes: LOCK_MINUTES }
			});
			return { ok: false, reason: 'locked', lockedMinutes: LOCK_MINUTES };
		}
		return { ok: false, reason: 'invalid' };
	}
	if (!user.active) {
		await appendAudit(db, { ...audit, action: 'login_failed', detail: { reason: 'inactive' } });
		return { ok: false, reason: 'inactive' };
	}
	await clearFailedLogins(db, user.id);
	const needs = user.totp_enabled ? 'totp' : isAdminRole(user.role) ? 'totp_setup' : 'none';
	const token = newSessionToken();
	await insertSession(db, {
		id: sessionIdFromToken(token),
		userId: user.id,
		expiresAt: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS),
		secondFactorOk: needs === 'none',
		...meta
	});
	await appendAudit(db, {
		...audit,
		action: needs === 'none' ? 'login' : 'login_password_ok',
		detail: { needs }
	});
	return { ok: true, token, needs, principal: toPrincipal(user) };
}

export interface SessionUser {
	principal: Principal;
	displayName: string;
	sessionId: string;
	secondFactorOk: boolean;
	totpEnabled: boolean;
}

/** The user behind a cookie token, or null if the session is unknown, idle, expired or the user inactive. */
export async function validateSession(
	db: Kysely<DB>,
	token: string,
	now = new Date()
): Promise<SessionUser | null> {
	const id = sessionIdFromToken(token);
	const s = await findSession(db, id);
	if (!s) return null;
	if (sessionState(s, now) !== 'valid') {
		await deleteSession(db, id);
		return null;
	}
	const user = await findUserById(db, s.user_id);
	if (!user || !user.active) {
		await deleteSession(db, id);
		return null;
	}
	if (now.getTime() - new Date(s.last_seen_at).getTime() > TOUCH_INTERVAL_MS)
		await touchSession(db, id);
	return {
		principal: toPrincipal(user),
		displayName: user.display_name,
		sessionId: id,
		secondFactorOk: s.second_factor_ok,
		totpEnabled: user.totp_enabled
	};
}

export async function verifySecondFactor(
	db: Kysely<DB>,
	su: SessionUser,
	code: string,
	meta: RequestMeta
): Promise<boolean> {
	const user = await findUserById(db, su.principal.userId);
	const audit = {
		userId: su.principal.userId,
		username: su.principal.username,
		role: su.principal.role,
		jurisdictionCode: su.principal.jurisdiction,
		...meta
	};
	if (!user?.totp_secret || !user.totp_enabled || !verifyTotp(user.totp_secret, code)) {
		const failures = await recordFailedLogin(
			db,
			su.principal.userId,
			LOCK_AFTER_FAILURES,
			LOCK_MINUTES
		);
		await appendAudit(db, {
			...audit,
			action: 'login_failed',
			detail: { reason: 'bad_totp', failures }
		});
		if (failures >= LOCK_AFTER_FAILURES) await deleteUserSessions(db, su.principal.userId);
		return false;
	}
	await clearFailedLogins(db, su.principal.userId);
	await markSecondFactor(db, su.sessionId);
	await appendAudit(db, { ...audit, action: 'login', detail: { second_factor: 'totp' } });
	return true;
}

/** Turn on TOTP after the user proves their authenticator shows the same codes. */
export async function enableTotp(
	db: Kysely<DB>,
	su: SessionUser,
	secret: string,
	code: string,
	meta: RequestMeta
): Promise<boolean> {
	if (!verifyTotp(secret, code)) return false;
	await db
		.updateTable('users')
		.set({ totp_secret: secret, totp_enabled: true })
		.where('id', '=', su.principal.userId)
		.execute();
	await markSecondFactor(db, su.sessionId);
	await appendAudit(db, {
		userId: su.principal.userId,
		username: su.principal.username,
		role: su.principal.role,
		jurisdictionCode: su.principal.jurisdiction,
		action: 'totp_enabled',
		...meta
	});
	return true;
}

export async function logout(
	db: Kysely<DB>,
	su: SessionUser,
	everywhere: boolean,
	meta: RequestMeta
): Promise<void> {
	if (everywhere) await deleteUserSessions(db, su.principal.userId);
	else await deleteSession(db, su.sessionId);
	await appendAudit(db, {
		userId: su.principal.userId,
		username: su.principal.username,
		role: su.principal.role,
		jurisdictionCode: su.principal.jurisdiction,
		action: everywhere ? 'logout_everywhere' : 'logout',
		...meta
	});
}

export type PasswordChange = { ok: true } | { ok: false; problem: string };

export async function changePassword(
	db: Kysely<DB>,
	su: SessionUser,
	current: string,
	next: string,
	meta: RequestMeta
): Promise<PasswordChange> {
	const user = await findUserById(db, su.principal.userId);
	if (!user || !(await verifyPassword(user.password_hash, current)))
		return { ok: false, problem: 'password.wrongCurrent' };
	const problem = passwordProblem(next, user.username);
	if (problem) return { ok: false, problem };
	await db
		.updateTable('users')
		.set({ password_hash: await hashPassword(next), password_changed_at: new Date() })
		.where('id', '=', user.id)
		.execute();
	// other devices must sign in again with the new password
	await deleteUserSessions(db, user.id, su.sessionId);
	await appendAudit(db, {
		userId: user.id,
		username: user.username,
		role: user.role,
		jurisdictionCode: user.jurisdiction_code,
		action: 'password_changed',
		...meta
	});
	return { ok: true };
}
