// Which segments need the four items, and why. A segment needs them when it lies within the
// configured distance (default 500 m) of a village centre, a child's home, a school, a
// kindergarten, a children's home or a Sunshine Station. Computed in PostGIS: a degree box
// around the segment finds candidates through the GiST indexes, then great-circle metres on
// the sphere (geography, use_spheroid = false) decide. The reasons are stored with the result.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { radiusToDegrees } from '$lib/geo/proximity';
import { computeRuleFast } from '../analysis/rule';

export const DEFAULT_RULE_RADIUS_M = 500;
export const RULE_KINDS = [
	'children',
	'village',
	'school',
	'kindergarten',
	'children_home',
	'sunshine_station'
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

// Hubei reaches 33.3°N: a box sized for that latitude covers the radius everywhere in the province
const BOX_LATITUDE = 33.5;

export async function ruleRadius(db: Kysely<DB>): Promise<number> {
	const r = await sql<{
		value: unknown;
	}>`SELECT value FROM settings WHERE key = 'segment_rule_radius_m'`.execute(db);
	const v = Number(r.rows[0]?.value);
	return Number.isFinite(v) && v > 0 ? v : DEFAULT_RULE_RADIUS_M;
}

function sources(): { kind: RuleKind; from: RawBuilder<unknown> }[] {
	return [
		{ kind: 'children', from: sql`SELECT residence AS geom FROM children` },
		{ kind: 'village', from: sql`SELECT center AS geom FROM admin_units WHERE level = 'village'` },
		{ kind: 'school', from: sql`SELECT geom FROM institutions WHERE kind = 'school'` },
		{ kind: 'kindergarten', from: sql`SELECT geom FROM institutions WHERE kind = 'kindergarten'` },
		{ kind: 'children_home', from: sql`SELECT geom FROM children_homes WHERE status = 'open'` },
		{ kind: 'sunshine_station', from: sql`SELECT geom FROM sunshine_stations` }
	];
}

export type RuleEngine = 'memory' | 'postgis';

/**
 * Recompute the rule for every segment inside a jurisdiction prefix ('42' = the province).
 * One transaction: readers see the old answer or the new one, never half. The default engine
 * reads the data once and measures in memory (analysis/rule.ts); 'postgis' runs the same rule
 * as geography joins, the reference the parity test and the benchmark compare against.
 */
export async function recomputeSegmentRule(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number,
	engine: RuleEngine = 'memory'
): Promise<{ segments: number; required: number }> {
	if (engine === 'postgis') return recomputeSegmentRuleSql(db, prefix, radiusM);
	const run = <T>(fn: (trx: Kysely<DB>) => Promise<T>) =>
		db.isTransaction ? fn(db) : db.transaction().execute(fn);
	return run(async (trx) => {
		const r = radiusM ?? (await ruleRadius(trx));
		const rows = await computeRuleFast(trx, prefix, r);
		const like = `${prefix}%`;
		await sql`DELETE FROM segment_requirements WHERE waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${like})`.execute(
			trx
		);
		await sql`
			INSERT INTO segment_requirements (waterway_id, required, radius_m, near_kinds, children_within, nearest_m, nearest_kind)
			SELECT w, cardinality(string_to_array(k, ',')) > 0 AND k <> '', ${r},
				CASE WHEN k = '' THEN '{}'::text[] ELSE string_to_array(k, ',') END, c, d, nk
			FROM unnest(${rows.map((x) => x.waterwayId)}::bigint[], ${rows.map((x) => x.kinds.join(','))}::text[],
				${rows.map((x) => x.children)}::int[], ${rows.map((x) => x.nearestM)}::float8[],
				${rows.map((x) => x.nearestKind)}::text[]) AS t(w, k, c, d, nk)`.execute(trx);
		return { segments: rows.length, required: rows.filter((x) => x.kinds.length > 0).length };
	});
}

async function recomputeSegmentRuleSql(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number
): Promise<{ segments: number; required: number }> {
	// inside a caller's transaction (the seed) run there; otherwise in a transaction of its own
	const run = <T>(fn: (trx: Kysely<DB>) => Promise<T>) =>
		db.isTransaction ? fn(db) : db.transaction().execute(fn);
	return run(async (trx) => {
		const r = radiusM ?? (await ruleRadius(trx));
		const { dLat, dLon } = radiusToDegrees(r, BOX_LATITUDE);
		const like = `${prefix}%`;
		await sql`CREATE TEMP TABLE IF NOT EXISTS rule_hits (waterway_id bigint, kind text, n integer, d double precision) ON COMMIT DROP`.execute(
			trx
		);
		await sql`TRUNCATE rule_hits`.execute(trx);
		for (const s of sources()) {
			// each segment is cast to geography once (materialised), not once per candidate pair
			await sql`
				WITH w AS MATERIALIZED (
					SELECT id, geom, ST_Expand(geom, ${dLon}, ${dLat}) AS box, geom::geography AS g
					FROM waterways WHERE township_code LIKE ${like}
				)
				INSERT INTO rule_hits (waterway_id, kind, n, d)
				SELECT w.id, ${s.kind}, count(*)::int, min(ST_Distance(w.g, x.geom::geography, false))
				FROM w
				JOIN (${s.from}) x ON x.geom && w.box AND ST_DWithin(w.g, x.geom::geography, ${r}, false)
				GROUP BY w.id`.execute(trx);
		}
		await sql`DELETE FROM segment_requirements WHERE waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${like})`.execute(
			trx
		);
		await sql`
			INSERT INTO segment_requirements (waterway_id, required, radius_m, near_kinds, children_within, nearest_m, nearest_kind)
			SELECT w.id, h.waterway_id IS NOT NULL, ${r},
				coalesce(h.kinds, '{}'), coalesce(h.children, 0), h.nearest_m, h.nearest_kind
			FROM waterways w
			LEFT JOIN (
				SELECT waterway_id,
					array_agg(kind ORDER BY kind) AS kinds,
					sum(n) FILTER (WHERE kind = 'children')::int AS children,
					min(d) AS nearest_m,
					(array_agg(kind ORDER BY d, kind))[1] AS nearest_kind
				FROM rule_hits GROUP BY waterway_id
			) h ON h.waterway_id = w.id
			WHERE w.township_code LIKE ${like}`.execute(trx);
		const c = await sql<{ n: number; req: number }>`
			SELECT count(*)::int AS n, count(*) FILTER (WHERE required)::int AS req
			FROM segment_requirements sr JOIN waterways w ON w.id = sr.waterway_id
			WHERE w.township_code LIKE ${like}`.execute(trx);
		return { segments: c.rows[0].n, required: c.rows[0].req };
	});
}
