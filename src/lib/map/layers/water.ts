// Waterway segments: coloured (and dashed) by their four items, a wide invisible line to tap,
// and the selected segment's halo.
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { MIN_ZOOM, tileGet } from '$lib/domain/tile-contract';
import { COLORS } from '../colors';
import { highlightFilter } from '../filters';
import { LAYER, SOURCE } from '../ids';
import { sourceLayer } from './common';

/** From this zoom the water tiles hold one feature per segment. */
export const WATERWAY_SEGMENT_ZOOM = MIN_ZOOM.waterwaySegments;

const completenessColor: ExpressionSpecification = [
	'match',
	tileGet('waterways', 'completeness'),
	'complete',
	COLORS.complete,
	'partial',
	COLORS.partial,
	COLORS.none
];

export function highlightLayer(id: number | null | undefined): LayerSpecification {
	return {
		// the selected segment: a wide halo under its own line, so its colour and dashes still
		// show on top (and it stands out at any zoom)
		id: LAYER.highlight,
		type: 'line',
		source: SOURCE.water,
		'source-layer': sourceLayer('waterways'),
		filter: highlightFilter(id),
		layout: { 'line-cap': 'round', 'line-join': 'round' },
		paint: {
			'line-color': '#1f3b73',
			'line-width': ['interpolate', ['linear'], ['zoom'], 8, 9, 12, 14, 16, 20],
			'line-opacity': 0.4,
			'line-blur': 1
		}
	};
}

export const waterwayLayer: LayerSpecification = {
	id: LAYER.waterways,
	type: 'line',
	source: SOURCE.water,
	'source-layer': sourceLayer('waterways'),
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
};

export const waterwayHitLayer: LayerSpecification = {
	// a wide transparent line so a segment is easy to tap on a phone; below
	// WATERWAY_SEGMENT_ZOOM the tiles hold whole rivers, not segments to open
	id: LAYER.waterwaysHit,
	type: 'line',
	source: SOURCE.water,
	'source-layer': sourceLayer('waterways'),
	minzoom: WATERWAY_SEGMENT_ZOOM,
	paint: { 'line-color': '#000000', 'line-opacity': 0, 'line-width': 14 }
};
