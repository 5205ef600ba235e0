// The same four analyses written the way a GIS analyst would write them by hand in PostGIS:
// ST_DWithin and KNN `<->` on geography (great-circle metres, use_spheroid = false) with GiST
// indexes. They are the yardstick: the integration test holds the in-memory analyses to their
// answers, and the bench times them side by side (`postgis_plain_ms`).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';
import { MIN_HOME_AREA_M2 } from '../../src/lib/server/repositories/analysis-snapshot';

/**
 * GiST indexes on the geography of every table the analyses read, as an analyst would add
 * before querying in metres. Not part of the app's schema: the app does not need them.
 */
export async function ensureGeographyIndexes(db: Kysely<DB>): Promise<void> {
	await sql`CREATE INDEX IF NOT EXISTS analysis_children_geog_gix ON children USING gist ((residence::geography))`.execute(
		db
	);
	await sql`CREATE INDEX IF NOT EXISTS analysis_waterways_geog_gix ON waterways USING gist ((geom::geography))`.execute(
		db
	);
	await sql`CREATE INDEX IF NOT EXISTS analysis_homes_geog_gix ON children_homes USING gist ((geom::geography))`.execute(
		db
	);
	await sql`CREATE INDEX IF NOT EXISTS analysis_stations_geog_gix ON sunshine_stations USING gist ((geom::geography))`.execute(
		db
	);
	await sql`ANALYZE children, waterways, children_homes, sunshine_stations`.execute(db);
}

const like = (prefix: string) => `${prefix}%`;

const incomplete = sql`(
	SELECT count(*) FROM safety_equipment se
	WHERE se.waterway_id = w.id AND se.status = 'present' AND se.item <> 'barrier') < 4`;

export async function plainExposureIds(db: Kysely<DB>, prefix: string, radiusMeters = 500) {
	const r = await sql<{ id: number }>`
		SELECT c.id FROM children c
		WHERE c.village_code LIKE ${like(prefix)} AND EXISTS (
			SELECT 1 FROM waterways w
			WHERE ST_DWithin(w.geom::geography, c.residence::geography, ${radiusMeters}, false)
				AND ${incomplete})
		ORDER BY c.id`.execute(db);
	return r.rows.map((x) => Number(x.id));
}

export async function plainExposureCount(db: Kysely<DB>, prefix: string, radiusMeters = 500) {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM children c
		WHERE c.village_code LIKE ${like(prefix)} AND EXISTS (
			SELECT 1 FROM waterways w
			WHERE ST_DWithin(w.geom::geography, c.residence::geography, ${radiusMeters}, false)
				AND ${incomplete})`.execute(db);
	return r.rows[0].n;
}

const perSegmentRows = (prefix: string, radiusMeters: number) => sql`
	SELECT w.id, count(c.id)::int AS n
	FROM waterways w
	LEFT JOIN children c ON c.village_code LIKE ${like(prefix)}
		AND ST_DWithin(w.geom::geography, c.residence::geography, ${radiusMeters}, false)
	WHERE w.township_code LIKE ${like(prefix)}
	GROUP BY w.id`;

export async function plainPerSegment(db: Kysely<DB>, prefix: string, radiusMeters = 500) {
	const r = await sql<{ id: number; n: number }>`
		SELECT id, n FROM (${perSegmentRows(prefix, radiusMeters)}) t ORDER BY id`.execute(db);
	return r.rows.map((x) => ({ id: Number(x.id), n: x.n }));
}

export async function plainPerSegmentSummary(db: Kysely<DB>, prefix: string, radiusMeters = 500) {
	const r = await sql<{ segments: number; total: number; nonzero: number }>`
		SELECT count(*)::int AS segments, coalesce(sum(n), 0)::int AS total,
			count(*) FILTER (WHERE n > 0)::int AS nonzero
		FROM (${perSegmentRows(prefix, radiusMeters)}) t`.execute(db);
	return r.rows[0];
}

const uncoveredWhere = (prefix: string, radiusMeters: number) => sql`
	c.village_code LIKE ${like(prefix)}
	AND NOT EXISTS (
		SELECT 1 FROM children_homes h
		WHERE h.status = 'open' AND h.area_m2 >= ${MIN_HOME_AREA_M2}
			AND ST_DWithin(h.geom::geography, c.residence::geography, ${radiusMeters}, false))
	AND NOT EXISTS (
		SELECT 1 FROM sunshine_stations s
		WHERE ST_DWithin(s.geom::geography, c.residence::geography, ${radiusMeters}, false))`;

export async function plainUncoveredIds(db: Kysely<DB>, prefix: string, radiusMeters = 1000) {
	const r = await sql<{ id: number }>`
		SELECT c.id FROM children c WHERE ${uncoveredWhere(prefix, radiusMeters)} ORDER BY c.id`.execute(
		db
	);
	return r.rows.map((x) => Number(x.id));
}

export async function plainUncoveredCount(db: Kysely<DB>, prefix: string, radiusMeters = 1000) {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM children c WHERE ${uncoveredWhere(prefix, radiusMeters)}`.execute(
		db
	);
	return r.rows[0].n;
}

const nearestRows = (prefix: string) => sql`
	SELECT c.id, n.id AS segment_id, n.d
	FROM children c
	CROSS JOIN LATERAL (
		SELECT w.id, ST_Distance(w.geom::geography, c.residence::geography, false) AS d
		FROM waterways w
		ORDER BY w.geom::geography <-> c.residence::geography
		LIMIT 1
	) n
	WHERE c.village_code LIKE ${like(prefix)}`;

export async function plainNearest(db: Kysely<DB>, prefix: string) {
	const r = await sql<{ id: number; segment_id: number; d: number }>`
		SELECT id, segment_id, d FROM (${nearestRows(prefix)}) t ORDER BY id`.execute(db);
	return r.rows.map((x) => ({ id: Number(x.id), segmentId: Number(x.segment_id), d: x.d }));
}

export async function plainNearestSummary(db: Kysely<DB>, prefix: string) {
	const r = await sql<{ n: number; sum_m: number; max_m: number }>`
		SELECT count(*)::int AS n, sum(d) AS sum_m, max(d) AS max_m FROM (${nearestRows(prefix)}) t`.execute(
		db
	);
	return r.rows[0];
}
