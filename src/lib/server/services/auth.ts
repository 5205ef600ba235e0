// Sign-in, second factor, sessions, password change. Every outcome is written to the audit log.
//
// Sign-in answers every failure alike (one message, one status) and takes the same time for an
// unknown, known, locked or deactivated account: the password is always run through argon2
// (against a dummy hash when there is no such user), and every failure writes the same rows.
// Throttling is by typed name and client address together (auth/throttle.ts).
// About 400 lines on purpose: the sign-in steps must stay side by side so their equal answers
// and equal timing can be read and checked in one place.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	clearFailedLogins,
	deleteSession,
	deleteUserSessions,
	findUserById,
	findUserByName,
	insertSession,
	markSecondFactor,
	recordFailedLogin,
	setPasswordHash,
	touchSession,
	findSessionWithUser,
	type UserRow
} from '../repositories/users';
import {
	acceptTotpStep,
	clearThrottle,
	deletePendingSessions,
	recordThrottledFailure,
	secondFactorOf,
	setTotpSecret,
	sweepThrottle,
	throttledUntil
} from '../repositories/sign-in';
import { appendAudit, type AuditEntry } from '../repositories/audit';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password';
import { matchTotp, secondFactorChange } from '../auth/totp';
import {
	ABSOLUTE_TIMEOUT_MS,
	TOUCH_INTERVAL_MS,
	newSessionToken,
	sessionIdFromToken,
	sessionState
} from '../auth/session';
import {
	LOCK_AFTER_FAILURES,
	LOCK_MINUTES,
	THROTTLE,
	addressKey,
	loginName
} from '../auth/throttle';
import { mustUseSecondFactor, type Principal } from '../auth/policy';

export { LOCK_AFTER_FAILURES, LOCK_MINUTES };

export interface RequestMeta {
	ip: string | null;
	userAgent: string | null;
}

// A real argon2id hash (the same parameters as every user's) of a random string, made once at
// start-up: an unknown name costs the same verify as a known one.
const dummyHash: Promise<string> = hashPassword(newSessionToken());

/** Failed sign-ins say nothing more: not whether the name exists, is locked or deactivated. */
export type LoginResult =
	| { ok: true; token: string; needs: 'none' | 'totp' | 'totp_setup'; principal: Principal }
	| { ok: false };

/** Why a sign-in failed, for the audit log only. */
type FailReason = 'locked' | 'unknown_user' | 'bad_password' | 'inactive';

function toPrincipal(u: UserRow): Principal {
	return { userId: u.id, username: u.username, role: u.role, jurisdiction: u.jurisdiction_code };
}

function auditActor(u: UserRow, meta: RequestMeta) {
	return {
		userId: u.id,
		username: u.username,
		role: u.role,
		jurisdictionCode: u.jurisdiction_code,
		...meta
	};
}

function sessionActor(su: SessionUser, meta: RequestMeta) {
	return {
		userId: su.principal.userId,
		username: su.principal.username,
		role: su.principal.role,
		jurisdictionCode: su.principal.jurisdiction,
		...meta
	};
}

/**
 * A failure for (name, address) and the address: counted, audited, and when it locks the pair
 * or the address, that too. Unknown names go through the very same writes.
 */
async function countFailure(
	db: Kysely<DB>,
	name: string,
	address: string,
	actor: Omit<AuditEntry, 'action'>,
	action: 'login_failed' | 'password_change_failed',
	reason: string
): Promise<boolean> {
	const f = await recordThrottledFailure(db, name, address, THROTTLE);
	await appendAudit(db, { ...actor, action, detail: { reason, failures: f.failures } });
	if (f.newlyLocked)
		await appendAudit(db, {
			...actor,
			action: 'account_locked',
			detail: { minutes: LOCK_MINUTES, basis: f.newlyLocked }
		});
	return f.newlyLocked !== null;
}

/** The whole sign-in has succeeded: the pair's count and the account's code count start again. */
async function signedInFully(db: Kysely<DB>, userId: number, name: string, address: string) {
	await clearFailedLogins(db, userId);
	await clearThrottle(db, name, address);
	await sweepThrottle(db, 24 * 60);
}

