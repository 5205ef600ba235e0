// What a click or tap on the map picks, from the features under it. Pure: the picker component
// queries the map and acts, this decides.
import { LAYER } from './ids';

export interface MapPick {
	kind: 'waterway' | 'home' | 'station' | 'institution' | 'area';
	id?: number;
	code?: string;
}

/** A rendered feature as the map returns it, as far as picking reads it. */
export interface Hit {
	layer: { id: string };
	id?: string | number;
	properties: Record<string, unknown>;
}

/** The layers a click can pick from, first come first: a place over a segment over an area. */
export const CLICKABLE = [
	LAYER.stations,
	LAYER.institutions,
	LAYER.homes,
	LAYER.villageCounts,
	LAYER.waterwaysHit,
	LAYER.adminFill
] as const;

/** Pixels around the pointer a tap may miss a feature by (a finger is not a pixel). */
export const PICK_PAD = 6;

/** The administrative unit among the hits that a click drills into (of drillLevel), if any. */
export function unitCode(hits: Hit[], drillLevel: string | null): string | null {
	const f = hits.find((h) => h.layer.id === LAYER.adminFill && h.properties.level === drillLevel);
	return f ? String(f.properties.code) : null;
}

export interface PickContext {
	/** the level of the units a click opens */
	drillLevel: string | null;
	/** the unit right under the pointer (what its tip names), found on the exact point */
	unitUnderPointer: string | null;
	/** a child's exact home is under the pointer */
	onResidence: boolean;
	/** a tap on a screen without hover first shows a unit's tip, when the map has tips */
	tipFirst: boolean;
	/** the unit whose tip was open when the tap came */
	shownTip: string | null;
}

export interface Picked {
	pick: MapPick;
	/** show the unit's tip instead, if there is one to show (a first tap on a touch screen) */
	tipFirst: boolean;
}

/** What a click picks among the features near it (in CLICKABLE's order); null for nothing. */
export function pickFrom(hits: Hit[], c: PickContext): Picked | null {
	// a child's home is not a way into the village around it: a tap on one does nothing (what
	// the dot is shows in the panel that put it there)
	if (c.onResidence) return null;
	for (const layerId of CLICKABLE) {
		const f = hits.find((h) => h.layer.id === layerId);
		if (!f) continue;
		const id = typeof f.id === 'number' ? f.id : undefined;
		const place = (kind: MapPick['kind']): Picked => ({ pick: { kind, id }, tipFirst: false });
		if (layerId === LAYER.stations && id) return place('station');
		if (layerId === LAYER.institutions && id) return place('institution');
		if (layerId === LAYER.homes && id) return place('home');
		if (layerId === LAYER.waterwaysHit && id) return place('waterway');
		if (layerId === LAYER.villageCounts)
			return { pick: { kind: 'area', code: String(f.properties.code) }, tipFirst: false };
		if (layerId === LAYER.adminFill) {
			// the unit right under the pointer, else one near it
			const code = c.unitUnderPointer ?? unitCode(hits, c.drillLevel);
			if (!code) continue;
			return {
				pick: { kind: 'area', code },
				tipFirst: c.tipFirst && c.shownTip !== code
			};
		}
	}
	return null;
}
