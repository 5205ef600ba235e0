// Builds the MapLibre style from the app's own tiles. No glyph or sprite URL: since MapLibre
// GL JS 5.11, a style without `glyphs` draws every label with local fonts (TinySDF), so
// Chinese and Latin labels need no request to any host. An operator's raster basemap, if
// configured, goes underneath.
import type {
	CircleLayerSpecification,
	ExpressionSpecification,
	FilterSpecification,
	StyleSpecification
} from 'maplibre-gl';
import {
	COLORS,
	CELL_BREAKS,
	LAYER,
	LAYER_GROUPS,
	SOURCE,
	rateColor,
	type LayerGroup
} from './ids';
import {
	MIN_ZOOM,
	TILE_MAX_ZOOM,
	tileGet,
	type TileLayer,
	type TileSource
} from '$lib/domain/tile-contract';

export const FONT_STACK = ['Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];
/** From this zoom the water tiles hold one feature per segment. */
export const WATERWAY_SEGMENT_ZOOM = MIN_ZOOM.waterwaySegments;
/**
 * From this zoom the water tiles hold every kind of segment, ponds and ditches included: a map
 * of a list of segments does not zoom out further.
 */
export const LIST_MIN_ZOOM = MIN_ZOOM.minorWaterways;

export interface StyleOptions {
	origin: string;
	basemapUrl?: string;
	basemapAttribution?: string;
	/** cache-busting token for tiles (the server's data version) */
	version?: string;
	/**
	 * The state the map first shows. Built into the style so that nothing has to be changed
	 * after the first tiles arrive: changing a layer's filter or layout makes MapLibre parse
	 * every tile of its source again.
	 */
	visible?: Partial<Record<LayerGroup, boolean>>;
	selectedArea?: string;
	highlightWaterway?: number | null;
	waterwayIds?: number[] | null;
	/** fill subdivisions by a value in [0, 1], keyed by code (see choroplethFill) */
	choropleth?: Record<string, number> | null;
}

/**
 * The fill of the units below the province without a choropleth: none. An opacity of exactly 0
 * is not drawn at all (a fill the size of the screen per level is costly without a GPU), and
 * the units are still found under a click or tap.
 */
export const ADMIN_FILL = { color: 'rgba(0,0,0,0)', opacity: 0 } as const;

/** The administrative fill colouring units by a value in [0, 1]; null when there is none. */
export function choroplethFill(
	values: Record<string, number> | null | undefined
): { color: ExpressionSpecification; opacity: number } | null {
	if (!values || !Object.keys(values).length) return null;
	const cases: string[] = [];
	for (const [code, v] of Object.entries(values)) {
		cases.push(code, rateColor(v));
	}
	return {
		color: [
			'match',
			tileGet('boundary', 'code'),
			...cases,
			'rgba(0,0,0,0)'
		] as unknown as ExpressionSpecification,
		opacity: 0.45
	};
}

/**
 * Exact homes, on top of everything. Not part of the style: MapView adds the source and this
 * layer only once the server has allowed and recorded a view, so no other map carries them.
 */
export const RESIDENCES_LAYER: CircleLayerSpecification = {
	id: LAYER.residences,
	type: 'circle',
	source: SOURCE.residences,
	paint: {
		'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 7],
		'circle-color': COLORS.residence,
		'circle-stroke-color': '#ffffff',
		'circle-stroke-width': 1.5
	}
};

/** The outline of the selected area. */
export function selectedAreaFilter(code: string): FilterSpecification {
	return ['==', tileGet('boundary', 'code'), code];
}

// Whole rivers merged for low zooms carry a `segments` count and a feature number that is not
// a segment id: they are never a highlighted or listed segment.
const isSegment: ExpressionSpecification = ['!', ['has', 'segments']];

/** The highlighted waterway segment (none: -1). */
export function highlightFilter(id: number | null | undefined): FilterSpecification {
	return ['all', isSegment, ['==', ['id'], id ?? -1]];
}

/** Only these segments, or every segment (undefined, i.e. no filter). */
export function waterwayFilter(ids: number[] | null | undefined): FilterSpecification | undefined {
	return ids ? ['all', isSegment, ['in', ['id'], ['literal', ids]]] : undefined;
}

const completenessColor: ExpressionSpecification = [
	'match',
	tileGet('waterways', 'completeness'),
	'complete',
	COLORS.complete,
	'partial',
	COLORS.partial,
	COLORS.none
];

const institutionColor: ExpressionSpecification = [
	'match',
	tileGet('institutions', 'kind'),
	'school',
	COLORS.school,
	'kindergarten',
	COLORS.kindergarten,
	'welfare',
	COLORS.welfare,
	'rescue_protection',
	COLORS.rescue_protection,
	COLORS.workstation
];

// every cell carries its released (perturbed) count: no cell is hidden, none is exact
const cellColor: ExpressionSpecification = [
	'step',
	tileGet('cells', 'total'),
	COLORS.cellRamp[0],
	CELL_BREAKS[1],
	COLORS.cellRamp[1],
	CELL_BREAKS[2],
	COLORS.cellRamp[2],
	CELL_BREAKS[3],
	COLORS.cellRamp[3],
	CELL_BREAKS[4],
	COLORS.cellRamp[4]
];

/** A source layer's name, checked against the tile contract. */
const layer = (name: TileLayer): TileLayer => name;

function tiles(opts: StyleOptions, source: TileSource): string[] {
	const v = opts.version ? `?v=${encodeURIComponent(opts.version)}` : '';
	return [`${opts.origin}/tiles/${source}/{z}/{x}/{y}.mvt${v}`];
}

export function buildStyle(opts: StyleOptions): StyleSpecification {
	const sources: StyleSpecification['sources'] = {
		[SOURCE.admin]: {
			type: 'vector',
			tiles: tiles(opts, 'admin'),
			minzoom: 0,
			maxzoom: TILE_MAX_ZOOM
		},
		[SOURCE.water]: {
			type: 'vector',
			tiles: tiles(opts, 'water'),
			minzoom: 0,
			maxzoom: TILE_MAX_ZOOM
		},
		[SOURCE.sites]: {
			type: 'vector',
			tiles: tiles(opts, 'sites'),
			minzoom: 0,
			maxzoom: TILE_MAX_ZOOM
		},
		[SOURCE.children]: {
			type: 'vector',
			tiles: tiles(opts, 'children'),
			minzoom: 0,
			maxzoom: TILE_MAX_ZOOM
		}
	};
	const choropleth = choroplethFill(opts.choropleth);
	const layers: StyleSpecification['layers'] = [
		{ id: LAYER.background, type: 'background', paint: { 'background-color': COLORS.background } }
	];
	if (opts.basemapUrl) {
		sources[SOURCE.basemap] = {
			type: 'raster',
			tiles: [opts.basemapUrl],
			tileSize: 256,
			attribution: opts.basemapAttribution ?? ''
		};
		layers.push({
			id: LAYER.basemap,
			type: 'raster',
			source: SOURCE.basemap,
			paint: { 'raster-opacity': 0.7 }
		});
	}
	layers.push(
		{
			// the province a little lighter than what lies around it
			id: LAYER.provinceFill,
			type: 'fill',
			source: SOURCE.admin,
			'source-layer': layer('boundary'),
			filter: ['==', tileGet('boundary', 'level'), 'province'],
			paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6, 'fill-antialias': false }
		},
		{
			// the units to click into, and the choropleth when there is one
			id: LAYER.adminFill,
			type: 'fill',
			source: SOURCE.admin,
			'source-layer': layer('boundary'),
			filter: ['!=', tileGet('boundary', 'level'), 'province'],
			paint: {
				'fill-color': choropleth?.color ?? ADMIN_FILL.color,
				'fill-opacity': choropleth?.opacity ?? ADMIN_FILL.opacity
			}
		},
		{
			id: LAYER.cells,
			type: 'fill',
			source: SOURCE.children,
			'source-layer': layer('cells'),
			maxzoom: MIN_ZOOM.villageCounts,
			paint: {
				'fill-color': cellColor,
				'fill-opacity': 0.55,
				'fill-outline-color': 'rgba(90,42,134,0.25)'
			}
		},
		{
			id: LAYER.adminLine,
			type: 'line',
			source: SOURCE.admin,
			'source-layer': layer('boundary'),
			filter: ['!=', tileGet('boundary', 'level'), 'province'],
			paint: {
				'line-color': COLORS.boundary,
				'line-width': [
					'match',
					tileGet('boundary', 'level'),
					'prefecture',
					1.6,
					'county',
					1.0,
					0.6
				],
				'line-dasharray': [
					'match',
					tileGet('boundary', 'level'),
					'township',
					['literal', [3, 2]],
					['literal', [1, 0]]
				],
				'line-opacity': 0.8
			}
		},
		{
			id: LAYER.adminSelected,
			type: 'line',
			source: SOURCE.admin,
			'source-layer': layer('boundary'),
			filter: selectedAreaFilter(opts.selectedArea ?? ''),
			paint: { 'line-color': '#1f3b73', 'line-width': 3 }
		},
		{
			// the selected segment: a wide halo under its own line, so its colour and dashes
			// still show on top (and it stands out at any zoom)
			id: LAYER.highlight,
			type: 'line',
			source: SOURCE.water,
			'source-layer': layer('waterways'),
			filter: highlightFilter(opts.highlightWaterway),
			layout: { 'line-cap': 'round', 'line-join': 'round' },
			paint: {
				'line-color': '#1f3b73',
				'line-width': ['interpolate', ['linear'], ['zoom'], 8, 9, 12, 14, 16, 20],
				'line-opacity': 0.4,
				'line-blur': 1
			}
		},
		{
			id: LAYER.waterways,
			type: 'line',
			source: SOURCE.water,
			'source-layer': layer('waterways'),
			layout: { 'line-cap': 'round', 'line-join': 'round' },
			paint: {
				'line-color': completenessColor,
				'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1.2, 10, 2.5, 14, 5],
				// shape as well as colour: complete solid, partly missing dashed, none dotted
				'line-dasharray': [
					'match',
					tileGet('waterways', 'completeness'),
					'complete',
					['literal', [1, 0]],
					'partial',
					['literal', [3, 1.5]],
					['literal', [1, 1]]
				]
			}
		},
		{
			// a wide transparent line so a segment is easy to tap on a phone; below
			// WATERWAY_SEGMENT_ZOOM the tiles hold whole rivers, not segments to open
			id: LAYER.waterwaysHit,
			type: 'line',
			source: SOURCE.water,
			'source-layer': layer('waterways'),
			minzoom: WATERWAY_SEGMENT_ZOOM,
			paint: { 'line-color': '#000000', 'line-opacity': 0, 'line-width': 14 }
		},
		{
			id: LAYER.villageCounts,
			type: 'circle',
			source: SOURCE.children,
			'source-layer': layer('villages'),
			minzoom: MIN_ZOOM.villageCounts,
			paint: {
				'circle-radius': 13,
				'circle-color': COLORS.cellRamp[2],
				'circle-opacity': 0.85,
				'circle-stroke-color': '#ffffff',
				'circle-stroke-width': 1.5
			}
		},
		{
			id: LAYER.homes,
			type: 'circle',
			source: SOURCE.sites,
			'source-layer': layer('homes'),
			paint: {
				'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 7],
				'circle-color': COLORS.home,
				'circle-stroke-color': [
					'case',
					tileGet('homes', 'undersized'),
					COLORS.homeUndersized,
					'#ffffff'
				],
				'circle-stroke-width': ['case', tileGet('homes', 'undersized'), 2.5, 1]
			}
		},
		{
			id: LAYER.institutions,
			type: 'circle',
			source: SOURCE.sites,
			'source-layer': layer('institutions'),
			paint: {
				'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 3, 14, 7],
				'circle-color': institutionColor,
				'circle-stroke-color': '#ffffff',
				'circle-stroke-width': 1
			}
		},
		{
			id: LAYER.stations,
			type: 'circle',
			source: SOURCE.sites,
			'source-layer': layer('stations'),
			paint: {
				'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 5, 14, 10],
				'circle-color': COLORS.station,
				'circle-stroke-color': '#5a4500',
				'circle-stroke-width': 2
			}
		},
		{
			id: LAYER.cellLabels,
			type: 'symbol',
			source: SOURCE.children,
			'source-layer': layer('cells'),
			minzoom: 8,
			maxzoom: MIN_ZOOM.villageCounts,
			layout: { 'text-field': tileGet('cells', 'label'), 'text-font': FONT_STACK, 'text-size': 10 },
			paint: { 'text-color': '#3b1d57', 'text-halo-color': '#ffffff', 'text-halo-width': 1 }
		},
		{
			id: LAYER.villageCountLabels,
			type: 'symbol',
			source: SOURCE.children,
			'source-layer': layer('villages'),
			minzoom: MIN_ZOOM.villageCounts,
			layout: {
				'text-field': tileGet('villages', 'label'),
				'text-font': FONT_STACK,
				'text-size': 11,
				'text-allow-overlap': true
			},
			paint: { 'text-color': '#ffffff', 'text-halo-color': '#3b1d57', 'text-halo-width': 0.8 }
		},
		{
			id: LAYER.adminLabels,
			type: 'symbol',
			source: SOURCE.admin,
			'source-layer': layer('label'),
			layout: {
				'text-field': tileGet('label', 'name'),
				'text-font': FONT_STACK,
				'text-size': [
					'match',
					tileGet('label', 'level'),
					'prefecture',
					15,
					'county',
					13,
					'township',
					12,
					11
				],
				'text-offset': [
					'match',
					tileGet('label', 'level'),
					'village',
					['literal', [0, 1.6]],
					['literal', [0, 0]]
				],
				'text-padding': 4
			},
			paint: { 'text-color': '#222222', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 }
		}
	);
	const only = waterwayFilter(opts.waterwayIds);
	const groupOf = new Map<string, LayerGroup>();
	for (const [g, ids] of Object.entries(LAYER_GROUPS) as [LayerGroup, readonly string[]][])
		for (const id of ids) groupOf.set(id, g);
	for (const l of layers) {
		const g = groupOf.get(l.id);
		if (g && l.type !== 'background')
			l.layout = { ...l.layout, visibility: opts.visible?.[g] === false ? 'none' : 'visible' };
		if (only && l.type === 'line' && (l.id === LAYER.waterways || l.id === LAYER.waterwaysHit))
			l.filter = only;
	}
	return { version: 8, name: 'TongAn', sources, layers };
}
