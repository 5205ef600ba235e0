// The reads behind the vector tiles (tiles/sources.ts): geometry clipped to the tile's box and
// simplified by PostGIS in lon/lat, returned as GeoJSON text for the JS encoder. Every read is
// limited by a code-prefix LIKE pattern (the viewer's jurisdiction) and a box.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { TileBounds } from '$lib/geo/tiles';
import { envelope as box, USABLE_ITEMS, underPrefix } from '../db/postgis';

/** A tile feature's row: its id, GeoJSON text (null when clipped away) and its properties. */
export type TileRow = { id: number; g: string | null } & Record<
	string,
	string | number | boolean | null
>;

function envelope(b: TileBounds) {
	return box(b.west, b.south, b.east, b.north);
}

/** Half the width of the Web Mercator square (EPSG:3857), in metres. */
const MERCATOR_HALF = 20037508.342789244;

/** A tile's address and the side of its pixel grid (MVT extent). */
export interface TileAddress {
	z: number;
	x: number;
	y: number;
	extent: number;
}

/**
 * Boundaries of the given levels, simplified by `tolerance` degrees, clipped to `b`, and
 * returned in the tile's own pixel grid (0…extent, y down), valid there.
 *
 * Simplifying a boundary and rounding it to a 4096-unit grid can fold it onto itself: at z6 a
 * few of the polygons came out self-intersecting, and readers that check (GDAL) dropped them.
 * So the geometry is projected into the tile grid here, made valid, and snapped to whole units
 * by ST_ReducePrecision, whose output is valid on that grid: the JS encoder then writes the
 * integers as they are, and nothing moves after validity was settled.
 */
export async function boundaryRows(
	db: Kysely<DB>,
	prefix: string,
	levels: string[],
	b: TileBounds,
	tolerance: number,
	tile: TileAddress
): Promise<TileRow[]> {
	const env = envelope(b);
	const size = (2 * MERCATOR_HALF) / 2 ** tile.z;
	const minX = -MERCATOR_HALF + tile.x * size;
	const maxY = MERCATOR_HALF - tile.y * size;
	const scale = tile.extent / size;
	const r = await sql<TileRow>`
		SELECT row_number() OVER ()::int AS id, code, level, name,
			CASE WHEN ST_IsEmpty(t.g) THEN NULL ELSE ST_AsGeoJSON(t.g, 0) END AS g
		FROM admin_units,
			LATERAL (SELECT ST_ReducePrecision(ST_CollectionExtract(ST_MakeValid(
				ST_Affine(ST_Transform(ST_ClipByBox2D(ST_Simplify(geom, ${tolerance}, true), ${env}), 3857),
					${scale}::float8, 0, 0, ${-scale}::float8, ${-minX * scale}::float8, ${maxY * scale}::float8)
			), 3), 1) AS g) t
		WHERE level = ANY(${levels}::text[]) AND code LIKE ${underPrefix(prefix)} AND geom && ${env}`.execute(
		db
	);
	return r.rows;
}

/** Label points (administrative centres) of the given levels inside `b`. */
export async function labelRows(
	db: Kysely<DB>,
	prefix: string,
	levels: string[],
	b: TileBounds
): Promise<TileRow[]> {
	const r = await sql<TileRow>`
		SELECT row_number() OVER ()::int AS id, code, level, name, ST_AsGeoJSON(center, 6) AS g
		FROM admin_units
		WHERE level = ANY(${levels}::text[]) AND code LIKE ${underPrefix(prefix)}
			AND center && ${envelope(b)}`.execute(db);
	return r.rows;
}

/** Segments of the given kinds with their usable items, simplified and clipped to `b`. */
export async function waterwayRows(
	db: Kysely<DB>,
	prefix: string,
	kinds: string[],
	b: TileBounds,
	tolerance: number
): Promise<TileRow[]> {
	const env = envelope(b);
	const rows = await sql<TileRow>`
		SELECT w.id, w.kind, w.name, w.township_code AS township,
			coalesce(e.usable, 0)::int AS usable,
			ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(w.geom, ${tolerance}), ${env}), 6) AS g
		FROM waterways w
		LEFT JOIN LATERAL (
			SELECT ${USABLE_ITEMS} AS usable
			FROM safety_equipment se WHERE se.waterway_id = w.id
		) e ON true
		WHERE w.kind = ANY(${kinds}::text[]) AND w.township_code LIKE ${underPrefix(prefix)} AND w.geom && ${env}`.execute(
		db
	);
	return rows.rows;
}

