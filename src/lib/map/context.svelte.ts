// The map, held in a Svelte context by the map root (MapView) for the parts inside it: each
// part (fitting, picking, tips, the here-marker, the residences layer, the printed sheet, the
// test hooks) reads the map from here and does its one job. The map is created in the root's
// onMount, after the parts have mounted, so parts watch `map` and start once it is there.
import { getContext, setContext } from 'svelte';
import type { LngLatLike, Map as MapLibreMap } from 'maplibre-gl';

export interface AreaTips {
	/** the unit whose tip is open */
	readonly code: string | null;
	/** Shows the tip of a unit; false when there is nothing to say about it. */
	show(code: string, at: LngLatLike, withButton: boolean): boolean;
	hide(): void;
}

export class MapContext {
	/** the map, once created (and until the root is destroyed) */
	map: MapLibreMap | undefined = $state();
	/** the style has loaded: layers can be changed */
	loaded = $state(false);
	/** the element the map is drawn in */
	container: HTMLDivElement | undefined = $state();
	/** a segment tapped on this map, so already in view: its fit only keeps it clear of panels */
	tapped: number | null = null;
	/** the subdivisions' tips, when the map has them (the picker closes or opens them) */
	tips: AreaTips | null = null;
}

const KEY = Symbol('tongan-map');

export function setMapContext(ctx: MapContext): MapContext {
	return setContext(KEY, ctx);
}

export function getMapContext(): MapContext {
	const ctx = getContext<MapContext | undefined>(KEY);
	if (!ctx) throw new Error('a map part is used outside a MapView');
	return ctx;
}
