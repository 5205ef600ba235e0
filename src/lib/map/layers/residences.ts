// Exact homes of children, above every shape of the map and under its labels. Not part of the
// style: the residences layer component adds the source and this layer only once the server has
// allowed and recorded a view, so no other map carries them.
import type { CircleLayerSpecification } from 'maplibre-gl';
import { COLORS } from '../colors';
import { LAYER, SOURCE } from '../ids';
import { BASEMAP_LAYER_PREFIX } from '../basemap-style';

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

/**
 * The layer the homes go under: the first of the app's own labels (the vector basemap's labels
 * lie under all of the app's layers and do not count). Added on top of everything, the dots of a
 * village covered its name, drawn just below its centre, where the homes cluster (QA walk).
 */
export function residencesBeforeId(
	layers: readonly { id: string; type: string }[]
): string | undefined {
	return layers.find((l) => l.type === 'symbol' && !l.id.startsWith(BASEMAP_LAYER_PREFIX))?.id;
}
