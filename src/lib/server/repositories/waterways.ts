// Waterway segments. Distances are great-circle metres on PostGIS geography with
// use_spheroid = false, the same sphere Turf uses, so browser and server agree.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { envelope, point, underPrefix, USABLE_ITEMS } from '../db/postgis';
import { radiusToDegrees, type Nearby } from '$lib/geo/proximity';

/** Segments within `radiusMeters` of a point, inside a jurisdiction prefix, nearest first. */
export async function waterwaysNear(
	db: Kysely<DB>,
	prefix: string,
	lon: number,
	lat: number,
	radiusMeters: number
): Promise<Nearby[]> {
	const { dLon, dLat } = radiusToDegrees(radiusMeters, lat);
	const r = await sql<{ id: number; d: number }>`
		WITH p AS (SELECT ${point(lon, lat)} AS g)
		SELECT w.id, ST_Distance(w.geom::geography, p.g::geography, false) AS d
		FROM waterways w, p
		WHERE w.township_code LIKE ${underPrefix(prefix)}
			AND w.geom && ${envelope(lon - dLon, lat - dLat, lon + dLon, lat + dLat)}
			AND ST_DWithin(w.geom::geography, p.g::geography, ${radiusMeters}, false)
		ORDER BY d, w.id`.execute(db);
	return r.rows.map((x) => ({ id: x.id, distanceMeters: x.d }));
}

export async function segmentGeometries(
	db: Kysely<DB>,
	ids: number[]
): Promise<{ id: number; coordinates: [number, number][] }[]> {
	if (!ids.length) return [];
	const r = await sql<{ id: number; g: string }>`
		SELECT id, ST_AsGeoJSON(geom) AS g FROM waterways WHERE id = ANY(${ids}::bigint[]) ORDER BY id`.execute(
		db
	);
	return r.rows.map((x) => ({
		id: x.id,
		coordinates: (JSON.parse(x.g) as GeoJSON.LineString).coordinates as [number, number][]
	}));
}

export interface SegmentLine {
	id: number;
	name: string;
	kind: string;
	/** usable items of the four (db/postgis.ts) */
	usable: number;
	required: boolean;
	/** GeoJSON LineString text, 6 decimals */
	g: string;
}

/**
 * Segment lines inside a box and a site prefix (at most 5000, by id), with their state, for
 * proximity on the phone.
 */
export async function segmentLinesIn(
	db: Kysely<DB>,
	sitePrefix: string,
	[west, south, east, north]: readonly number[]
): Promise<SegmentLine[]> {
	const r = await sql<SegmentLine>`
		SELECT w.id, w.name, w.kind, coalesce(sr.required, false) AS required,
			(SELECT ${USABLE_ITEMS} FROM safety_equipment se WHERE se.waterway_id = w.id)::int AS usable,
			ST_AsGeoJSON(w.geom, 6) AS g
		FROM waterways w LEFT JOIN segment_requirements sr ON sr.waterway_id = w.id
		WHERE w.township_code LIKE ${underPrefix(sitePrefix)}
			AND w.geom && ${envelope(west, south, east, north)}
		ORDER BY w.id LIMIT 5000`.execute(db);
	return r.rows;
}

/**
 * The lines of these segments under `sitePrefix`, for the GeoJSON export: as GeoJSON with
 * every digit a float8 holds (15 decimals), so the file carries the stored shape itself.
 */
export async function segmentLinesById(
	db: Kysely<DB>,
	sitePrefix: string,
	ids: readonly number[]
): Promise<Map<number, GeoJSON.Geometry>> {
	if (ids.length === 0) return new Map();
	const r = await sql<{ id: number; g: string }>`
		SELECT id, ST_AsGeoJSON(geom, 15) AS g FROM waterways
		WHERE id = ANY(${ids}::bigint[]) AND township_code LIKE ${underPrefix(sitePrefix)}`.execute(db);
	return new Map(r.rows.map((x) => [Number(x.id), JSON.parse(x.g) as GeoJSON.Geometry]));
}

/**
 * Take a river chief's segments from them: all of them, or (with `keepPrefix`) those outside
 * that area.
 */
export async function releaseChiefSegments(
	db: Kysely<DB>,
	chiefId: number,
	keepPrefix?: string
): Promise<void> {
	let q = db
		.updateTable('waterways')
		.set({ river_chief_id: null })
		.where('river_chief_id', '=', chiefId);
	if (keepPrefix !== undefined) q = q.where('township_code', 'not like', underPrefix(keepPrefix));
	await q.execute();
}

/** Give a river chief every segment under a code prefix; the number of segments. */
export async function assignChiefSegments(
	db: Kysely<DB>,
	chiefId: number,
	prefix: string
): Promise<number> {
	const r = await db
		.updateTable('waterways')
		.set({ river_chief_id: chiefId })
		.where('township_code', 'like', underPrefix(prefix))
		.executeTakeFirst();
	return Number(r.numUpdatedRows ?? 0);
}

export interface SegmentRequirementRow {
	required: boolean;
	radius_m: number;
	near_kinds: string[];
	children_within: number;
	nearest_m: number | null;
	nearest_kind: string | null;
}

/** The rule's answer for one segment and its reasons, or undefined before the rule ran. */
export async function segmentRequirement(
	db: Kysely<DB>,
	id: number
): Promise<SegmentRequirementRow | undefined> {
	const r = await sql<SegmentRequirementRow>`
		SELECT required, radius_m, near_kinds, children_within, nearest_m, nearest_kind FROM segment_requirements WHERE waterway_id = ${id}`.execute(
		db
	);
	return r.rows[0];
}

/** The river chief of a segment (name and id, both null for none). */
export async function segmentRiverChief(
	db: Kysely<DB>,
	id: number
): Promise<{ name: string | null; id: number | null } | undefined> {
	const chief = await sql<{ name: string | null; id: number | null }>`
		SELECT u.display_name AS name, u.id FROM waterways w LEFT JOIN users u ON u.id = w.river_chief_id WHERE w.id = ${id}`.execute(
		db
	);
	return chief.rows[0];
}

export interface SegmentPlace {
	/** a point on the segment itself (not the middle of its box, which a bend can put on land) */
	lon: number;
	lat: number;
	/** the village whose centre is nearest that point, in the segment's own township */
	village_code: string | null;
	village_name: string | null;
}
