// User administration. Administrators create and change users inside their own jurisdiction,
// never above their own rank; every change is in the audit log. There is no self-registration.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	canAssignSegments,
	canManageUser,
	holdsSegments,
	prefixOf,
	roleFitsLevel,
	type Principal
} from '../auth/policy';
import { isRole, type Role } from '../auth/roles';
import { hashPassword, passwordProblem } from '../auth/password';
import { actorOf, appendAudit } from '../repositories/audit';
import {
	deleteUserSessions,
	findUserById,
	findUserByName,
	insertUser,
	listUsers,
	updateUserColumns,
	type UserListRow
} from '../repositories/users';
import { isAdminCode, jurisdictionPrefix } from '$lib/domain/admin';
import { unitExists } from '../repositories/areas';
import { assignChiefSegments, releaseChiefSegments } from '../repositories/waterways';
import { syncNow } from './freshness';
import { normalizeCode } from '$lib/i18n/admin-format';
import type { RequestMeta } from './auth';
import { UserNotFound } from '../errors';

/** Field → i18n message key. */
export type FieldErrors = Record<string, string>;
export type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function listManagedUsers(db: Kysely<DB>, admin: Principal): Promise<UserListRow[]> {
	return listUsers(db, prefixOf(admin));
}

export interface UserInput {
	username: string;
	displayName: string;
	role: string;
	jurisdiction: string;
	password: string;
}

/** What is wrong with a typed jurisdiction code, said so the user knows what to do; or null. */
async function jurisdictionError(db: Kysely<DB>, code: string): Promise<string | null> {
	if (!code) return 'users.err.jurisdictionEmpty';
	if (!isAdminCode(code)) return 'users.err.jurisdictionFormat';
	if (!(await unitExists(db, code))) return 'users.err.jurisdiction';
	return null;
}

function auditFor(admin: Principal, meta: RequestMeta) {
	return { ...actorOf(admin), ...meta };
}

export async function createUser(
	db: Kysely<DB>,
	admin: Principal,
	input: UserInput,
	meta: RequestMeta
): Promise<Outcome<number>> {
	const errors: FieldErrors = {};
	const username = input.username.trim().toLowerCase();
	const displayName = input.displayName.trim();
	if (!/^[a-z0-9_.-]{3,40}$/.test(username)) errors.username = 'users.err.username';
	else if (await findUserByName(db, username)) errors.username = 'users.err.usernameTaken';
	if (!displayName || displayName.length > 60) errors.displayName = 'users.err.displayName';
	if (!isRole(input.role)) errors.role = 'users.err.role';
	input = { ...input, jurisdiction: normalizeCode(input.jurisdiction) };
	const badArea = await jurisdictionError(db, input.jurisdiction);
	if (badArea) errors.jurisdiction = badArea;
	else if (isRole(input.role) && !roleFitsLevel(input.role, input.jurisdiction))
		errors.jurisdiction = `users.err.level.${input.role}`;
	else if (
		isRole(input.role) &&
		!canManageUser(admin, { role: input.role, jurisdiction: input.jurisdiction })
	) {
		errors.jurisdiction = 'users.err.notAllowed';
	}
	// the new user's own names are the first things a guesser tries
	const pw = passwordProblem(input.password, username, { userInputs: [displayName] });
	if (pw) errors.password = pw;
	if (Object.keys(errors).length) return { ok: false, errors };
	const id = await db.transaction().execute(async (trx) => {
		const newId = await insertUser(trx, {
			username,
			displayName,
			passwordHash: await hashPassword(input.password),
			role: input.role as Role,
			jurisdiction: input.jurisdiction,
			createdBy: admin.userId
		});
		await appendAudit(trx, {
			...auditFor(admin, meta),
			action: 'user_created',
			resource: `user:${newId}`,
			jurisdictionCode: input.jurisdiction,
			detail: { username, role: input.role }
		});
		return newId;
	});
	// a new river chief moved the version (trigger, 0021): the kept lists offer them at once
	if (input.role === 'river_chief') await syncNow(db);
	return { ok: true, value: id };
}

export interface UserChange {
	displayName?: string;
	role?: string;
	jurisdiction?: string;
	active?: boolean;
	newPassword?: string;
}

