// Users and sessions.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import type { Role } from '../auth/roles';

export interface UserRow {
	id: number;
	username: string;
	display_name: string;
	password_hash: string;
	role: Role;
	jurisdiction_code: string;
	active: boolean;
	totp_secret: string | null;
	totp_enabled: boolean;
	failed_logins: number;
	locked_until: Date | null;
}

const USER_COLUMNS = [
	'id',
	'username',
	'display_name',
	'password_hash',
	'role',
	'jurisdiction_code',
	'active',
	'totp_secret',
	'totp_enabled',
	'failed_logins',
	'locked_until'
] as const;

export async function findUserByName(
	db: Kysely<DB>,
	username: string
): Promise<UserRow | undefined> {
	return (await db
		.selectFrom('users')
		.select(USER_COLUMNS)
		.where('username', '=', username)
		.executeTakeFirst()) as UserRow | undefined;
}

export async function findUserById(db: Kysely<DB>, id: number): Promise<UserRow | undefined> {
	return (await db
		.selectFrom('users')
		.select(USER_COLUMNS)
		.where('id', '=', id)
		.executeTakeFirst()) as UserRow | undefined;
}

export interface NewUser {
	username: string;
	displayName: string;
	passwordHash: string;
	role: Role;
	jurisdiction: string;
	createdBy: number | null;
	totpSecret?: string | null;
	totpEnabled?: boolean;
}

export async function insertUser(db: Kysely<DB>, u: NewUser): Promise<number> {
	const r = await db
		.insertInto('users')
		.values({
			username: u.username,
			display_name: u.displayName,
			password_hash: u.passwordHash,
			role: u.role,
			jurisdiction_code: u.jurisdiction,
			created_by: u.createdBy,
			totp_secret: u.totpSecret ?? null,
			totp_enabled: u.totpEnabled ?? false
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

export interface UserListRow {
	id: number;
	username: string;
	display_name: string;
	role: Role;
	jurisdiction_code: string;
	jurisdiction_name: string;
	active: boolean;
	totp_enabled: boolean;
	segments: number;
	last_seen: Date | null;
}

export async function listUsers(db: Kysely<DB>, prefix: string): Promise<UserListRow[]> {
	const r = await sql<UserListRow>`
		SELECT u.id, u.username, u.display_name, u.role, u.jurisdiction_code, a.name AS jurisdiction_name,
			u.active, u.totp_enabled,
			(SELECT count(*) FROM waterways w WHERE w.river_chief_id = u.id)::int AS segments,
			(SELECT max(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id) AS last_seen
		FROM users u JOIN admin_units a ON a.code = u.jurisdiction_code
		WHERE u.jurisdiction_code LIKE ${underPrefix(prefix)}
		ORDER BY u.jurisdiction_code, u.username`.execute(db);
	return r.rows;
}

export async function recordFailedLogin(
	db: Kysely<DB>,
	id: number,
	lockAfter: number,
	lockMinutes: number
): Promise<number> {
	const r = await sql<{ failed_logins: number }>`
		UPDATE users SET failed_logins = failed_logins + 1,
			locked_until = CASE WHEN failed_logins + 1 >= ${lockAfter}
				THEN now() + make_interval(mins => ${lockMinutes}) ELSE locked_until END
		WHERE id = ${id} RETURNING failed_logins`.execute(db);
	return r.rows[0]?.failed_logins ?? 0;
}

export async function clearFailedLogins(db: Kysely<DB>, id: number): Promise<void> {
	await db
		.updateTable('users')
		.set({ failed_logins: 0, locked_until: null })
		.where('id', '=', id)
		.execute();
}

// ---- sessions -------------------------------------------------------------------------

export interface SessionRow {
	id: string;
	user_id: number;
	created_at: Date;
	last_seen_at: Date;
	expires_at: Date;
	second_factor_ok: boolean;
}

export async function insertSession(
	db: Kysely<DB>,
	s: {
		id: string;
		userId: number;
		expiresAt: Date;
		secondFactorOk: boolean;
		ip: string | null;
		userAgent: string | null;
	}
): Promise<void> {
	await db
		.insertInto('sessions')
		.values({
			id: s.id,
			user_id: s.userId,
			expires_at: s.expiresAt,
			second_factor_ok: s.secondFactorOk,
			ip: s.ip,
			user_agent: s.userAgent?.slice(0, 300) ?? null
		})
		.execute();
}

export async function findSession(db: Kysely<DB>, id: string): Promise<SessionRow | undefined> {
	return (await db
		.selectFrom('sessions')
		.select(['id', 'user_id', 'created_at', 'last_seen_at', 'expires_at', 'second_factor_ok'])
		.where('id', '=', id)
		.executeTakeFirst()) as SessionRow | undefined;
}

/**
 * A session and its user in one round trip: every signed-in request reads both, and on the
 * embedded engine's single connection each query waits its turn (20 users on a county list).
 */
export async function findSessionWithUser(
	db: Kysely<DB>,
	id: string
): Promise<{ session: SessionRow; user: UserRow | undefined } | undefined> {
	const row = await db
		.selectFrom('sessions as s')
		.leftJoin('users as u', 'u.id', 's.user_id')
		.select([
			's.id as s_id',
			's.user_id as s_user_id',
			's.created_at as s_created_at',
			's.last_seen_at as s_last_seen_at',
			's.expires_at as s_expires_at',
			's.second_factor_ok as s_second_factor_ok',
			...USER_COLUMNS.map((c) => `u.${c}` as const)
		])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return undefined;
	const session = {
		id: row.s_id,
		user_id: row.s_user_id,
		created_at: row.s_created_at,
		last_seen_at: row.s_last_seen_at,
		expires_at: row.s_expires_at,
		second_factor_ok: row.s_second_factor_ok
	} as SessionRow;
	const user =
		row.id === null || row.id === undefined
			? undefined
			: (Object.fromEntries(USER_COLUMNS.map((c) => [c, row[c]])) as unknown as UserRow);
	return { session, user };
}

export async function touchSession(db: Kysely<DB>, id: string): Promise<void> {
	await db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', id).execute();
}

export async function markSecondFactor(db: Kysely<DB>, id: string): Promise<void> {
	await db.updateTable('sessions').set({ second_factor_ok: true }).where('id', '=', id).execute();
}

export async function deleteSession(db: Kysely<DB>, id: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteUserSessions(
	db: Kysely<DB>,
	userId: number,
	exceptId?: string
): Promise<number> {
	let q = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (exceptId) q = q.where('id', '<>', exceptId);
	const r = await q.executeTakeFirst();
	return Number(r.numDeletedRows ?? 0);
}

/** Change a user's own columns (name, role, jurisdiction, status, password…). */
export async function updateUserColumns(
	db: Kysely<DB>,
	id: number,
	set: Record<string, unknown>
): Promise<void> {
	await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/** A new password hash, changed now. */
export async function setPasswordHash(db: Kysely<DB>, id: number, hash: string): Promise<void> {
	await db
		.updateTable('users')
		.set({ password_hash: hash, password_changed_at: new Date() })
		.where('id', '=', id)
		.execute();
}

/** River chiefs whose jurisdiction lies under a code prefix, by name. */
export async function riverChiefsUnder(
	db: Kysely<DB>,
	prefix: string
): Promise<{ id: number; name: string }[]> {
	return db
		.selectFrom('users')
		.select(['id', 'display_name as name'])
		.where('role', '=', 'river_chief')
		.where('jurisdiction_code', 'like', underPrefix(prefix))
		.orderBy('display_name')
		.execute();
}
