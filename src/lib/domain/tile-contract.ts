// The vector tiles' contract, in one place: the sources the server renders (server/tiles) and
// the map styles (lib/map), the source layers in each, the properties each layer's features
// carry, and the zooms from which the tiles hold each kind of thing. Both sides import it; the
// style names properties through tileGet, so a property the tiles do not carry fails to compile.

export const TILE_SOURCES = ['admin', 'water', 'sites', 'children'] as const;
export type TileSource = (typeof TILE_SOURCES)[number];

/**
 * Hubei's extent (west, south, east, north; a little generous): what a map with nothing to show
 * yet opens on, and what an operator's basemap archive must overlap to be of use.
 */
export const HUBEI_EXTENT: readonly [number, number, number, number] = [108.3, 29.0, 116.2, 33.3];

/** Deepest zoom rendered; the map stretches these tiles beyond it. */
export const TILE_MAX_ZOOM = 14;

/** The source layers of each source. */
export const TILE_LAYERS = {
	admin: ['boundary', 'label'],
	water: ['waterways'],
	sites: ['homes', 'stations', 'institutions'],
	children: ['cells', 'villages']
} as const satisfies Record<TileSource, readonly string[]>;
export type TileLayer = (typeof TILE_LAYERS)[TileSource][number];

/**
 * The properties of each source layer's features. Waterways: a segment carries kind, name,
 * township, usable and completeness (and its id as the feature id); below
 * MIN_ZOOM.waterwaySegments a merged river carries kind, name, segments and completeness.
 */
export const TILE_PROPERTIES = {
	boundary: ['code', 'level', 'name'],
	label: ['code', 'level', 'name'],
	waterways: ['kind', 'name', 'township', 'usable', 'completeness', 'segments'],
	homes: ['name', 'area_m2', 'status', 'undersized'],
	stations: ['name'],
	institutions: ['kind', 'name'],
	cells: ['total', 'label'],
	villages: ['code', 'name', 'total', 'label']
} as const satisfies Record<TileLayer, readonly string[]>;
export type TileProperty<L extends TileLayer> = (typeof TILE_PROPERTIES)[L][number];

/** Names of properties of a layer, checked against the contract (the server's columns kept). */
export function tileProperties<L extends TileLayer>(_layer: L, ...names: TileProperty<L>[]) {
	return names;
}

/** A style expression reading a property of a layer's features, checked against the contract. */
export function tileGet<L extends TileLayer>(_layer: L, name: TileProperty<L>): ['get', string] {
	return ['get', name];
}

/** Minimum zoom at which each kind of thing is put into tiles (keeps low-zoom tiles small). */
export const MIN_ZOOM = {
	/** townships' boundaries (smaller units' tiles below it) */
	township: 8,
	villageLabel: 11,
	/**
	 * Waterways one feature per segment (with its id, to click and highlight). Below this a
	 * ~1 km segment is a pixel or two long, so rivers and lake shores travel merged: one feature
	 * per named river and state of its four items, which still shows where they are missing.
	 */
	waterwaySegments: 8,
	/** every kind of segment, ponds and ditches included */
	minorWaterways: 9,
	homes: 9,
	schools: 9,
	workstations: 8,
	/** per-village child counts (the cells give way to them) */
	villageCounts: 11
} as const;
