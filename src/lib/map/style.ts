// Builds the MapLibre style from the app's own tiles: the sources here, each layer in
// layers/*.ts, drawn in the order below. No glyph or sprite URL: since MapLibre GL JS 5.11, a
// style without `glyphs` draws every label with local fonts (TinySDF), so Chinese and Latin
// labels need no request to any host. An operator's raster basemap, if configured, goes
// underneath.
import type { StyleSpecification } from 'maplibre-gl';
import { MIN_ZOOM, TILE_MAX_ZOOM, type TileSource } from '$lib/domain/tile-contract';
import { COLORS } from './colors';
import { waterwayFilter } from './filters';
import { LAYER, LAYER_GROUPS, SOURCE, type LayerGroup } from './ids';
import { basemapLayers, basemapSource, type VectorBasemap } from './basemap-style';
import { FONT_STACK } from './layers/common';
import {
	adminFillLayer,
	adminLabelLayer,
	adminLineLayer,
	adminSelectedLayer,
	provinceFillLayer
} from './layers/admin';
import {
	cellLabelLayer,
	cellLayer,
	villageCountLabelLayer,
	villageCountLayer
} from './layers/children';
import { homeLayer, institutionLayer, stationLayer } from './layers/sites';
import { highlightLayer, waterwayHitLayer, waterwayLayer } from './layers/water';

export { FONT_STACK } from './layers/common';
export { WATERWAY_SEGMENT_ZOOM } from './layers/water';
export { RESIDENCES_LAYER } from './layers/residences';
export {
	ADMIN_FILL,
	choroplethFill,
	highlightFilter,
	selectedAreaFilter,
	waterwayFilter
} from './filters';

/**
 * From this zoom the water tiles hold every kind of segment, ponds and ditches included: a map
 * of a list of segments does not zoom out further.
 */
export const LIST_MIN_ZOOM = MIN_ZOOM.minorWaterways;

export interface StyleOptions {
	origin: string;
	basemapUrl?: string;
	basemapAttribution?: string;
	/** the operator's PMTiles vector basemap, served by the app (basemap-style.ts) */
	vectorBasemap?: VectorBasemap | null;
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

/** A tile source's URLs at a data version (in the URL, so a browser's kept tile is never stale). */
export function tileUrls(origin: string, source: TileSource, version?: string): string[] {
	const v = version ? `?v=${encodeURIComponent(version)}` : '';
	return [`${origin}/tiles/${source}/{z}/{x}/{y}.mvt${v}`];
}

/** The app's own tile sources. */
export const APP_TILE_SOURCES = [
	SOURCE.admin,
	SOURCE.water,
	SOURCE.sites,
	SOURCE.children
] as const;

function tiles(opts: StyleOptions, source: TileSource): string[] {
	return tileUrls(opts.origin, source, opts.version);
}

export function buildStyle(opts: StyleOptions): StyleSpecification {
	const sources: StyleSpecification['sources'] = {};
	for (const s of APP_TILE_SOURCES)
		sources[s] = { type: 'vector', tiles: tiles(opts, s), minzoom: 0, maxzoom: TILE_MAX_ZOOM };
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
	if (opts.vectorBasemap) {
		sources[SOURCE.vectorBasemap] = basemapSource(opts.vectorBasemap, opts.origin);
		layers.push(...basemapLayers(SOURCE.vectorBasemap, FONT_STACK));
	}
	// bottom to top: areas, boundaries, water, counts, places, then every label
	layers.push(
		// the province only a little lighter over a vector basemap, whose roads it would wash out
		opts.vectorBasemap
			? { ...provinceFillLayer, paint: { ...provinceFillLayer.paint, 'fill-opacity': 0.25 } }
			: provinceFillLayer,
		adminFillLayer(opts.choropleth),
		cellLayer,
		adminLineLayer,
		adminSelectedLayer(opts.selectedArea ?? ''),
		highlightLayer(opts.highlightWaterway),
		waterwayLayer,
		waterwayHitLayer,
		villageCountLayer,
		homeLayer,
		institutionLayer,
		stationLayer,
		cellLabelLayer,
		villageCountLabelLayer,
		adminLabelLayer
	);
	const only = waterwayFilter(opts.waterwayIds);
	const groupOf = new Map<string, LayerGroup>();
	for (const [g, ids] of Object.entries(LAYER_GROUPS) as [LayerGroup, readonly string[]][])
		for (const id of ids) groupOf.set(id, g);
	// copies: the layer modules' objects are shared by every style built
	const out = layers.map((l) => ({ ...l }) as typeof l);
	for (const l of out) {
		const g = groupOf.get(l.id);
		if (g && l.type !== 'background')
			l.layout = { ...l.layout, visibility: opts.visible?.[g] === false ? 'none' : 'visible' };
		if (only && l.type === 'line' && (l.id === LAYER.waterways || l.id === LAYER.waterwaysHit))
			l.filter = only;
	}
	return { version: 8, name: 'TongAn', sources, layers: out };
}
