// The map's vector tile sources and what each holds at which zoom. Geometry is clipped and
// simplified by PostGIS in lon/lat (a Mercator tile is a lon/lat rectangle), then projected
// and encoded in JS (encode.ts), so both engines produce the same tiles.
import { sql, type Kysely } from 'kysely';
import { USABLE_ITEMS } from '../repositories/equipment';
import type { DB } from '../db/schema';
import { tileBounds, type TileBounds } from '$lib/geo/tiles';
import {
	encodeCellTile,
	encodeTile,
	EXTENT,
	type TileFeatureIn,
	type TileGeometry
} from './encode';
import { COARSEST_CELL_LEVEL, FINEST_CELL_LEVEL } from '../repositories/children';
import { cellId, releasedCellsFor } from './children-cells';
import { completenessFromCount, FOUR_ITEMS } from '$lib/domain/equipment';
import { latToTileY, lonToTileX } from '$lib/geo/tiles';
import {
	MIN_ZOOM,
	TILE_MAX_ZOOM,
	TILE_SOURCES,
	tileProperties,
	type TileSource
} from '$lib/domain/tile-contract';

// the contract with the map (sources, layers, properties, zooms): lib/domain/tile-contract.ts
export { MIN_ZOOM, TILE_MAX_ZOOM, TILE_SOURCES, type TileSource };

/** Cells of level z+4 (1/16 of a 512 px tile: 32 px), within the levels child_cells holds. */
export function cellLevelForZoom(z: number): number {
	return Math.min(FINEST_CELL_LEVEL, Math.max(COARSEST_CELL_LEVEL, z + 4));
}

const BUFFER = 64 / EXTENT;

function envelope(b: TileBounds) {
	return sql`ST_MakeEnvelope(${b.west}, ${b.south}, ${b.east}, ${b.north}, 4326)`;
}

/**
 * Simplification tolerance in degrees. A tile is drawn 512 px wide (8 units of 4096 a pixel) and
 * at most twice that before the next zoom's tiles replace it, so 2 units stay under half a
 * pixel. The deepest tiles are stretched further (to zoom 17), so they keep a quarter unit.
 */
export function toleranceDeg(z: number): number {
	const units = z >= TILE_MAX_ZOOM ? 0.25 : 2;
	return (360 / 2 ** z / EXTENT) * units;
}

type Row = { id: number; g: string | null } & Record<string, string | number | boolean | null>;

function features(rows: Row[], keep: readonly string[]): TileFeatureIn[] {
	return rows.map((r) => {
		const properties: TileFeatureIn['properties'] = {};
		for (const k of keep) properties[k] = r[k];
		return {
			id: r.id,
			geometry: r.g ? (JSON.parse(r.g) as TileGeometry) : null,
			properties
		};
	});
}

async function adminTile(
	db: Kysely<DB>,
	like: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const b = tileBounds(z, x, y, BUFFER);
	const env = envelope(b);
	const levels = ['province', 'prefecture', 'county'];
	if (z >= MIN_ZOOM.township) levels.push('township');
	const boundaries = await sql<Row>`
		SELECT row_number() OVER ()::int AS id, code, level, name,
			ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(geom, ${toleranceDeg(z)}, true), ${env}), 6) AS g
		FROM admin_units
		WHERE level = ANY(${levels}::text[]) AND code LIKE ${like} AND geom && ${env}`.execute(db);
	const labelLevels =
		z < 7
			? ['prefecture']
			: z < 9
				? ['prefecture', 'county']
				: z < 11
					? ['county', 'township']
					: ['township', 'village'];
	const labels = await sql<Row>`
		SELECT row_number() OVER ()::int AS id, code, level, name, ST_AsGeoJSON(center, 6) AS g
		FROM admin_units
		WHERE level = ANY(${labelLevels}::text[]) AND code LIKE ${like}
			AND center && ${envelope(tileBounds(z, x, y))}`.execute(db);
	return encodeTile(z, x, y, {
		boundary: features(boundaries.rows, tileProperties('boundary', 'code', 'level', 'name')),
		label: features(labels.rows, tileProperties('label', 'code', 'level', 'name'))
	});
}

