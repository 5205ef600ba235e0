// The operator's offline vector basemap (BASEMAP_PMTILES) under the app's own layers (built
// into the style by style.ts; the protocol is registered by basemap-protocol.ts). The app
// serves the PMTiles archive from its own origin; MapLibre reads it through the `pmtiles`
// protocol (byte ranges of one file). The layers are Protomaps' basemap style for its schema,
// muted to the app's beige so that segments, homes and counts stay readable above it.
//
// No glyphs and no sprites: labels are drawn with the phone's own fonts (the style has no
// `glyphs`, see style.ts), and the few layers that need an icon are left out or drawn without
// it. So the basemap adds no request to any other host.
import type {
	LayerSpecification,
	SourceSpecification,
	SymbolLayerSpecification
} from 'maplibre-gl';
import { layers as protomapsLayers, namedFlavor, type Flavor } from '@protomaps/basemaps';
import { COLORS } from './colors';

export interface VectorBasemap {
	/** same-origin path of the archive, with its version */
	url: string;
	attribution: string;
	minZoom: number;
	maxZoom: number;
}

/** Every basemap layer's id starts with this (the tests query them by it). */
export const BASEMAP_LAYER_PREFIX = 'bm-';

/** Symbol layers that are only an icon or of no use under the app's own labels. */
const LEFT_OUT = new Set([
	'roads_oneway',
	'roads_shields',
	'pois',
	'places_country',
	'places_region'
]);

/** Protomaps' light flavour on the app's background: land is the same beige as before. */
const FLAVOR: Flavor = {
	...namedFlavor('light'),
	background: COLORS.background,
	earth: COLORS.background
};

/** A font list of Protomaps' (e.g. ["Noto Sans Regular"]) anywhere in `v` becomes `fonts`. */
function withFonts(v: unknown, fonts: string[]): unknown {
	if (!Array.isArray(v)) {
		if (v && typeof v === 'object')
			return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withFonts(x, fonts)]));
		return v;
	}
	if (v.length && v.every((x) => typeof x === 'string' && x.startsWith('Noto Sans'))) return fonts;
	return v.map((x) => withFonts(x, fonts));
}

/** The basemap's layers, muted and without icons, on the given source, labels in `fonts`. */
export function basemapLayers(source: string, fonts: string[]): LayerSpecification[] {
	const out: LayerSpecification[] = [];
	for (const l of protomapsLayers(source, FLAVOR, { lang: 'zh-Hans' }) as LayerSpecification[]) {
		if (l.type === 'background' || LEFT_OUT.has(l.id)) continue;
		const layer = { ...l, id: BASEMAP_LAYER_PREFIX + l.id } as LayerSpecification;
		if (layer.type === 'symbol') {
			const layout = { ...(layer as SymbolLayerSpecification).layout };
			// an icon would need a sprite sheet: the text is kept, the icon left out
			for (const k of Object.keys(layout))
				if (k.startsWith('icon-')) delete layout[k as keyof typeof layout];
			if (!layout['text-field']) continue;
			layout['text-font'] = fonts;
			// the name expressions pick fonts of their own for a second script: the same local ones
			layout['text-field'] = withFonts(
				layout['text-field'],
				fonts
			) as (typeof layout)['text-field'];
			(layer as SymbolLayerSpecification).layout = layout;
			// quieter than the app's own labels
			layer.paint = { ...layer.paint, 'text-opacity': 0.75 };
		}
		out.push(layer);
	}
	return out;
}

/** The archive as a vector source read through the `pmtiles://` protocol. */
export function basemapSource(basemap: VectorBasemap, origin: string): SourceSpecification {
	return {
		type: 'vector',
		url: `pmtiles://${origin}${basemap.url}`,
		attribution: basemap.attribution
	};
}
