// Administrative units: the province's light fill, the clickable (or choropleth) fill of the
// units below it, their boundaries, the selected one's outline, and their names.
import type { FillLayerSpecification, LayerSpecification } from 'maplibre-gl';
import { tileGet } from '$lib/domain/tile-contract';
import { COLORS } from '../colors';
import { ADMIN_FILL, choroplethFill, selectedAreaFilter } from '../filters';
import { LAYER, SOURCE } from '../ids';
import { FONT_STACK, sourceLayer } from './common';

export const provinceFillLayer: FillLayerSpecification = {
	// the province a little lighter than what lies around it
	id: LAYER.provinceFill,
	type: 'fill',
	source: SOURCE.admin,
	'source-layer': sourceLayer('boundary'),
	filter: ['==', tileGet('boundary', 'level'), 'province'],
	paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6, 'fill-antialias': false }
};

/** The units to click into, and the choropleth when there is one. */
export function adminFillLayer(choropleth?: Record<string, number> | null): LayerSpecification {
	const fill = choroplethFill(choropleth);
	return {
		id: LAYER.adminFill,
		type: 'fill',
		source: SOURCE.admin,
		'source-layer': sourceLayer('boundary'),
		filter: ['!=', tileGet('boundary', 'level'), 'province'],
		paint: {
			'fill-color': fill?.color ?? ADMIN_FILL.color,
			'fill-opacity': fill?.opacity ?? ADMIN_FILL.opacity
		}
	};
}

export const adminLineLayer: LayerSpecification = {
	id: LAYER.adminLine,
	type: 'line',
	source: SOURCE.admin,
	'source-layer': sourceLayer('boundary'),
	filter: ['!=', tileGet('boundary', 'level'), 'province'],
	paint: {
		'line-color': COLORS.boundary,
		'line-width': ['match', tileGet('boundary', 'level'), 'prefecture', 1.6, 'county', 1.0, 0.6],
		'line-dasharray': [
			'match',
			tileGet('boundary', 'level'),
			'township',
			['literal', [3, 2]],
			['literal', [1, 0]]
		],
		'line-opacity': 0.8
	}
};

export function adminSelectedLayer(code: string): LayerSpecification {
	return {
		id: LAYER.adminSelected,
		type: 'line',
		source: SOURCE.admin,
		'source-layer': sourceLayer('boundary'),
		filter: selectedAreaFilter(code),
		paint: { 'line-color': '#1f3b73', 'line-width': 3 }
	};
}

export const adminLabelLayer: LayerSpecification = {
	id: LAYER.adminLabels,
	type: 'symbol',
	source: SOURCE.admin,
	'source-layer': sourceLayer('label'),
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
	paint: {
		'text-color': '#222222',
		'text-halo-color': '#ffffff',
		// a village's name sits among its children's homes when they are shown (dark dots, drawn
		// under the labels): a wider halo keeps it clear of them
		'text-halo-width': ['match', tileGet('label', 'level'), 'village', 2, 1.5]
	}
};
