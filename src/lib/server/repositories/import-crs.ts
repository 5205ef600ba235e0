// How far each sampled point of an import lies from what its row claims, once per candidate
// coordinate system (lib/import/crs-detect.ts counts them): from the stored location of the
// record with the same source id, and from the unit it names (0 inside its outline; its seat
// when it has no outline, as villages do). Only records and units inside the importer's
// jurisdiction are looked at. Metres on the sphere.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

/** Where each kind keeps its records' places, and the unit column that scopes them. */
export const CLAIM_TABLES = {
	children_homes: { table: 'children_homes', geom: 'geom', area: 'village_code' },
	sunshine_stations: { table: 'sunshine_stations', geom: 'geom', area: 'admin_code' },
	institutions: { table: 'institutions', geom: 'geom', area: 'admin_code' },
	children: { table: 'children', geom: 'residence', area: 'village_code' },
	waterways: { table: 'waterways', geom: 'geom', area: 'township_code' }
} as const;
export type ClaimKind = keyof typeof CLAIM_TABLES;

export interface ClaimPoint {
	/** the sampled row's index, shared by its candidates */
	idx: number;
	candidate: string;
	sourceId: string;
	unitCode: string;
	/** WGS84, as converted from the candidate system */
	lon: number;
	lat: number;
}

export interface ClaimDistance {
	idx: number;
	candidate: string;
	/** null: no record of that id in the jurisdiction */
	recordM: number | null;
	/** null: no such unit in the jurisdiction */
	unitM: number | null;
}

export async function claimDistances(
	db: Kysely<DB>,
	kind: ClaimKind,
	prefix: string,
	points: ClaimPoint[]
): Promise<ClaimDistance[]> {
	if (points.length === 0) return [];
	const t = CLAIM_TABLES[kind];
	const r = await sql<{
		idx: number;
		candidate: string;
		record_m: number | null;
		unit_m: number | null;
	}>`
		WITH p AS (
			SELECT idx, candidate, sid, unit, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt
			FROM unnest(${points.map((p) => p.idx)}::int[], ${points.map((p) => p.candidate)}::text[],
				${points.map((p) => p.sourceId)}::text[], ${points.map((p) => p.unitCode)}::text[],
				${points.map((p) => p.lon)}::float8[], ${points.map((p) => p.lat)}::float8[])
				AS t(idx, candidate, sid, unit, lon, lat)
		)
		SELECT p.idx, p.candidate,
			(SELECT ST_Distance(s.${sql.ref(t.geom)}::geography, p.pt::geography, false)
				FROM ${sql.table(t.table)} s
				WHERE s.source_id = p.sid AND s.${sql.ref(t.area)} LIKE ${underPrefix(prefix)}) AS record_m,
			(SELECT ST_Distance(coalesce(u.geom, u.center)::geography, p.pt::geography, false)
				FROM admin_units u
				WHERE u.code = p.unit AND u.code LIKE ${underPrefix(prefix)}) AS unit_m
		FROM p
		ORDER BY p.idx, p.candidate`.execute(db);
	const num = (x: number | null) => (x === null ? null : Number(x));
	return r.rows.map((x) => ({
		idx: Number(x.idx),
		candidate: x.candidate,
		recordM: num(x.record_m),
		unitM: num(x.unit_m)
	}));
}
