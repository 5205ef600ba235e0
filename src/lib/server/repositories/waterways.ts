// Waterway segments. Distances are great-circle metres on PostGIS geography with
// use_spheroid = false, the same sphere Turf uses, so browser and server agree.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
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
		WITH p AS (SELECT ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326) AS g)
		SELECT w.id, ST_Distance(w.geom::geography, p.g::geography, false) AS d
		FROM waterways w, p
		WHERE w.township_code LIKE ${prefix + '%'}
			AND w.geom && ST_MakeEnvelope(${lon - dLon}, ${lat - dLat}, ${lon + dLon}, ${lat + dLat}, 4326)
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

/** The box [west, south, east, north] around these segments, or null for none. */
export async function segmentsExtent(
	db: Kysely<DB>,
	ids: number[]
): Promise<[number, number, number, number] | null> {
	if (!ids.length) return null;
	const r = await sql<{ w: number | null; s: number; e: number; n: number }>`
		SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
		FROM (SELECT ST_Extent(geom) AS x FROM waterways WHERE id = ANY(${ids}::bigint[])) t`.execute(db);
	const b = r.rows[0];
	return b && b.w !== null ? [b.w, b.s, b.e, b.n] : null;
}
