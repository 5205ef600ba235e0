// Sign-in throttling (per typed name and client address, and per address) and the second
// factor's state: the SQL behind services/auth.ts. See auth/throttle.ts for why it is keyed so.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { isClientAddress, type ThrottleLimits } from '../auth/throttle';

/** The row that counts every name from an address. */
const ANY_NAME = '';

/** When the pair (or the whole address) may try again, if it is locked now. */
export async function throttledUntil(
	db: Kysely<DB>,
	username: string,
	address: string
): Promise<Date | null> {
	const r = await sql<{ until: Date | null }>`
		SELECT max(locked_until) AS until FROM login_throttle
		WHERE address = ${address} AND username IN (${username}, ${ANY_NAME}) AND locked_until > now()`.execute(
		db
	);
	const until = r.rows[0]?.until;
	return until ? new Date(until) : null;
}

export interface ThrottledFailure {
	/** failures of this name from this address, within the window */
	failures: number;
	/** what this failure locked: the pair, the whole address, or nothing */
	newlyLocked: 'pair' | 'address' | null;
}

/**
 * Count a failure for the pair and for the address (unless it is loopback), in one statement. A count starts afresh
 * once its window (or its lock) is over; a lock is not lengthened by tries made while it holds,
 * so it always ends `minutes` after it began.
 */
export async function recordThrottledFailure(
	db: Kysely<DB>,
	username: string,
	address: string,
	limits: ThrottleLimits
): Promise<ThrottledFailure> {
	const window = sql`make_interval(mins => ${limits.minutes})`;
	// a loopback address is no one client (auth/throttle.ts): only its pairs count
	const addressRow = isClientAddress(address)
		? sql`, (${ANY_NAME}, ${address}, 1, now(), NULL)`
		: sql``;
	const limit = sql`(CASE WHEN t.username = ${ANY_NAME} THEN ${limits.address}::int ELSE ${limits.pair}::int END)`;
	// the count is over once its lock has ended, or (never locked) once the window has passed
	const over = sql`(COALESCE(t.locked_until, t.first_failed_at + ${window}) <= now())`;
	const next = sql`(CASE WHEN ${over} THEN 1 ELSE t.failures + 1 END)`;
	const r = await sql<{ username: string; failures: number; locked: boolean }>`
		INSERT INTO login_throttle AS t (username, address, failures, first_failed_at, locked_until)
		VALUES (${username}, ${address}, 1, now(), NULL)${addressRow}
		ON CONFLICT (username, address) DO UPDATE SET
			failures = ${next},
			first_failed_at = CASE WHEN ${over} THEN now() ELSE t.first_failed_at END,
			locked_until = CASE
				WHEN NOT ${over} AND t.locked_until IS NOT NULL THEN t.locked_until
				WHEN ${next} >= ${limit} THEN now() + ${window}
				ELSE NULL END
		RETURNING t.username, t.failures,
			(t.failures = (CASE WHEN t.username = ${ANY_NAME} THEN ${limits.address}::int ELSE ${limits.pair}::int END)) AS locked`.execute(
		db
	);
	const pair = r.rows.find((x) => x.username === username);
	const locked = r.rows.find((x) => x.locked);
	return {
		failures: Number(pair?.failures ?? 1),
		newlyLocked: !locked ? null : locked.username === ANY_NAME ? 'address' : 'pair'
	};
}

/** The pair signed in: its count starts again. The address's own count only runs out. */
export async function clearThrottle(
	db: Kysely<DB>,
	username: string,
	address: string
): Promise<void> {
	await db
		.deleteFrom('login_throttle')
		.where('username', '=', username)
		.where('address', '=', address)
		.execute();
}

/** Forget counts whose window and lock are long over (they would start afresh anyway). */
export async function sweepThrottle(db: Kysely<DB>, olderThanMinutes: number): Promise<void> {
	await sql`DELETE FROM login_throttle
		WHERE first_failed_at < now() - make_interval(mins => ${olderThanMinutes})
			AND (locked_until IS NULL OR locked_until < now())`.execute(db);
}

// ---- the second factor ------------------------------------------------------------------

export interface SecondFactorRow {
	totp_secret: string | null;
	totp_enabled: boolean;
	totp_last_step: number | null;
	failed_logins: number;
	locked_until: Date | null;
}

export async function secondFactorOf(
	db: Kysely<DB>,
	userId: number
): Promise<SecondFactorRow | undefined> {
	const r = await db
		.selectFrom('users')
		.select(['totp_secret', 'totp_enabled', 'totp_last_step', 'failed_logins', 'locked_until'])
		.where('id', '=', userId)
		.executeTakeFirst();
	if (!r) return undefined;
	return {
		...r,
		// bigint arrives as text on one engine
		totp_last_step: r.totp_last_step === null ? null : Number(r.totp_last_step),
		locked_until: r.locked_until ? new Date(r.locked_until) : null
	};
}

/**
 * Take a code's time step as used, only if it is later than the last one taken: the check and
 * the write are one statement, so two requests with the same code cannot both pass.
 */
export async function acceptTotpStep(
	db: Kysely<DB>,
	userId: number,
	step: number
): Promise<boolean> {
	const r = await sql<{ id: number }>`
		UPDATE users SET totp_last_step = ${step}
		WHERE id = ${userId} AND (totp_last_step IS NULL OR totp_last_step < ${step})
		RETURNING id`.execute(db);
	return r.rows.length === 1;
}

/** A new secret, confirmed with the code of `step`, which therefore cannot sign in again. */
export async function setTotpSecret(
	db: Kysely<DB>,
	userId: number,
	secret: string,
	step: number
): Promise<void> {
	await db
		.updateTable('users')
		.set({ totp_secret: secret, totp_enabled: true, totp_last_step: step })
		.where('id', '=', userId)
		.execute();
}

/** Sessions still waiting for their second factor (those a wrong-code lock-out ends). */
export async function deletePendingSessions(db: Kysely<DB>, userId: number): Promise<number> {
	const r = await db
		.deleteFrom('sessions')
		.where('user_id', '=', userId)
		.where('second_factor_ok', '=', false)
		.executeTakeFirst();
	return Number(r.numDeletedRows ?? 0);
}