/**
 * Rivers and lake shores joined per name and band of usable items (0, some, all `four`), the
 * joined line simplified and clipped to `b`.
 */
export async function mergedWaterwayRows(
	db: Kysely<DB>,
	prefix: string,
	four: number,
	b: TileBounds,
	tolerance: number
): Promise<(TileRow & { kind: string; name: string; band: number; segments: number })[]> {
	const env = envelope(b);
	const rows = await sql<TileRow & { kind: string; name: string; band: number; segments: number }>`
		SELECT row_number() OVER ()::int AS id, s.kind, s.name, s.band, count(*)::int AS segments,
			ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(ST_LineMerge(ST_Collect(s.geom)), ${tolerance}), ${env}), 6) AS g
		FROM (
			SELECT w.kind, w.name, w.geom,
				CASE WHEN coalesce(e.usable, 0) >= ${four} THEN ${four}
					WHEN coalesce(e.usable, 0) > 0 THEN 1 ELSE 0 END AS band
			FROM waterways w
			LEFT JOIN LATERAL (
				SELECT ${USABLE_ITEMS} AS usable
				FROM safety_equipment se WHERE se.waterway_id = w.id
			) e ON true
			WHERE w.kind IN ('river', 'lake_shore') AND w.township_code LIKE ${underPrefix(prefix)} AND w.geom && ${env}
		) s
		GROUP BY s.kind, s.name, s.band`.execute(db);
	return rows.rows;
}

/** Children's homes inside `b`. */
export async function homeRows(db: Kysely<DB>, prefix: string, b: TileBounds): Promise<TileRow[]> {
	const r = await sql<TileRow>`
				SELECT id, name, area_m2::float8 AS area_m2, status,
					(area_m2 < 30) AS undersized, ST_AsGeoJSON(geom, 6) AS g
				FROM children_homes WHERE village_code LIKE ${underPrefix(prefix)} AND geom && ${envelope(b)}`.execute(
		db
	);
	return r.rows;
}

/** Sunshine Stations inside `b`. */
export async function stationRows(
	db: Kysely<DB>,
	prefix: string,
	b: TileBounds
): Promise<TileRow[]> {
	const r = await sql<TileRow>`
		SELECT id, name, ST_AsGeoJSON(geom, 6) AS g FROM sunshine_stations WHERE admin_code LIKE ${underPrefix(prefix)} AND geom && ${envelope(b)}`.execute(
		db
	);
	return r.rows;
}

/** Institutions of the given kinds inside `b`. */
export async function institutionRows(
	db: Kysely<DB>,
	prefix: string,
	kinds: string[],
	b: TileBounds
): Promise<TileRow[]> {
	const r = await sql<TileRow>`
		SELECT id, kind, name, ST_AsGeoJSON(geom, 6) AS g
		FROM institutions
		WHERE kind = ANY(${kinds}::text[]) AND admin_code LIKE ${underPrefix(prefix)} AND geom && ${envelope(b)}`.execute(
		db
	);
	return r.rows;
}

/** The grid cells of a level that hold children, inside a square of cell coordinates. */
export async function childCellsIn(
	db: Kysely<DB>,
	prefix: string,
	level: number,
	x0: number,
	x1: number,
	y0: number,
	y1: number
): Promise<{ x: number; y: number }[]> {
	const cells = await sql<{ x: number; y: number }>`
		SELECT DISTINCT x, y FROM child_cells
		WHERE level = ${level} AND township_code LIKE ${underPrefix(prefix)} AND x >= ${x0} AND x < ${x1}
			AND y >= ${y0} AND y < ${y1}`.execute(db);
	return cells.rows;
}

/** Villages inside `b` with their released children count and centre. */
export async function villageCountRows(
	db: Kysely<DB>,
	prefix: string,
	b: TileBounds
): Promise<{ code: string; name: string; total: number; lon: number; lat: number }[]> {
	const rows = await sql<{ code: string; name: string; total: number; lon: number; lat: number }>`
			SELECT a.code, a.name, c.total_released AS total, ST_X(a.center) AS lon, ST_Y(a.center) AS lat
			FROM admin_units a JOIN child_counts c ON c.code = a.code
			WHERE a.level = 'village' AND a.code LIKE ${underPrefix(prefix)} AND a.center && ${envelope(b)}`.execute(
		db
	);
	return rows.rows;
}
