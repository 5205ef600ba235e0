// Declared emergencies: an area and a time window in which emergency staff may see exact homes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import type { EmergencyWindow } from '../auth/policy';
import { jurisdictionPrefix } from '$lib/domain/admin';

export async function insertEmergency(
	db: Kysely<DB>,
	e: { areaCode: string; startsAt: Date; endsAt: Date; reason: string; declaredBy: number }
): Promise<number> {
	const r = await db
		.insertInto('emergency_declarations')
		.values({
			area_code: e.areaCode,
			starts_at: e.startsAt,
			ends_at: e.endsAt,
			reason: e.reason,
			declared_by: e.declaredBy
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

/**
 * End a declaration now: one in force ends at `at`; one not yet begun never begins (its window
 * becomes the instant before `at`). Returns the window it had, or null when there is no such
 * declaration or it had already ended.
 */
export async function endEmergencyAt(
	db: Kysely<DB>,
	id: number,
	at: Date
): Promise<{ areaCode: string; startsAt: Date; endsAt: Date } | null> {
	const before = await db
		.selectFrom('emergency_declarations')
		.select(['area_code', 'starts_at', 'ends_at'])
		.where('id', '=', id)
		.where('ends_at', '>', at)
		.executeTakeFirst();
	if (!before) return null;
	const startsAt = new Date(before.starts_at);
	await db
		.updateTable('emergency_declarations')
		.set({
			starts_at: startsAt < at ? startsAt : new Date(at.getTime() - 1),
			ends_at: at
		})
		.where('id', '=', id)
		.execute();
	return { areaCode: before.area_code, startsAt, endsAt: new Date(before.ends_at) };
}

/** Declarations overlapping a jurisdiction (either contains the other) that have not ended. */
export async function currentEmergencies(
	db: Kysely<DB>,
	prefix: string,
	now = new Date()
): Promise<EmergencyWindow[]> {
	// unexpired declarations are few: filter the overlap in code, with the same prefix rule
	const rows = await db
		.selectFrom('emergency_declarations')
		.select(['id', 'area_code', 'starts_at', 'ends_at'])
		.where('ends_at', '>', now)
		.execute();
	return rows
		.filter(
			(r) => r.area_code.startsWith(prefix) || prefix.startsWith(jurisdictionPrefix(r.area_code))
		)
		.map((r) => ({
			id: r.id,
			areaCode: r.area_code,
			startsAt: new Date(r.starts_at),
			endsAt: new Date(r.ends_at)
		}));
}

export interface EmergencyListRow {
	id: number;
	area_code: string;
	area_name: string;
	starts_at: Date;
	ends_at: Date;
	reason: string;
	declared_by_name: string;
}

export async function listEmergencies(db: Kysely<DB>, prefix: string): Promise<EmergencyListRow[]> {
	return (await db
		.selectFrom('emergency_declarations as e')
		.innerJoin('admin_units as a', 'a.code', 'e.area_code')
		.innerJoin('users as u', 'u.id', 'e.declared_by')
		.select([
			'e.id',
			'e.area_code',
			'a.name as area_name',
			'e.starts_at',
			'e.ends_at',
			'e.reason',
			'u.display_name as declared_by_name'
		])
		.where('e.area_code', 'like', underPrefix(prefix))
		.orderBy('e.id', 'desc')
		.limit(200)
		.execute()) as EmergencyListRow[];
}

/** The area of a declared emergency, or undefined for an id that names none. */
export async function emergencyArea(db: Kysely<DB>, id: number): Promise<string | undefined> {
	const row = await db
		.selectFrom('emergency_declarations')
		.select(['area_code'])
		.where('id', '=', id)
		.executeTakeFirst();
	return row?.area_code;
}
