// The planning map's layer of uncovered demand, as style data: valid MapLibre layers, drawn in
// the colour its legend entry shows, one released cell per square (the level-17 cell its centre
// lies in), shaded by its released count, filtered by the reach the planner picks.
import { describe, expect, it } from 'vitest';
import { expression, featureFilter, validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { COLORS, CELL_BREAKS } from '$lib/map/colors';
import { PLANNING_LEGEND } from '$lib/map/legend';
import {
	COVERED_LAYER,
	PLAN_LAYER,
	PLAN_SOURCE,
	REACH_LAYERS,
	UNCOVERED_OPACITY,
	reachIndexOf,
	uncoveredFeatures,
	uncoveredFilter,
	uncoveredLayers
} from '$lib/map/layers/planning';
import { DEMAND_LEVEL, REACHES, type UncoveredCell } from '$lib/domain/planning';
import { tileXToLon, tileYToLat } from '$lib/geo/tiles';
import { zh } from '$lib/i18n/zh';
import { en } from '$lib/i18n/en';

const centre = (x: number, y: number) => ({
	lon: tileXToLon(x + 0.5, DEMAND_LEVEL),
	lat: tileYToLat(y + 0.5, DEMAND_LEVEL)
});

const cells: UncoveredCell[] = [
	{ ...centre(107000, 53000), n: 1, from: 1 }, // covered from 1 km
	{ ...centre(107001, 53000), n: 7, from: 2 }, // covered from 2 km
	{ ...centre(107002, 53001), n: 60, from: 3 } // no reach covers it
];

describe('the layer of uncovered demand', () => {
	it('is valid MapLibre style data', () => {
		const style = {
			version: 8 as const,
			sources: Object.fromEntries(
				Object.values(PLAN_SOURCE).map((s) => [
					s,
					{ type: 'geojson' as const, data: uncoveredFeatures(cells) }
				])
			),
			layers: [...uncoveredLayers(1), ...REACH_LAYERS, COVERED_LAYER]
		};
		expect(validateStyleMin(style as never)).toEqual([]);
	});

	it('draws the cells uncovered at the chosen reach, and none that reach covers', () => {
		const fc = uncoveredFeatures(cells);
		const shown = (i: number) => {
			const f = featureFilter(uncoveredFilter(i), 'layers[0].filter');
			return fc.features
				.filter((ft) =>
					f.filter({ zoom: 10 }, {
						type: 3,
						properties: ft.properties,
						geometry: []
					} as never)
				)
				.map((ft) => ft.properties!.n);
		};
		expect(shown(reachIndexOf(500))).toEqual([1, 7, 60]);
		expect(shown(reachIndexOf(1000))).toEqual([7, 60]);
		expect(shown(reachIndexOf(2000))).toEqual([60]);
		expect(() => reachIndexOf(750)).toThrow(RangeError);
		// both of its layers follow the same filter
		for (const l of uncoveredLayers(2)) expect(l.filter).toEqual(uncoveredFilter(2));
	});

	it('draws each released cell as the square of the level-17 cell it is, with its count', () => {
		const fc = uncoveredFeatures(cells);
		expect(fc.features).toHaveLength(3);
		const ring = (fc.features[0].geometry as GeoJSON.Polygon).coordinates[0];
		expect(ring[0]).toEqual([tileXToLon(107000, 17), tileYToLat(53001, 17)]);
		expect(ring[2]).toEqual([tileXToLon(107001, 17), tileYToLat(53000, 17)]);
		expect(fc.features.map((f) => f.properties)).toEqual(
			cells.map((c) => ({ n: c.n, from: c.from }))
		);
	});

	it('is darker where more children are uncovered, at the children cells class breaks', () => {
		const e = expression.createPropertyExpression(
			UNCOVERED_OPACITY,
			'layers[0].paint.fill-opacity',
			{
				type: 'number',
				'property-type': 'data-driven',
				expression: { interpolated: false, parameters: ['zoom', 'feature'] }
			} as never
		);
		if (e.result !== 'success') throw new Error(JSON.stringify(e.value));
		const at = (n: number) =>
			e.value.evaluate({ zoom: 10 }, { type: 3, properties: { n } } as never) as number;
		const steps = CELL_BREAKS.map(at);
		for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
		expect(at(0.5)).toBeGreaterThan(0);
		expect(at(1000)).toBeLessThanOrEqual(1);
	});

	it('has a legend entry in the colour each layer draws, named in both languages', () => {
		const byId = Object.fromEntries(PLANNING_LEGEND.map((e) => [e.id, e]));
		const [fill, line] = uncoveredLayers(0);
		expect(fill.id).toBe(PLAN_LAYER.uncovered);
		expect(byId.uncovered.swatch).toEqual({ shape: 'fill', color: COLORS.uncovered });
		expect(fill.paint?.['fill-color']).toBe(COLORS.uncovered);
		expect(line.paint?.['line-color']).toBe(COLORS.uncovered);
		expect(byId.newlyCovered.swatch.color).toBe(COVERED_LAYER.paint?.['circle-color']);
		expect(byId.reach.swatch.color).toBe(REACH_LAYERS[0].paint?.['fill-color']);
		for (const e of PLANNING_LEGEND) {
			expect(zh[e.label], e.id).toBeTruthy();
			expect(en[e.label], e.id).toBeTruthy();
			expect(zh[e.label]).not.toBe(en[e.label]);
		}
		// uncovered demand differs from the children cells' ramp and from the homes' marks
		for (const c of [...COLORS.cellRamp, COLORS.home, COLORS.station, COLORS.none])
			expect(COLORS.uncovered).not.toBe(c);
		expect(REACHES).toHaveLength(3);
	});
});
