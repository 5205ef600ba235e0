// The planning map's own layers (PlanningMap.svelte): each site's reach, the cells the new sites
// newly cover, and uncovered demand. Uncovered demand is drawn as the released level-17 cells
// (about 265 m) that no usable home or Sunshine Station reaches, each square shaded by its
// released count: the very cells and values the children tiles show, so the layer releases
// nothing new. Kept as data so the legend and the unit test read the same paint.
import type {
	CircleLayerSpecification,
	ExpressionSpecification,
	FillLayerSpecification,
	FilterSpecification,
	LineLayerSpecification
} from 'maplibre-gl';
import { DEMAND_LEVEL, REACHES, type UncoveredCell } from '$lib/domain/planning';
import { tileOf, tileXToLon, tileYToLat } from '$lib/geo/tiles';
import { CELL_BREAKS, COLORS } from '../colors';

export const PLAN_SOURCE = {
	reach: 'plan-reach',
	covered: 'plan-covered',
	uncovered: 'plan-uncovered'
} as const;

export const PLAN_LAYER = {
	uncovered: 'plan-uncovered',
	uncoveredLine: 'plan-uncovered-line',
	reachFill: 'plan-reach-fill',
	reachLine: 'plan-reach-line',
	covered: 'plan-covered'
} as const;

/** Opacity of an uncovered cell by its released count: the children cells' class breaks. */
export const UNCOVERED_OPACITY: ExpressionSpecification = [
	'step',
	['get', 'n'],
	0.3,
	CELL_BREAKS[1],
	0.45,
	CELL_BREAKS[2],
	0.6,
	CELL_BREAKS[3],
	0.75,
	CELL_BREAKS[4],
	0.9
];

/** The cells uncovered at REACHES[reachIndex]: those first covered at a larger reach or none. */
export function uncoveredFilter(reachIndex: number): FilterSpecification {
	return ['>', ['get', 'from'], reachIndex];
}

export function uncoveredLayers(
	reachIndex: number
): [FillLayerSpecification, LineLayerSpecification] {
	return [
		{
			id: PLAN_LAYER.uncovered,
			type: 'fill',
			source: PLAN_SOURCE.uncovered,
			filter: uncoveredFilter(reachIndex),
			paint: { 'fill-color': COLORS.uncovered, 'fill-opacity': UNCOVERED_OPACITY }
		},
		{
			id: PLAN_LAYER.uncoveredLine,
			type: 'line',
			source: PLAN_SOURCE.uncovered,
			filter: uncoveredFilter(reachIndex),
			minzoom: 12,
			paint: { 'line-color': COLORS.uncovered, 'line-width': 0.6 }
		}
	];
}

export const REACH_LAYERS: [FillLayerSpecification, LineLayerSpecification] = [
	{
		id: PLAN_LAYER.reachFill,
		type: 'fill',
		source: PLAN_SOURCE.reach,
		paint: { 'fill-color': COLORS.reach, 'fill-opacity': 0.12 }
	},
	{
		id: PLAN_LAYER.reachLine,
		type: 'line',
		source: PLAN_SOURCE.reach,
		paint: { 'line-color': COLORS.reach, 'line-width': 1.5 }
	}
];

export const COVERED_LAYER: CircleLayerSpecification = {
	id: PLAN_LAYER.covered,
	type: 'circle',
	source: PLAN_SOURCE.covered,
	paint: {
		'circle-color': COLORS.newlyCovered,
		'circle-opacity': 0.75,
		'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 7]
	}
};

/** The uncovered cells as squares (the level-17 cell each centre lies in), with n and from. */
export function uncoveredFeatures(cells: readonly UncoveredCell[]): GeoJSON.FeatureCollection {
	return {
		type: 'FeatureCollection',
		features: cells.map((c) => {
			const { x, y } = tileOf(c.lon, c.lat, DEMAND_LEVEL);
			const [w, e] = [tileXToLon(x, DEMAND_LEVEL), tileXToLon(x + 1, DEMAND_LEVEL)];
			const [n, s] = [tileYToLat(y, DEMAND_LEVEL), tileYToLat(y + 1, DEMAND_LEVEL)];
			return {
				type: 'Feature',
				geometry: {
					type: 'Polygon',
					coordinates: [
						[
							[w, s],
							[e, s],
							[e, n],
							[w, n],
							[w, s]
						]
					]
				},
				properties: { n: c.n, from: c.from }
			};
		})
	};
}

/** The index in REACHES of a reach (the map's uncovered layer offers those three). */
export function reachIndexOf(reachM: number): number {
	const i = REACHES.indexOf(reachM as (typeof REACHES)[number]);
	if (i < 0) throw new RangeError(`${reachM} m is not one of the planning reaches`);
	return i;
}
