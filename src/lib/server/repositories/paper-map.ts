// The shapes of an area's still picture for paper (geo/paper-map.ts): its outline, its
// subdivisions' outlines and its larger water, simplified to what a printed map can show. Only
// what lies under the unit's own code prefix is read.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** degrees: about 50 m, finer than a printed small map shows */
const SIMPLIFY_DEG = 0.0005;
/** the longest waters only: a county has thousands of reaches, a printed map needs the main */
const WATER_MAX = 400;

export interface PaperShapes {
	/** GeoJSON geometry texts */
	outline: string[];
	subunits: string[];
	water: string[];
}

export async function paperShapes(
	db: Kysely<DB>,
	code: string,
	prefix: string
): Promise<PaperShapes> {
	const units = await sql<{ g: string; own: boolean }>`
		SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${SIMPLIFY_DEG}), 5) AS g,
			code = ${code} AS own
		FROM admin_units
		WHERE geom IS NOT NULL AND (code = ${code} OR parent_code = ${code})`.execute(db);
	const water = await sql<{ g: string }>`
		SELECT ST_AsGeoJSON(ST_Simplify(geom, ${SIMPLIFY_DEG}), 5) AS g
		FROM waterways
		WHERE township_code LIKE ${prefix + '%'} AND kind IN ('river', 'canal', 'reservoir', 'lake_shore')
		ORDER BY length_m DESC, id LIMIT ${WATER_MAX}`.execute(db);
	return {
		outline: units.rows.filter((r) => r.own).map((r) => r.g),
		subunits: units.rows.filter((r) => !r.own).map((r) => r.g),
		water: water.rows.map((r) => r.g)
	};
}
