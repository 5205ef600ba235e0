// One way every map in the app is opened: the app's own style over the operator's basemap, the
// same gestures (no rotation or pitch: field staff read north-up), the same controls, Chinese
// labels drawn with the local font and no request beyond the app's origin. The main map and the
// smaller ones (my targets, siting, hazards, emergencies, the import preview) differ only in
// what they show and where they open, which the options say.
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { buildStyle, FONT_STACK, type StyleOptions } from './style';
import { registerBasemapProtocol } from './basemap-protocol';
import type { Bounds } from './fit';
import type { Translate } from '$lib/i18n';

/** What a page's layout data says about the basemap (see routes/(app)/+layout.server.ts). */
export interface MapPageData {
	basemap?: { url: string; attribution: string } | null;
	basemapPmtiles?: StyleOptions['vectorBasemap'];
	mapVersion?: string;
}

export interface CreateMapOptions {
	container: HTMLElement;
	data: MapPageData;
	/** the page's words: MapLibre's own controls are titled in the user's language */
	t: Translate;
	bounds: Bounds;
	/** the fit of `bounds`: clear of the edges, never closer than maxZoom */
	fit?: { padding: number; maxZoom: number };
	/** the least zoom the map opens at, however large the fitted area (see fit.ts) */
	minFitZoom?: number;
	maxZoom?: number;
	/** the style's own choices beyond the basemap: layers shown, the area, a highlight */
	style?: Omit<StyleOptions, 'origin' | 'basemapUrl' | 'basemapAttribution' | 'vectorBasemap'>;
	/** anything else MapLibre takes (minZoom, doubleClickZoom) */
	extra?: Partial<maplibregl.MapOptions>;
}

/** The app's layers the small maps show by default: only water, above the basemap. */
export const WATER_ONLY = {
	waterways: true,
	homes: false,
	stations: false,
	institutions: false,
	children: false
} as const;

/** MapLibre's control titles in the page's language; the scale bar in 米 and 公里. */
export function controlWords(t: Translate): Record<string, string> {
	return {
		'Map.Title': t('map.ctl.title'),
		'Marker.Title': t('map.ctl.marker'),
		'Popup.Close': t('map.ctl.closePopup'),
		'AttributionControl.ToggleAttribution': t('map.ctl.attribution'),
		'NavigationControl.ZoomIn': t('map.ctl.zoomIn'),
		'NavigationControl.ZoomOut': t('map.ctl.zoomOut'),
		'NavigationControl.ResetBearing': t('map.ctl.resetBearing'),
		'ScaleControl.Meters': t('unit.m'),
		'ScaleControl.Kilometers': t('unit.km')
	};
}

export function createMap(o: CreateMapOptions): maplibregl.Map {
	maplibregl.setWorkerUrl(workerUrl);
	// the operator's basemap is a pmtiles:// source: without its reader a page opened directly
	// (not after the main map) asks the browser for that URL and the CSP refuses it
	registerBasemapProtocol();
	const { basemap, basemapPmtiles, mapVersion } = o.data;
	const m = new maplibregl.Map({
		container: o.container,
		style: buildStyle({
			origin: window.location.origin,
			basemapUrl: basemap?.url,
			basemapAttribution: basemap?.attribution,
			// the operator's offline basemap (roads, buildings) under the app's layers
			vectorBasemap: basemapPmtiles,
			version: mapVersion,
			visible: WATER_ONLY,
			...o.style
		}),
		bounds: o.bounds,
		fitBoundsOptions: o.fit ?? { padding: 24, maxZoom: 15 },
		maxZoom: o.maxZoom ?? 17,
		localIdeographFontFamily: FONT_STACK.join(', '),
		// labels appear at once instead of fading in over 300 ms
		fadeDuration: 0,
		// a basemap's makers are credited; the app's own layers need no credit line
		attributionControl: basemap || basemapPmtiles ? { compact: true } : false,
		dragRotate: false,
		pitchWithRotate: false,
		locale: controlWords(o.t),
		...o.extra
	});
	m.touchZoomRotate.disableRotation();
	if (o.minFitZoom !== undefined && m.getZoom() < o.minFitZoom) m.setZoom(o.minFitZoom);
	// a handle for the browser tests, on every map (the one opened last): to find where a feature
	// is drawn and tap it there. The map holds nothing the page does not already show.
	(window as unknown as { __tonganMap?: maplibregl.Map }).__tonganMap = m;
	m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
	m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
	return m;
}
