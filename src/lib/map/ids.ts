// Source and layer ids: one definition, used by the style builder, the map component,
// the legend and the tests.
import { MIN_ZOOM, TILE_SOURCES, type TileSource } from '$lib/domain/tile-contract';

export const SOURCE = {
	// the four tile sources, as the tile contract names them
	...(Object.fromEntries(TILE_SOURCES.map((x) => [x, x])) as { [S in TileSource]: S }),
	basemap: 'basemap',
	residences: 'residences'
} as const;

export const LAYER = {
	background: 'background',
	basemap: 'basemap-raster',
	provinceFill: 'admin-province-fill',
	adminFill: 'admin-fill',
	adminLine: 'admin-line',
	adminSelected: 'admin-selected',
	cells: 'children-cells',
	cellLabels: 'children-cell-labels',
	villageCounts: 'children-villages',
	villageCountLabels: 'children-village-labels',
	waterways: 'waterways',
	waterwaysHit: 'waterways-hit',
	homes: 'homes',
	stations: 'stations',
	institutions: 'institutions',
	adminLabels: 'admin-labels',
	highlight: 'highlight',
	residences: 'residences'
} as const;

/** The user-facing layer groups the panel toggles, each mapped to its style layers. */
export const LAYER_GROUPS = {
	waterways: [LAYER.waterways, LAYER.waterwaysHit],
	homes: [LAYER.homes],
	stations: [LAYER.stations],
	institutions: [LAYER.institutions],
	children: [LAYER.cells, LAYER.cellLabels, LAYER.villageCounts, LAYER.villageCountLabels]
} as const;

export type LayerGroup = keyof typeof LAYER_GROUPS;
export const LAYER_GROUP_NAMES = Object.keys(LAYER_GROUPS) as LayerGroup[];

/** Colours are stable across every screen (UX.md "map manners"). Colour-blind-safe ramp. */
export const COLORS = {
	complete: '#1a9e8f',
	partial: '#e69f00',
	none: '#b8306b',
	home: '#f28e2b',
	homeUndersized: '#d62728',
	station: '#ffc000',
	school: '#3b6fb6',
	kindergarten: '#56b4e9',
	welfare: '#8e5ea2',
	rescue_protection: '#7a5230',
	workstation: '#3c8d40',
	cellRamp: ['#f2e6f7', '#d9b8e8', '#b57fd1', '#8a4bb3', '#5b2a86'],
	boundary: '#6b6b6b',
	background: '#f4f2ec',
	residence: '#c2185b',
	water: '#7fb2d9'
} as const;

/** Kinds of child institutions on the map, in the legends' order (each has its colour above). */
export const INSTITUTION_KINDS = [
	'school',
	'kindergarten',
	'welfare',
	'rescue_protection',
	'workstation'
] as const;

/**
 * Completion-rate bands of an area (share of its segments needing items that have all four),
 * highest first: the dashboard's bars, its choropleth and their legend use the same three.
 */
export const RATE_BANDS = [
	{ min: 0.8, color: COLORS.complete },
	{ min: 0.4, color: COLORS.partial },
	{ min: 0, color: COLORS.none }
] as const;

/** The colour of a completion rate in [0, 1]. */
export function rateColor(v: number): string {
	return (RATE_BANDS.find((b) => v >= b.min) ?? RATE_BANDS[RATE_BANDS.length - 1]).color;
}

/** Townships' boundaries are in the tiles from this zoom (smaller tiles below it). */
export const TOWNSHIP_MIN_ZOOM = MIN_ZOOM.township;

/** Class breaks (children per cell) for the graduated cells. */
export const CELL_BREAKS = [1, 5, 20, 50, 150] as const;