export async function login(
	db: Kysely<DB>,
	username: string,
	password: string,
	meta: RequestMeta
): Promise<LoginResult> {
	// never empty: the pair's row must differ from the address's ('')
	const name = loginName(username) || '?';
	const address = addressKey(meta.ip);
	const user = await findUserByName(db, name);
	const lockedUntil = await throttledUntil(db, name, address);
	// always one argon2 verify, whatever the account
	const good = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
	const reason: FailReason | null = lockedUntil
		? 'locked'
		: !user
			? 'unknown_user'
			: !good
				? 'bad_password'
				: !user.active
					? 'inactive'
					: null;
	if (reason || !user) {
		const actor = user ? auditActor(user, meta) : { username: name.slice(0, 40), ...meta };
		await countFailure(db, name, address, actor, 'login_failed', reason ?? 'unknown_user');
		return { ok: false };
	}
	const needs = user.totp_enabled ? 'totp' : mustUseSecondFactor(user.role) ? 'totp_setup' : 'none';
	// with a second factor still to come, the counts stay until it is passed
	if (needs === 'none') await signedInFully(db, user.id, name, address);
	const token = newSessionToken();
	await insertSession(db, {
		id: sessionIdFromToken(token),
		userId: user.id,
		expiresAt: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS),
		secondFactorOk: needs === 'none',
		...meta
	});
	await appendAudit(db, {
		...auditActor(user, meta),
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
	const found = await findSessionWithUser(db, id);
	if (!found) return null;
	const s = found.session;
	if (sessionState(s, now) !== 'valid') {
		await deleteSession(db, id);
		return null;
	}
	const user = found.user;
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

export type CodeCheck = 'ok' | 'invalid' | 'locked';

/**
 * A code from the user's authenticator, checked against their current secret: a step already
 * used is refused, and wrong codes count on the account itself, from wherever they come (five
 * lock it, and end the sessions still waiting for a code). Unlike a wrong password, a wrong
 * code comes from someone who has the password, so it is not an anonymous lock-out, and
 * counting per address would let many addresses share out a million codes.
 */
async function checkCode(
	db: Kysely<DB>,
	su: SessionUser,
	code: string,
	meta: RequestMeta,
	// what a wrong code was for: signing in, or proving the factor before replacing it (the
	// audit must not call a signed-in user's typo on the account page a failed sign-in)
	failedAction: 'login_failed' | 'totp_replace_failed' = 'login_failed'
): Promise<CodeCheck> {
	const id = su.principal.userId;
	const actor = sessionActor(su, meta);
	const f = await secondFactorOf(db, id);
	if (f?.locked_until && f.locked_until > new Date()) {
		await appendAudit(db, { ...actor, action: failedAction, detail: { reason: 'locked' } });
		return 'locked';
	}
	const usable = !!f?.totp_secret && f.totp_enabled;
	const step = usable ? matchTotp(f.totp_secret!, code, Date.now(), f.totp_last_step) : null;
	if (step !== null && (await acceptTotpStep(db, id, step))) return 'ok';
	// a right code whose step is already used: the audit says so (someone replays codes)
	const reused = usable && step === null && matchTotp(f.totp_secret!, code) !== null;
	const failures = await recordFailedLogin(db, id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
	await appendAudit(db, {
		...actor,
		action: failedAction,
		detail: { reason: reused ? 'reused_totp' : 'bad_totp', failures }
	});
	if (failures === LOCK_AFTER_FAILURES) {
		await appendAudit(db, {
			...actor,
			action: 'account_locked',
			detail: { minutes: LOCK_MINUTES, basis: 'totp' }
		});
		await deletePendingSessions(db, id);
	}
	return failures >= LOCK_AFTER_FAILURES ? 'locked' : 'invalid';
}

/** The second step of signing in. Only after it are the failure counts cleared. */
export async function verifySecondFactor(
	db: Kysely<DB>,
	su: SessionUser,
	code: string,
	meta: RequestMeta
): Promise<CodeCheck> {
	const r = await checkCode(db, su, code, meta);
	if (r !== 'ok') return r;
	await signedInFully(db, su.principal.userId, su.principal.username, addressKey(meta.ip));
	await markSecondFactor(db, su.sessionId);
	await appendAudit(db, {
		...sessionActor(su, meta),
		action: 'login',
		detail: { second_factor: 'totp' }
	});
	return 'ok';
}

export type TotpChange =
	| { ok: true; replaced: boolean }
	| {
			ok: false;
			problem: 'totp.refused' | 'totp.invalid' | 'totp.currentInvalid' | 'totp.locked';
	  };

/**
 * Turn on TOTP after the user proves their authenticator shows the same codes, or replace it.
 * A session may set one up where the account has none (an administrator's first sign-in), but
 * may replace one only after passing it in this session and with a current code from it, so a
 * password alone can never swap the owner's authenticator for another.
 */
export async function enableTotp(
	db: Kysely<DB>,
	su: SessionUser,
	secret: string,
	code: string,
	currentCode: string,
	meta: RequestMeta
): Promise<TotpChange> {
	const id = su.principal.userId;
	// the account as it is now, not as the session saw it when the request began
	const f = await secondFactorOf(db, id);
	if (!f) return { ok: false, problem: 'totp.refused' };
	const mode = secondFactorChange({
		totpEnabled: f.totp_enabled,
		secondFactorOk: su.secondFactorOk
	});
	if (mode === 'refuse') {
		await appendAudit(db, {
			...sessionActor(su, meta),
			action: 'login_failed',
			detail: { reason: 'totp_replace_refused' }
		});
		return { ok: false, problem: 'totp.refused' };
	}
	// the new code first: a typo in it must not use up the current code
	const step = matchTotp(secret, code);
	if (step === null) return { ok: false, problem: 'totp.invalid' };
	if (mode === 'replace') {
		const r = await checkCode(db, su, currentCode, meta, 'totp_replace_failed');
		if (r !== 'ok')
			return { ok: false, problem: r === 'locked' ? 'totp.locked' : 'totp.currentInvalid' };
	}
	await db.transaction().execute(async (trx) => {
		await setTotpSecret(trx, id, secret, step);
		await markSecondFactor(trx, su.sessionId);
		// a replaced factor: any other session may be the reason for replacing it
		if (mode === 'replace') await deleteUserSessions(trx, id, su.sessionId);
		await appendAudit(trx, {
			...sessionActor(su, meta),
			action: mode === 'replace' ? 'totp_replaced' : 'totp_enabled'
		});
	});
	// setting up the first factor completes an administrator's first sign-in
	await signedInFully(db, id, su.principal.username, addressKey(meta.ip));
	return { ok: true, replaced: mode === 'replace' };
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

/**
 * Change one's own password. The current password is checked under the same throttle as
 * sign-in (by name and address), so a borrowed session cannot try passwords without end.
 */
export async function changePassword(
	db: Kysely<DB>,
	su: SessionUser,
	current: string,
	next: string,
	meta: RequestMeta
): Promise<PasswordChange> {
	const user = await findUserById(db, su.principal.userId);
	if (!user) return { ok: false, problem: 'password.wrongCurrent' };
	const address = addressKey(meta.ip);
	const actor = auditActor(user, meta);
	if (await throttledUntil(db, user.username, address)) {
		await appendAudit(db, {
			...actor,
			action: 'password_change_failed',
			detail: { reason: 'locked' }
		});
		return { ok: false, problem: 'password.tooManyAttempts' };
	}
	if (!(await verifyPassword(user.password_hash, current))) {
		const locked = await countFailure(
			db,
			user.username,
			address,
			actor,
			'password_change_failed',
			'bad_password'
		);
		return { ok: false, problem: locked ? 'password.tooManyAttempts' : 'password.wrongCurrent' };
	}
	await clearThrottle(db, user.username, address);
	// the same password again is no change, and a near copy of it is as good as known to
	// whoever made the user change it: the current one is an input to the strength estimate
	if (next === current) return { ok: false, problem: 'password.sameAsCurrent' };
	const problem = passwordProblem(next, user.username, {
		userInputs: [user.display_name, current]
	});
	if (problem) return { ok: false, problem };
	await setPasswordHash(db, user.id, await hashPassword(next));
	// other devices must sign in again with the new password
	await deleteUserSessions(db, user.id, su.sessionId);
	await appendAudit(db, { ...actor, action: 'password_changed' });
	return { ok: true };
}