export async function updateUser(
	db: Kysely<DB>,
	admin: Principal,
	id: number,
	change: UserChange,
	meta: RequestMeta
): Promise<Outcome> {
	const target = await findUserById(db, id);
	if (
		!target ||
		!canManageUser(admin, { role: target.role, jurisdiction: target.jurisdiction_code })
	)
		throw new UserNotFound(String(id));
	const errors: FieldErrors = {};
	const role = change.role ?? target.role;
	const jurisdiction =
		change.jurisdiction !== undefined
			? normalizeCode(change.jurisdiction)
			: target.jurisdiction_code;
	if (!isRole(role)) errors.role = 'users.err.role';
	const badArea = await jurisdictionError(db, jurisdiction);
	if (badArea) errors.jurisdiction = badArea;
	else if (isRole(role) && !roleFitsLevel(role, jurisdiction))
		errors.jurisdiction = `users.err.level.${role}`;
	else if (isRole(role) && !canManageUser(admin, { role, jurisdiction }))
		errors.jurisdiction = 'users.err.notAllowed';
	if (
		change.displayName !== undefined &&
		(!change.displayName.trim() || change.displayName.length > 60)
	)
		errors.displayName = 'users.err.displayName';
	if (change.active === false && id === admin.userId) errors.active = 'users.err.selfDeactivate';
	if (change.newPassword !== undefined) {
		const pw = passwordProblem(change.newPassword, target.username, {
			userInputs: [target.display_name, change.displayName ?? '']
		});
		if (pw) errors.newPassword = pw;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	const changed = await db.transaction().execute(async (trx) => {
		const set: Record<string, unknown> = {};
		const diff: Record<string, unknown> = {};
		if (change.displayName !== undefined && change.displayName.trim() !== target.display_name) {
			set.display_name = change.displayName.trim();
			diff.displayName = set.display_name;
		}
		if (role !== target.role) set.role = diff.role = role;
		if (jurisdiction !== target.jurisdiction_code)
			set.jurisdiction_code = diff.jurisdiction = jurisdiction;
		if (change.active !== undefined && change.active !== target.active)
			set.active = diff.active = change.active;
		if (change.newPassword !== undefined) {
			set.password_hash = await hashPassword(change.newPassword);
			set.password_changed_at = new Date();
			set.failed_logins = 0;
			set.locked_until = null;
			diff.password = 'reset';
		}
		if (!Object.keys(set).length) return false;
		await updateUserColumns(trx, id, set);
		// a change of role, area, status or password takes effect now, not at the next sign-in
		if (set.role || set.jurisdiction_code || set.active === false || set.password_hash)
			await deleteUserSessions(trx, id);
		if (set.role || set.jurisdiction_code) {
			// segments outside a river chief's new area are no longer theirs
			await releaseChiefSegments(trx, id, jurisdictionPrefix(jurisdiction));
			if (!holdsSegments(role)) await releaseChiefSegments(trx, id);
		}
		await appendAudit(trx, {
			...auditFor(admin, meta),
			action: 'user_updated',
			resource: `user:${id}`,
			jurisdictionCode: jurisdiction,
			detail: { username: target.username, ...diff }
		});
		return !!(set.display_name || set.role || set.jurisdiction_code);
	});
	// segment lists show river chiefs by name and filter by them: the trigger on users moved
	// the version, and this process's kept lists follow at once
	if (changed) await syncNow(db);
	return { ok: true, value: undefined };
}

/** Give a river chief the segments of a township (or any area) inside both jurisdictions. */
export async function assignSegments(
	db: Kysely<DB>,
	admin: Principal,
	chiefId: number,
	areaCode: string,
	meta: RequestMeta
): Promise<Outcome<number>> {
	const chief = await findUserById(db, chiefId);
	if (!chief || !canManageUser(admin, { role: chief.role, jurisdiction: chief.jurisdiction_code }))
		throw new UserNotFound(String(chiefId));
	if (!canAssignSegments(admin) || !holdsSegments(chief.role))
		return { ok: false, errors: { area: 'users.err.notRiverChief' } };
	if (!isAdminCode(areaCode) || !(await unitExists(db, areaCode)))
		return { ok: false, errors: { area: 'users.err.jurisdiction' } };
	const area = jurisdictionPrefix(areaCode);
	if (
		!area.startsWith(jurisdictionPrefix(chief.jurisdiction_code)) &&
		!jurisdictionPrefix(chief.jurisdiction_code).startsWith(area)
	) {
		return { ok: false, errors: { area: 'users.err.notAllowed' } };
	}
	// the narrower of the two areas
	const narrow =
		area.length >= jurisdictionPrefix(chief.jurisdiction_code).length
			? area
			: jurisdictionPrefix(chief.jurisdiction_code);
	if (!narrow.startsWith(prefixOf(admin)))
		return { ok: false, errors: { area: 'users.err.notAllowed' } };
	const done = await db.transaction().execute(async (trx) => {
		const n = await assignChiefSegments(trx, chiefId, narrow);
		await appendAudit(trx, {
			...auditFor(admin, meta),
			action: 'segments_assigned',
			resource: `user:${chiefId}`,
			jurisdictionCode: areaCode,
			detail: { username: chief.username, segments: n }
		});
		return { ok: true as const, value: n };
	});
	// the kept segment lists name each segment's chief (the trigger on waterways moved the version)
	await syncNow(db);
	return done;
}
