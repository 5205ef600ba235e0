// Villages to place test rows in: those of a county whose centre lies inside the county's
// outline, so that an import (which refuses a site outside the unit its code names) accepts a
// row at the centre.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';

export interface VillageCentre {
	code: string;
	township: string;
	lon: number;
	lat: number;
}

/** `limit` villages of the unit `countyCode`, by code; those of `township` first if given. */
export async function villagesInside(
	db: Kysely<DB>,
	countyCode: string,
	limit: number,
	township = ''
): Promise<VillageCentre[]> {
	const r = await sql<VillageCentre>`
		SELECT v.code, v.parent_code AS township, ST_X(v.center) AS lon, ST_Y(v.center) AS lat
		FROM admin_units v, admin_units c
		WHERE c.code = ${countyCode} AND v.level = 'village'
			AND v.code LIKE ${countyCode.slice(0, 6) + '%'} AND ST_Covers(c.geom, v.center)
		ORDER BY v.parent_code <> ${township}, v.code LIMIT ${limit}`.execute(db);
	return r.rows.map((v) => ({ ...v, lon: Number(v.lon), lat: Number(v.lat) }));
}
