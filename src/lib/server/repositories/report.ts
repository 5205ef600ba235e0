// Reads for the exported lists and the annual report: unit centres (a dashboard row's place).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** The centre of each unit asked for (the point the map labels it at), lon/lat on WGS 84. */
export async function unitCentres(
	db: Kysely<DB>,
	codes: readonly string[]
): Promise<Map<string, { lon: number; lat: number }>> {
	if (!codes.length) return new Map();
	const r = await sql<{ code: string; lon: number; lat: number }>`
		SELECT code, ST_X(center) AS lon, ST_Y(center) AS lat
		FROM admin_units WHERE code = ANY(${[...codes]}::text[])`.execute(db);
	return new Map(r.rows.map((x) => [x.code, { lon: x.lon, lat: x.lat }]));
}
