// Builds the MapLibre style from the app's own tiles. No glyph or sprite URL: since MapLibre
// GL JS 5.11, a style without `glyphs` draws every label with local fonts (TinySDF), so
// Chinese and Latin labels need no request to any host. An operator's raster basemap, if
// configured, goes underneath.
import type { StyleSpecification, ExpressionSpecification } from 'maplibre-gl';
import { COLORS, CELL_BREAKS, LAYER, SOURCE } from './ids';

export const FONT_STACK = ['Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];
export const TILE_MAX_ZOOM = 14;

export interface StyleOptions {
	origin: string;
	basemapUrl?: string;
	basemapAttribution?: string;
	/** cache-busting token for tiles (the server's data version) */
	version?: string;
}

const completenessColor: ExpressionSpecification = [
	'match',
	['get', 'completeness'],
	'complete',
	COLORS.complete,
	'partial',
	COLORS.partial,
	COLORS.none
];

const institutionColor: ExpressionSpecification = [
	'match',
	['get', 'kind'],
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

const cellColor: ExpressionSpecification = [
	'case',
	['get', 'suppressed'],
	COLORS.cellSuppressed,
	[
		'step',
		['get', 'total'],
		COLORS.cellRamp[0],
		CELL_BREAKS[1],
		COLORS.cellRamp[1],
		CELL_BREAKS[2],
		COLORS.cellRamp[2],
		CELL_BREAKS[3],
		COLORS.cellRamp[3],
		CELL_BREAKS[4],
		COLORS.cellRamp[4]
	]
];

function tiles(opts: StyleOptions, source: string): string[] {
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
			id: LAYER.adminFill,
			type: 'fill',
			source: SOURCE.admin,
			'source-layer': 'boundary',
			paint: {
				'fill-color': ['match', ['get', 'level'], 'province', '#ffffff', 'rgba(255,255,255,0)'],
				'fill-opacity': ['match', ['get', 'level'], 'province', 0.6, 0.01]
			}
		},
		{
			id: LAYER.cells,
			type: 'fill',
			source: SOURCE.children,
			'source-layer': 'cells',
			maxzoom: 11,
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
			'source-layer': 'boundary',
			filter: ['!=', ['get', 'level'], 'province'],
			paint: {
				'line-color': COLORS.boundary,
				'line-width': ['match', ['get', 'level'], 'prefecture', 1.6, 'county', 1.0, 0.6],
				'line-dasharray': [
					'match',
					['get', 'level'],
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
			'source-layer': 'boundary',
			filter: ['==', ['get', 'code'], ''],
			paint: { 'line-color': '#1f3b73', 'line-width': 3 }
		},
		{
			id: LAYER.waterways,
			type: 'line',
			source: SOURCE.water,
			'source-layer': 'waterways',
			layout: { 'line-cap': 'round', 'line-join': 'round' },
			paint: {
				'line-color': completenessColor,
				'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1.2, 10, 2.5, 14, 5],
				// shape as well as colour: complete solid, partly missing dashed, none dotted
				'line-dasharray': [
					'match',
					['get', 'completeness'],
					'complete',
					['literal', [1, 0]],
					'partial',
					['literal', [3, 1.5]],
					['literal', [1, 1]]
				]
			}
		},
		{
			// a wide transparent line so a segment is easy to tap on a phone
			id: LAYER.waterwaysHit,
			type: 'line',
			source: SOURCE.water,
			'source-layer': 'waterways',
			paint: { 'line-color': '#000000', 'line-opacity': 0, 'line-width': 14 }
		},
		{
			id: LAYER.villageCounts,
			type: 'circle',
			source: SOURCE.children,
			'source-layer': 'villages',
			minzoom: 11,
			paint: {
				'circle-radius': 13,
				'circle-color': ['case', ['get', 'suppressed'], COLORS.cellSuppressed, COLORS.cellRamp[2]],
				'circle-opacity': 0.85,
				'circle-stroke-color': '#ffffff',
				'circle-stroke-width': 1.5
			}
		},
		{
			id: LAYER.homes,
			type: 'circle',
			source: SOURCE.sites,
			'source-layer': 'homes',
			paint: {
				'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 7],
				'circle-color': COLORS.home,
				'circle-stroke-color': ['case', ['get', 'undersized'], COLORS.homeUndersized, '#ffffff'],
				'circle-stroke-width': ['case', ['get', 'undersized'], 2.5, 1]
			}
		},
		{
			id: LAYER.institutions,
			type: 'circle',
			source: SOURCE.sites,
			'source-layer': 'institutions',
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
			'source-layer': 'stations',
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
			'source-layer': 'cells',
			minzoom: 8,
			maxzoom: 11,
			layout: { 'text-field': ['get', 'label'], 'text-font': FONT_STACK, 'text-size': 10 },
			paint: { 'text-color': '#3b1d57', 'text-halo-color': '#ffffff', 'text-halo-width': 1 }
		},
		{
			id: LAYER.villageCountLabels,
			type: 'symbol',
			source: SOURCE.children,
			'source-layer': 'villages',
			minzoom: 11,
			layout: {
				'text-field': ['get', 'label'],
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
			'source-layer': 'label',
			layout: {
				'text-field': ['get', 'name'],
				'text-font': FONT_STACK,
				'text-size': [
					'match',
					['get', 'level'],
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
					['get', 'level'],
					'village',
					['literal', [0, 1.6]],
					['literal', [0, 0]]
				],
				'text-padding': 4
			},
			paint: { 'text-color': '#222222', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 }
		},
		{
			id: LAYER.highlight,
			type: 'line',
			source: SOURCE.water,
			'source-layer': 'waterways',
			filter: ['==', ['id'], -1],
			paint: { 'line-color': '#1f3b73', 'line-width': 8, 'line-opacity': 0.45 }
		}
	);
	return { version: 8, name: 'TongAn', sources, layers };
}
