// Places: children's homes (儿童之家), child institutions by kind, and Sunshine Stations.
import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { tileGet } from '$lib/domain/tile-contract';
import { COLORS } from '../colors';
import { LAYER, SOURCE } from '../ids';
import { sourceLayer } from './common';

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

export const homeLayer: LayerSpecification = {
	id: LAYER.homes,
	type: 'circle',
	source: SOURCE.sites,
	'source-layer': sourceLayer('homes'),
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
};

export const institutionLayer: LayerSpecification = {
	id: LAYER.institutions,
	type: 'circle',
	source: SOURCE.sites,
	'source-layer': sourceLayer('institutions'),
	paint: {
		'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 3, 14, 7],
		'circle-color': institutionColor,
		'circle-stroke-color': '#ffffff',
		'circle-stroke-width': 1
	}
};

export const stationLayer: LayerSpecification = {
	id: LAYER.stations,
	type: 'circle',
	source: SOURCE.sites,
	'source-layer': sourceLayer('stations'),
	paint: {
		'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 5, 14, 10],
		'circle-color': COLORS.station,
		'circle-stroke-color': '#5a4500',
		'circle-stroke-width': 2
	}
};
