// Overlapping hazard dots: the worse one is drawn on top, on the live map and on paper.
import { describe, expect, it } from 'vitest';
import { expression, latest } from '@maplibre/maplibre-gl-style-spec';
import { HAZARD_SORT_KEY, inDrawingOrder, SEVERITY_KEYS } from '$lib/map/hazard-order';
import { HAZARD_COLORS } from '$lib/map/HazardMap.svelte';

describe('hazard dots in drawing order', () => {
	it('draws the least severe first and the most severe last, keeping ties in order', () => {
		const pts = [
			{ id: 1, s: 'general' },
			{ id: 2, s: 'serious' },
			{ id: 3, s: 'general' },
			{ id: 4, s: 'ungraded' },
			{ id: 5, s: 'major' }
		] as const;
		expect(inDrawingOrder(pts, (p) => p.s).map((p) => p.id)).toEqual([4, 1, 3, 5, 2]);
	});

	it("gives the live map's sort key the same order, for every legend colour", () => {
		expect([...SEVERITY_KEYS].sort()).toEqual(Object.keys(HAZARD_COLORS).sort());
		const e = expression.createPropertyExpression(
			HAZARD_SORT_KEY,
			'layers[0].layout.circle-sort-key',
			latest.layout_circle['circle-sort-key'] as never
		);
		if (e.result !== 'success') throw new Error(JSON.stringify(e.value));
		const keyOf = (severity: string) =>
			e.value.evaluate({ zoom: 10 }, {
				type: 'Point',
				properties: { severity }
			} as never) as number;
		const ranks = SEVERITY_KEYS.map(keyOf);
		expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
		expect(new Set(ranks).size).toBe(SEVERITY_KEYS.length);
	});
});
