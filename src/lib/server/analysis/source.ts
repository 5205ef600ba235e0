// Reads one snapshot of what the analyses need, as three compact binary values rather than
// hundreds of thousands of rows: the web server's thread only moves bytes, and the worker
// decodes them. Every residence and segment vertex carries its id (z) and administrative code
// (m) inside the geometry, so ids and scope travel with the coordinates.
import { sql, type Kysely } from 'kysely';
import { USABLE_ITEMS } from '../repositories/equipment';
import type { DB } from '../db/schema';

export interface SnapshotPayload {
	/** one WKB collection per prefecture, in code order (together: sorted by village code, id) */
	residences: (Uint8Array | null)[];
	segments: Uint8Array | null;
	/** one '0'/'1' per segment, in segment order: 1 = the four items are not all present */
	segmentFlags: string;
	facilities: Uint8Array | null;
}

/** Usable children's homes: open and at least this large (the plan's standard). */
export const MIN_HOME_AREA_M2 = 30;

function bytes(v: unknown): Uint8Array | null {
	if (v === null || v === undefined) return null;
	if (v instanceof Uint8Array) return v;
	throw new Error('expected a bytea value');
}

export async function readSnapshot(db: Kysely<DB>): Promise<SnapshotPayload> {
	// sorted by village code, then id: a jurisdiction prefix is then one contiguous range. Read
	// one prefecture at a time: the embedded engine answers one query at a time, and tiles and
	// pages queue between these short reads instead of waiting for one long one.
	const prefectures = await sql<{ p: string }>`
		SELECT DISTINCT left(code, 4) AS p FROM admin_units WHERE level = 'village' ORDER BY 1`.execute(db);
	const residences: (Uint8Array | null)[] = [];
	for (const { p } of prefectures.rows) {
		const res = await sql<{ wkb: Uint8Array | null }>`
			SELECT ST_AsBinary(ST_Collect(
				ST_MakePoint(ST_X(residence), ST_Y(residence), id::float8, village_code::float8)
				ORDER BY village_code, id)) AS wkb
			FROM children WHERE village_code LIKE ${p + '%'}`.execute(db);
		residences.push(bytes(res.rows[0]?.wkb));
	}
	const seg = await sql<{ wkb: Uint8Array | null; flags: string | null }>`
		SELECT ST_AsBinary(ST_Collect(ST_Force4D(w.geom, w.id::float8, w.township_code::float8) ORDER BY w.id)) AS wkb,
			string_agg(CASE WHEN coalesce(e.usable, 0) < 4 THEN '1' ELSE '0' END, '' ORDER BY w.id) AS flags
		FROM waterways w
		LEFT JOIN (
			SELECT waterway_id, ${USABLE_ITEMS} AS usable
			FROM safety_equipment GROUP BY waterway_id
		) e ON e.waterway_id = w.id`.execute(db);
	const fac = await sql<{ wkb: Uint8Array | null }>`
		SELECT ST_AsBinary(ST_Collect(g ORDER BY k, id)) AS wkb FROM (
			SELECT 0 AS k, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, village_code::float8) AS g
			FROM children_homes WHERE status = 'open' AND area_m2 >= ${MIN_HOME_AREA_M2}
			UNION ALL
			SELECT 1, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, admin_code::float8)
			FROM sunshine_stations
		) f`.execute(db);
	return {
		residences,
		segments: bytes(seg.rows[0]?.wkb),
		segmentFlags: seg.rows[0]?.flags ?? '',
		facilities: bytes(fac.rows[0]?.wkb)
	};
}

/**
 * A cheap fingerprint of the data the analyses read; a change means the snapshot is stale.
 * Writes that matter also bump app_meta.data_version (or call Analysis.invalidate()).
 */
export async function dataFingerprint(db: Kysely<DB>): Promise<string> {
	const r = await sql<{ v: string }>`
		SELECT concat_ws('/',
			(SELECT value FROM app_meta WHERE key = 'data_version'),
			(SELECT count(*) FROM children), (SELECT max(id) FROM children),
			(SELECT count(*) FROM waterways), (SELECT max(id) FROM waterways),
			(SELECT max(checked_at) FROM safety_equipment),
			(SELECT count(*) FROM safety_equipment WHERE status = 'present'),
			(SELECT count(*) FROM children_homes WHERE status = 'open' AND area_m2 >= ${MIN_HOME_AREA_M2}),
			(SELECT max(id) FROM children_homes), (SELECT count(*) FROM sunshine_stations)) AS v`.execute(db);
	return r.rows[0]?.v ?? '';
}
