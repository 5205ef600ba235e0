// The planning suites' independent reference: every village of the fixture county with its
// released counts (child_counts), its homes and known directors, and whether a usable home
// (open, ≥ 30 m²) or Sunshine Station lies within 500 m, 1 km and 2 km of its centre, by
// PostGIS (ST_DWithin on geography, on the sphere).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';
import { FIXTURE_AREA } from './template';

export interface VillageReference {
	code: string;
	township: string;
	total: number;
	lb: number;
	dif: number;
	homes: number;
	directors: string | null;
	c500: boolean;
	c1000: boolean;
	c2000: boolean;
}

export async function villagesByPostgis(db: Kysely<DB>): Promise<VillageReference[]> {
	const q = await sql<VillageReference>`
		WITH sites AS (
			SELECT geom::geography AS g FROM children_homes WHERE status = 'open' AND area_m2 >= 30
			UNION ALL SELECT geom::geography FROM sunshine_stations)
		SELECT v.code, v.parent_code AS township,
			coalesce(c.total_released, 0)::int AS total,
			coalesce(c.left_behind_released, 0)::int AS lb,
			coalesce(c.in_difficulty_released, 0)::int AS dif,
			(SELECT count(*)::int FROM children_homes h WHERE h.village_code = v.code) AS homes,
			(SELECT string_agg(u.display_name, '、') FROM users u
				WHERE u.role = 'village_director' AND u.active AND u.jurisdiction_code = v.code) AS directors,
			EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 500, false)) AS c500,
			EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 1000, false)) AS c1000,
			EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 2000, false)) AS c2000
		FROM admin_units v LEFT JOIN child_counts c ON c.code = v.code
		WHERE v.level = 'village' AND v.code LIKE ${FIXTURE_AREA + '%'} ORDER BY v.code`.execute(db);
	return q.rows;
}

/** PostGIS: the sum of n over cells within r metres (sphere) of any of the points. */
export async function postgisCovered(
	db: Kysely<DB>,
	cells: { lon: number; lat: number; n: number }[],
	sites: { lon: number; lat: number }[],
	r: number
): Promise<number> {
	const q = await sql<{ s: number | null }>`
		WITH c AS (SELECT * FROM unnest(${cells.map((c) => c.lon)}::float8[], ${cells.map((c) => c.lat)}::float8[], ${cells.map((c) => c.n)}::int[]) AS t(lon, lat, n)),
		s AS (SELECT * FROM unnest(${sites.map((s) => s.lon)}::float8[], ${sites.map((s) => s.lat)}::float8[]) AS t(lon, lat))
		SELECT sum(n)::int AS s FROM c WHERE EXISTS (
			SELECT 1 FROM s WHERE ST_DWithin(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography,
				ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, ${r}, false))`.execute(db);
	return q.rows[0].s ?? 0;
}
