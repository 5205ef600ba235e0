// The map's vector tile sources and what each holds at which zoom. Geometry is clipped and
// simplified by PostGIS in lon/lat (a Mercator tile is a lon/lat rectangle), then projected
// and encoded in JS (encode.ts), so both engines produce the same tiles.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { tileBounds, type TileBounds } from '$lib/geo/tiles';
import {
	boundaryRows,
	childCellsIn,
	homeRows,
	institutionRows,
	labelRows,
	mergedWaterwayRows,
	stationRows,
	villageCountRows,
	waterwayRows,
	type TileRow
} from '../repositories/tiles';
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

/**
 * Simplification tolerance in degrees. A tile is drawn 512 px wide (8 units of 4096 a pixel) and
 * at most twice that before the next zoom's tiles replace it, so 2 units stay under half a
 * pixel. The deepest tiles are stretched further (to zoom 17), so they keep a quarter unit.
 */
export function toleranceDeg(z: number): number {
	const units = z >= TILE_MAX_ZOOM ? 0.25 : 2;
	return (360 / 2 ** z / EXTENT) * units;
}

type Row = TileRow;

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
	prefix: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const b = tileBounds(z, x, y, BUFFER);
	const levels = ['province', 'prefecture', 'county'];
	if (z >= MIN_ZOOM.township) levels.push('township');
	const boundaries = await boundaryRows(db, prefix, levels, b, toleranceDeg(z), {
		z,
		x,
		y,
		extent: EXTENT
	});
	const labelLevels =
		z < 7
			? ['prefecture']
			: z < 9
				? ['prefecture', 'county']
				: z < 11
					? ['county', 'township']
					: ['township', 'village'];
	const labels = await labelRows(db, prefix, labelLevels, tileBounds(z, x, y));
	return encodeTile(z, x, y, {
		boundary: features(boundaries, tileProperties('boundary', 'code', 'level', 'name')).map(
			(f) => ({ ...f, tileSpace: true })
		),
		label: features(labels, tileProperties('label', 'code', 'level', 'name'))
	});
}

async function waterTile(
	db: Kysely<DB>,
	prefix: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const b = tileBounds(z, x, y, BUFFER);
	if (z < MIN_ZOOM.waterwaySegments) return mergedWaterTile(db, prefix, z, x, y, b);
	const kinds =
		z >= MIN_ZOOM.minorWaterways
			? ['river', 'canal', 'lake_shore', 'pond', 'reservoir', 'ditch']
			: ['river', 'lake_shore', 'reservoir'];
	const rows = await waterwayRows(db, prefix, kinds, b, toleranceDeg(z));
	const feats = features(
		rows,
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
	prefix: string,
	z: number,
	x: number,
	y: number,
	b: TileBounds
): Promise<Uint8Array> {
	// usable items in three bands (none, some, all four): what completenessFromCount tells apart
	const four = FOUR_ITEMS.length;
	const rows = await mergedWaterwayRows(db, prefix, four, b, toleranceDeg(z));
	const feats = features(rows, tileProperties('waterways', 'kind', 'name', 'segments')).map(
		(f, i) => ({
			geometry: f.geometry,
			properties: {
				...f.properties,
				completeness: completenessFromCount(Number(rows[i].band))
			}
		})
	);
	return encodeTile(z, x, y, { waterways: feats });
}

async function sitesTile(
	db: Kysely<DB>,
	prefix: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const b = tileBounds(z, x, y);
	const homes = z >= MIN_ZOOM.homes ? await homeRows(db, prefix, b) : [];
	const stations = await stationRows(db, prefix, b);
	const kinds = ['welfare', 'rescue_protection'];
	if (z >= MIN_ZOOM.workstations) kinds.push('workstation');
	if (z >= MIN_ZOOM.schools) kinds.push('school', 'kindergarten');
	const inst = await institutionRows(db, prefix, kinds, b);
	return encodeTile(z, x, y, {
		homes: features(homes, tileProperties('homes', 'name', 'area_m2', 'status', 'undersized')),
		stations: features(stations, tileProperties('stations', 'name')),
		institutions: features(inst, tileProperties('institutions', 'kind', 'name'))
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
	prefix: string,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const level = cellLevelForZoom(z);
	const k = level - z; // cells per tile side = 2^k
	const per = 2 ** k;
	const released = await releasedCellsFor(db, prefix);
	const cells = await childCellsIn(
		db,
		prefix,
		level,
		x * per,
		(x + 1) * per,
		y * per,
		(y + 1) * per
	);
	const size = EXTENT / per;
	const cellFeatures = cells.flatMap((c) => {
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
		const rows = await villageCountRows(db, prefix, b);
		villages = rows.map((r) => ({
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
	switch (source) {
		case 'admin':
			return adminTile(db, scope.prefix, z, x, y);
		case 'water':
			return waterTile(db, scope.sitePrefix, z, x, y);
		case 'sites':
			return sitesTile(db, scope.sitePrefix, z, x, y);
		case 'children':
			return childrenTile(db, scope.prefix, z, x, y);
	}
}
