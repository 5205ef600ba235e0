// What each mark on the map means, as data: the map's key, the printed sheet's legend and the
// tests read the same entries, and every colour comes from colors.ts (so a legend cannot show
// a colour the style does not draw).
import type { MessageKey } from '$lib/i18n/zh';
import { CELL_BREAKS, COLORS } from './colors';
import type { LayerGroup } from './ids';

/** Kinds of child institutions on the map, in the legends' order (each has its colour). */
export const INSTITUTION_KINDS = [
	'school',
	'kindergarten',
	'welfare',
	'rescue_protection',
	'workstation'
] as const;

export type Swatch =
	| { shape: 'line'; color: string; dash: 'solid' | 'dashed' | 'dotted' }
	| { shape: 'dot'; color: string; ring?: string; big?: boolean }
	| { shape: 'bubble'; color: string }
	| { shape: 'fill'; color: string };

export interface LegendEntry {
	/** stable, for keys and tests */
	id: string;
	label: MessageKey;
	swatch: Swatch;
	/** the layer group whose switch shows it; 'residences' only when exact homes are shown */
	group: LayerGroup | 'residences';
}

export const SEGMENT_LEGEND: readonly LegendEntry[] = [
	{
		id: 'complete',
		label: 'legend.complete',
		swatch: { shape: 'line', color: COLORS.complete, dash: 'solid' },
		group: 'waterways'
	},
	{
		id: 'partial',
		label: 'legend.partial',
		swatch: { shape: 'line', color: COLORS.partial, dash: 'dashed' },
		group: 'waterways'
	},
	{
		id: 'none',
		label: 'legend.none',
		swatch: { shape: 'line', color: COLORS.none, dash: 'dotted' },
		group: 'waterways'
	}
];

export const HOMES_LEGEND: readonly LegendEntry[] = [
	{
		id: 'home',
		label: 'layers.homes',
		swatch: { shape: 'dot', color: COLORS.home },
		group: 'homes'
	},
	{
		id: 'homeUndersized',
		label: 'detail.areaBelow',
		swatch: { shape: 'dot', color: COLORS.home, ring: COLORS.homeUndersized },
		group: 'homes'
	}
];

export const STATION_LEGEND: LegendEntry = {
	id: 'station',
	label: 'layers.stations',
	swatch: { shape: 'dot', color: COLORS.station, big: true },
	group: 'stations'
};

export const INSTITUTION_LEGEND: readonly LegendEntry[] = INSTITUTION_KINDS.map((k) => ({
	id: k,
	label: `inst.${k}` as const,
	swatch: { shape: 'dot', color: COLORS[k] },
	group: 'institutions'
}));

/** Village count bubbles: faded where exact homes are shown (see layers/children.ts). */
export const VILLAGE_COUNT_LEGEND: LegendEntry = {
	id: 'villageCounts',
	label: 'legend.villageCounts',
	swatch: { shape: 'bubble', color: COLORS.cellRamp[2] },
	group: 'children'
};

export const CELL_LEGEND: readonly LegendEntry[] = CELL_BREAKS.map((_, i) => ({
	id: `cell${i}`,
	label: 'legend.cells',
	swatch: { shape: 'fill', color: COLORS.cellRamp[i] },
	group: 'children'
}));

/** A child's exact home: only on a map that shows them. */
export const RESIDENCE_LEGEND: LegendEntry = {
	id: 'residence',
	label: 'legend.residence',
	swatch: { shape: 'dot', color: COLORS.residence, ring: COLORS.residenceRing },
	group: 'residences'
};

/**
 * The legend of a map: the entries of the groups it shows, in the order the panel lists them
 * (the cell ramp is drawn as one row of its own, so it is not among these).
 */
export function legendEntries(
	shown: Partial<Record<LayerGroup | 'residences', boolean>>
): LegendEntry[] {
	const all: LegendEntry[] = [
		...SEGMENT_LEGEND,
		...HOMES_LEGEND,
		STATION_LEGEND,
		...INSTITUTION_LEGEND,
		VILLAGE_COUNT_LEGEND,
		RESIDENCE_LEGEND
	];
	return all.filter((e) => shown[e.group]);
}

/** An entry of the planning map's key (its layers are toggled on the page, not by group). */
export interface PlanningLegendEntry {
	id: 'uncovered' | 'newlyCovered' | 'reach';
	label: MessageKey;
	swatch: Swatch;
}

/** The planning map's own marks (layers/planning.ts), in the key's order. */
export const PLANNING_LEGEND: readonly PlanningLegendEntry[] = [
	{
		id: 'uncovered',
		label: 'legend.uncovered',
		swatch: { shape: 'fill', color: COLORS.uncovered }
	},
	{
		id: 'newlyCovered',
		label: 'legend.newlyCovered',
		swatch: { shape: 'dot', color: COLORS.newlyCovered }
	},
	{ id: 'reach', label: 'legend.reach', swatch: { shape: 'fill', color: COLORS.reach } }
];
