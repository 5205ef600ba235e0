// The public sites of an area as the import wrote them (children's homes, Sunshine Stations,
// institutions), for their export: the source's own id, the unit each is registered to with
// its name, the compared columns, and the point's longitude and latitude as stored (float8,
// unrounded, so a file read back in finds every row unchanged). Sites, never children.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

export const SITE_KINDS = ['children_homes', 'sunshine_stations', 'institutions'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export interface SiteRow {
	source_id: string | null;
	name: string;
	/** the village (homes) or unit (stations, institutions) the site is registered to */
	unit_code: string;
	unit_name: string | null;
	area_m2: number | null;
	status: string | null;
	services: string | null;
	kind: string | null;
	capacity: number | null;
	lon: number;
	lat: number;
}

/** Every site of `kind` under `sitePrefix`, by source id (rows without one last, by id). */
export async function siteRows(
	db: Kysely<DB>,
	kind: SiteKind,
	sitePrefix: string
): Promise<SiteRow[]> {
	const like = underPrefix(sitePrefix);
	const r =
		kind === 'children_homes'
			? await sql<SiteRow>`
				SELECT s.source_id, s.name, s.village_code AS unit_code, a.name AS unit_name,
					s.area_m2::float8 AS area_m2, s.status, NULL AS services, NULL AS kind,
					NULL::int AS capacity, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
				FROM children_homes s LEFT JOIN admin_units a ON a.code = s.village_code
				WHERE s.village_code LIKE ${like}
				ORDER BY s.source_id NULLS LAST, s.id`.execute(db)
			: kind === 'sunshine_stations'
				? await sql<SiteRow>`
				SELECT s.source_id, s.name, s.admin_code AS unit_code, a.name AS unit_name,
					NULL::float8 AS area_m2, NULL AS status, s.services, NULL AS kind,
					NULL::int AS capacity, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
				FROM sunshine_stations s LEFT JOIN admin_units a ON a.code = s.admin_code
				WHERE s.admin_code LIKE ${like}
				ORDER BY s.source_id NULLS LAST, s.id`.execute(db)
				: await sql<SiteRow>`
				SELECT s.source_id, s.name, s.admin_code AS unit_code, a.name AS unit_name,
					NULL::float8 AS area_m2, NULL AS status, NULL AS services, s.kind,
					s.capacity, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
				FROM institutions s LEFT JOIN admin_units a ON a.code = s.admin_code
				WHERE s.admin_code LIKE ${like}
				ORDER BY s.source_id NULLS LAST, s.id`.execute(db);
	return r.rows.map((x) => ({
		...x,
		area_m2: x.area_m2 === null ? null : Number(x.area_m2),
		capacity: x.capacity === null ? null : Number(x.capacity),
		lon: Number(x.lon),
		lat: Number(x.lat)
	}));
}