async function waterTile(
	db: Kysely<DB>,
	like: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const env = envelope(tileBounds(z, x, y, BUFFER));
	if (z < MIN_ZOOM.waterwaySegments) return mergedWaterTile(db, like, z, x, y, env);
	const kinds =
		z >= MIN_ZOOM.minorWaterways
			? ['river', 'canal', 'lake_shore', 'pond', 'reservoir', 'ditch']
			: ['river', 'lake_shore', 'reservoir'];
	const rows = await sql<Row>`
		SELECT w.id, w.kind, w.name, w.township_code AS township,
			coalesce(e.usable, 0)::int AS usable,
			ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(w.geom, ${toleranceDeg(z)}), ${env}), 6) AS g
		FROM waterways w
		LEFT JOIN LATERAL (
			SELECT ${USABLE_ITEMS} AS usable
			FROM safety_equipment se WHERE se.waterway_id = w.id
		) e ON true
		WHERE w.kind = ANY(${kinds}::text[]) AND w.township_code LIKE ${like} AND w.geom && ${env}`.execute(
		db
	);
	const feats = features(
		rows.rows,
		tileProperties('waterways', 'kind', 'name', 'township', 'usable')
	).map((f) => ({
		...f,
		properties: {
			...f.properties,
			completeness: completenessFromCount(Number(f.properties.usable))
		}
	}));
	return encodeTile(z, x, y, { waterways: feats });
}

/**
 * Rivers and lake shores below MIN_ZOOM.waterwaySegments: the segments of one named river
 * (or shore) with the same number of usable items joined into one line, simplified after
 * joining. No id (a feature is many segments): such a line is not a segment to open, and an
 * id filter (a list of segments) does not show it.
 */
async function mergedWaterTile(
	db: Kysely<DB>,
	like: string,
	z: number,
	x: number,
	y: number,
	env: ReturnType<typeof envelope>
): Promise<Uint8Array> {
	// usable items in three bands (none, some, all four): what completenessFromCount tells apart
	const four = FOUR_ITEMS.length;
	const rows = await sql<Row & { kind: string; name: string; band: number; segments: number }>`
		SELECT row_number() OVER ()::int AS id, s.kind, s.name, s.band, count(*)::int AS segments,
			ST_AsGeoJSON(ST_ClipByBox2D(ST_Simplify(ST_LineMerge(ST_Collect(s.geom)), ${toleranceDeg(z)}), ${env}), 6) AS g
		FROM (
			SELECT w.kind, w.name, w.geom,
				CASE WHEN coalesce(e.usable, 0) >= ${four} THEN ${four}
					WHEN coalesce(e.usable, 0) > 0 THEN 1 ELSE 0 END AS band
			FROM waterways w
			LEFT JOIN LATERAL (
				SELECT ${USABLE_ITEMS} AS usable
				FROM safety_equipment se WHERE se.waterway_id = w.id
			) e ON true
			WHERE w.kind IN ('river', 'lake_shore') AND w.township_code LIKE ${like} AND w.geom && ${env}
		) s
		GROUP BY s.kind, s.name, s.band`.execute(db);
	const feats = features(rows.rows, tileProperties('waterways', 'kind', 'name', 'segments')).map(
		(f, i) => ({
			geometry: f.geometry,
			properties: {
				...f.properties,
				completeness: completenessFromCount(Number(rows.rows[i].band))
			}
		})
	);
	return encodeTile(z, x, y, { waterways: feats });
}

