// Released counts of children: graduated grid cells at low zoom, one bubble per village from
// MIN_ZOOM.villageCounts. Never a child's home (that is residences.ts, only on request).
import type {
	CircleLayerSpecification,
	ExpressionSpecification,
	LayerSpecification,
	SymbolLayerSpecification
} from 'maplibre-gl';
import { MIN_ZOOM, tileGet } from '$lib/domain/tile-contract';
import { CELL_BREAKS, COLORS } from '../colors';
import { LAYER, SOURCE } from '../ids';
import { FONT_STACK, sourceLayer } from './common';

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

export const cellLayer: LayerSpecification = {
	id: LAYER.cells,
	type: 'fill',
	source: SOURCE.children,
	'source-layer': sourceLayer('cells'),
	maxzoom: MIN_ZOOM.villageCounts,
	paint: {
		'fill-color': cellColor,
		'fill-opacity': 0.55,
		'fill-outline-color': 'rgba(90,42,134,0.25)'
	}
};

export const cellLabelLayer: LayerSpecification = {
	id: LAYER.cellLabels,
	type: 'symbol',
	source: SOURCE.children,
	'source-layer': sourceLayer('cells'),
	minzoom: 8,
	maxzoom: MIN_ZOOM.villageCounts,
	layout: { 'text-field': tileGet('cells', 'label'), 'text-font': FONT_STACK, 'text-size': 10 },
	paint: { 'text-color': '#3b1d57', 'text-halo-color': '#ffffff', 'text-halo-width': 1 }
};

/** From this zoom, with exact homes shown, a village's bubble and count are gone. */
export const VILLAGE_COUNTS_GONE_ZOOM = 14;

type BubblePaint = NonNullable<CircleLayerSpecification['paint']>;
type CountPaint = NonNullable<SymbolLayerSpecification['paint']>;

/**
 * The paint of the village bubbles and their counts. Exact homes are drawn where the bubbles
 * sit (around the village's centre): while they are shown the bubbles fade as the map closes
 * in, and are gone from VILLAGE_COUNTS_GONE_ZOOM, where the homes themselves can be read.
 * Only paint changes, so switching does not parse a tile again.
 */
export function villageCountPaint(underHomes: boolean): { bubble: BubblePaint; count: CountPaint } {
	const fade = (from: number): ExpressionSpecification => [
		'interpolate',
		['linear'],
		['zoom'],
		MIN_ZOOM.villageCounts,
		from,
		VILLAGE_COUNTS_GONE_ZOOM,
		0
	];
	return {
		bubble: {
			'circle-radius': 13,
			'circle-color': COLORS.cellRamp[2],
			'circle-opacity': underHomes ? fade(0.35) : 0.85,
			'circle-stroke-color': '#ffffff',
			'circle-stroke-width': 1.5,
			'circle-stroke-opacity': underHomes ? fade(0.5) : 1
		},
		count: {
			'text-color': '#ffffff',
			'text-halo-color': '#3b1d57',
			'text-halo-width': 0.8,
			'text-opacity': underHomes ? fade(0.8) : 1
		}
	};
}

export const villageCountLayer: LayerSpecification = {
	id: LAYER.villageCounts,
	type: 'circle',
	source: SOURCE.children,
	'source-layer': sourceLayer('villages'),
	minzoom: MIN_ZOOM.villageCounts,
	paint: villageCountPaint(false).bubble
};

export const villageCountLabelLayer: LayerSpecification = {
	id: LAYER.villageCountLabels,
	type: 'symbol',
	source: SOURCE.children,
	'source-layer': sourceLayer('villages'),
	minzoom: MIN_ZOOM.villageCounts,
	layout: {
		'text-field': tileGet('villages', 'label'),
		'text-font': FONT_STACK,
		'text-size': 11,
		'text-allow-overlap': true
	},
	paint: villageCountPaint(false).count
};
