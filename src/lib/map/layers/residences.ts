// Exact homes of children, on top of everything. Not part of the style: the residences layer
// component adds the source and this layer only once the server has allowed and recorded a
// view, so no other map carries them.
import type { CircleLayerSpecification } from 'maplibre-gl';
import { COLORS } from '../colors';
import { LAYER, SOURCE } from '../ids';

export const RESIDENCES_LAYER: CircleLayerSpecification = {
	id: LAYER.residences,
	type: 'circle',
	source: SOURCE.residences,
	paint: {
		'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 7],
		'circle-color': COLORS.residence,
		// the white ring keeps a dark dot readable on a dark segment or a bubble
		'circle-stroke-color': COLORS.residenceRing,
		'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 2.5]
	}
};