async function sitesTile(
	db: Kysely<DB>,
	like: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const env = envelope(tileBounds(z, x, y));
	const homes =
		z >= MIN_ZOOM.homes
			? await sql<Row>`
				SELECT id, name, area_m2::float8 AS area_m2, status,
					(area_m2 < 30) AS undersized, ST_AsGeoJSON(geom, 6) AS g
				FROM children_homes WHERE village_code LIKE ${like} AND geom && ${env}`.execute(db)
			: { rows: [] };
	const stations = await sql<Row>`
		SELECT id, name, ST_AsGeoJSON(geom, 6) AS g FROM sunshine_stations WHERE admin_code LIKE ${like} AND geom && ${env}`.execute(
		db
	);
	const kinds = ['welfare', 'rescue_protection'];
	if (z >= MIN_ZOOM.workstations) kinds.push('workstation');
	if (z >= MIN_ZOOM.schools) kinds.push('school', 'kindergarten');
	const inst = await sql<Row>`
		SELECT id, kind, name, ST_AsGeoJSON(geom, 6) AS g
		FROM institutions
		WHERE kind = ANY(${kinds}::text[]) AND admin_code LIKE ${like} AND geom && ${env}`.execute(db);
	return encodeTile(z, x, y, {
		homes: features(homes.rows, tileProperties('homes', 'name', 'area_m2', 'status', 'undersized')),
		stations: features(stations.rows, tileProperties('stations', 'name')),
		institutions: features(inst.rows, tileProperties('institutions', 'kind', 'name'))
	});
}

/**
 * Child counts only: grid cells and, zoomed in, per-village counts at the village's
 * administrative centre, every one a released (perturbed) count (domain/disclosure.ts): cells
 * from releasedCellsFor, villages from child_counts, the table the sidebar reads too. No
 * residence coordinate is ever read here.
 */
async function childrenTile(
	db: Kysely<DB>,
	like: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const level = cellLevelForZoom(z);
	const k = level - z; // cells per tile side = 2^k
	const per = 2 ** k;
	const released = await releasedCellsFor(db, like);
	const cells = await sql<{ x: number; y: number }>`
		SELECT DISTINCT x, y FROM child_cells
		WHERE level = ${level} AND township_code LIKE ${like} AND x >= ${x * per} AND x < ${(x + 1) * per}
			AND y >= ${y * per} AND y < ${(y + 1) * per}`.execute(db);
	const size = EXTENT / per;
	const cellFeatures = cells.rows.flatMap((c) => {
		const total = released.get(cellId(level, c.x, c.y)) ?? 0;
		return total > 0
			? [
					{
						px: (c.x - x * per) * size,
						py: (c.y - y * per) * size,
						size,
						properties: countProps(total)
					}
				]
			: [];
	});
	let villages: {
		px: number;
		py: number;
		properties: Record<string, string | number | boolean>;
	}[] = [];
	if (z >= MIN_ZOOM.villageCounts) {
		const b = tileBounds(z, x, y);
		const rows = await sql<{ code: string; name: string; total: number; lon: number; lat: number }>`
			SELECT a.code, a.name, c.total_released AS total, ST_X(a.center) AS lon, ST_Y(a.center) AS lat
			FROM admin_units a JOIN child_counts c ON c.code = a.code
			WHERE a.level = 'village' AND a.code LIKE ${like} AND a.center && ${envelope(b)}`.execute(db);
		villages = rows.rows.map((r) => ({
			px: Math.round((lonToTileX(r.lon, z) - x) * EXTENT),
			py: Math.round((latToTileY(r.lat, z) - y) * EXTENT),
			properties: { code: r.code, name: r.name, ...countProps(r.total) }
		}));
	}
	return encodeCellTile('cells', cellFeatures, [{ layer: 'villages', features: villages }]);
}

/** A released count as tile properties: the perturbed number and its label. */
function countProps(total: number): Record<string, string | number | boolean> {
	return { total, label: total.toLocaleString('en-US') };
}

/** Render one tile of a source, holding only what lies inside the jurisdiction `prefix`. */
export function renderTile(
	db: Kysely<DB>,
	scope: { prefix: string; sitePrefix: string },
	source: TileSource,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	for (const p of [scope.prefix, scope.sitePrefix]) {
		if (!/^\d{2,12}$/.test(p)) throw new Error(`bad jurisdiction prefix ${p}`);
	}
	const like = `${scope.prefix}%`;
	const siteLike = `${scope.sitePrefix}%`;
	switch (source) {
		case 'admin':
			return adminTile(db, like, z, x, y);
		case 'water':
			return waterTile(db, siteLike, z, x, y);
		case 'sites':
			return sitesTile(db, siteLike, z, x, y);
		case 'children':
			return childrenTile(db, like, z, x, y);
	}
}
