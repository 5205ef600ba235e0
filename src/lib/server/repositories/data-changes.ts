// Noted data changes (data_changes, written by the triggers of migration 0004) and the data
// version (app_meta.data_version) that tells every app process the map's data moved. The version
// is only read here: triggers move it (migration 0008), services/freshness.ts reads it.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** Only one process applies changes at a time. */
const APPLY_LOCK = 7263005;

/** Take the lock of applying changes for this transaction; false when another process holds it. */
export async function tryApplyLock(trx: Kysely<DB>): Promise<boolean> {
	const lock = await sql<{
		ok: boolean;
	}>`SELECT pg_try_advisory_xact_lock(${APPLY_LOCK}) AS ok`.execute(trx);
	return !!lock.rows[0]?.ok;
}

export interface NotedChange {
	source: string;
	west: number;
	south: number;
	east: number;
	north: number;
	townships: string[];
}

/** Remove every noted change and return them (in the caller's transaction). */
export async function takeNotedChanges(trx: Kysely<DB>): Promise<NotedChange[]> {
	const noted = await sql<NotedChange>`
		DELETE FROM data_changes RETURNING source, west, south, east, north, townships`.execute(trx);
	return noted.rows;
}

/**
 * The changes noted so far, without taking them, and the newest one's id (0 for none): what a
 * sliced apply works from, checking under the lock that nothing was noted since.
 */
export async function peekNotedChanges(
	db: Kysely<DB>
): Promise<{ changes: NotedChange[]; newest: number }> {
	const noted = await sql<NotedChange & { id: string }>`
		SELECT id, source, west, south, east, north, townships FROM data_changes ORDER BY id`.execute(db);
	return {
		changes: noted.rows.map(({ id: _id, ...c }) => c),
		newest: Number(noted.rows.at(-1)?.id ?? 0)
	};
}

/** The newest noted change's id (0 for none). */
export async function newestNotedChange(db: Kysely<DB>): Promise<number> {
	const r = await sql<{ id: string | null }>`SELECT max(id) AS id FROM data_changes`.execute(db);
	return Number(r.rows[0]?.id ?? 0);
}

/** Segments whose box meets any of the boxes grown by dLon/dLat degrees. */
export async function segmentsNearBoxes(
	db: Kysely<DB>,
	boxes: readonly NotedChange[],
	dLon: number,
	dLat: number
): Promise<number[]> {
	const near = await sql<{ id: number }>`
		SELECT DISTINCT w.id FROM waterways w
		JOIN unnest(${boxes.map((b) => b.west)}::float8[], ${boxes.map((b) => b.south)}::float8[],
			${boxes.map((b) => b.east)}::float8[], ${boxes.map((b) => b.north)}::float8[]) AS b(w, s, e, n)
			ON w.geom && ST_MakeEnvelope(b.w - ${dLon}, b.s - ${dLat}, b.e + ${dLon}, b.n + ${dLat}, 4326)`.execute(
		db
	);
	return near.rows.map((r) => Number(r.id));
}

/** The current data version (null before the first change). */
export async function currentDataVersion(db: Kysely<DB>): Promise<string | null> {
	const again = await sql<{
		v: string | null;
	}>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(db);
	return again.rows[0]?.v ?? null;
}

/** The data version and whether changes wait to be applied, in one query. */
export async function dataVersionAndPending(
	db: Kysely<DB>
): Promise<{ v: string | null; pending: boolean }> {
	const r = await sql<{ v: string | null; pending: boolean }>`
		SELECT (SELECT value FROM app_meta WHERE key = 'data_version') AS v,
			EXISTS (SELECT 1 FROM data_changes) AS pending`.execute(db);
	return { v: r.rows[0]?.v ?? null, pending: !!r.rows[0]?.pending };
}

/** How many noted changes wait to be applied. */
export async function countNotedChanges(db: Kysely<DB>): Promise<number> {
	const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM data_changes`.execute(db);
	return r.rows[0]?.n ?? 0;
}
