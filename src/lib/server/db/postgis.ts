// Small Kysely helpers for the PostGIS spellings every repository shares. Coordinates are WGS 84
// longitude/latitude (SRID 4326); an administrative jurisdiction is a code prefix.
import { sql, type RawBuilder } from 'kysely';

/** A WGS 84 point. */
export function point(lon: number, lat: number): RawBuilder<unknown> {
	return sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;
}

/** A WGS 84 box, west/south/east/north in degrees (for `geom && envelope(…)`). */
export function envelope(
	west: number,
	south: number,
	east: number,
	north: number
): RawBuilder<unknown> {
	return sql`ST_MakeEnvelope(${west}, ${south}, ${east}, ${north}, 4326)`;
}

/** The LIKE pattern of everything whose code starts with a prefix (a jurisdiction). */
export function underPrefix(prefix: string): string {
	return prefix + '%';
}

/**
 * How many of a segment's slots hold a usable item, aggregated over its safety_equipment rows:
 * the four items present; the optional barrier slot does not count. The one definition every
 * query of completeness uses (lists, tiles, area summaries, the dashboard, the analysis
 * snapshot).
 */
export const USABLE_ITEMS = sql`count(*) FILTER (WHERE status = 'present' AND item <> 'barrier')`;
