// Source and layer ids: one definition, used by the style builder, the map components, the
// legend and the tests. Colours are in colors.ts, the legend in legend.ts.
import { MIN_ZOOM, TILE_SOURCES, type TileSource } from '$lib/domain/tile-contract';

export const SOURCE = {
	// the four tile sources, as the tile contract names them
	...(Object.fromEntries(TILE_SOURCES.map((x) => [x, x])) as { [S in TileSource]: S }),
	basemap: 'basemap',
	/** the operator's PMTiles vector basemap (see basemap.ts) */
	vectorBasemap: 'basemap-vector',
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

/** Townships' boundaries are in the tiles from this zoom (smaller tiles below it). */
export const TOWNSHIP_MIN_ZOOM = MIN_ZOOM.township;
