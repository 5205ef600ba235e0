// A count axis (the campaign dashboard's hazards found, fixed and closed) ticks at whole numbers.
import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import { countTicks } from '../../src/lib/charts/scales';

describe('count axis ticks', () => {
	it('are whole numbers only, for small and large counts', () => {
		for (let max = 1; max <= 60; max++) {
			// the domain the chart uses: [0, max] made nice by d3
			const top = scaleLinear().domain([0, max]).nice().domain()[1];
			const ticks = countTicks(top, 4);
			expect(
				ticks.every((v) => Number.isInteger(v)),
				`max ${max}: ${ticks}`
			).toBe(true);
			expect(ticks[0]).toBe(0);
			expect(ticks.length).toBeGreaterThanOrEqual(2);
			expect(ticks.length).toBeLessThanOrEqual(top + 1);
			expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(top);
		}
	});
	it('gives 0 and 1 when the largest count is one', () => {
		expect(countTicks(1, 4)).toEqual([0, 1]);
		expect(countTicks(2, 4)).toEqual([0, 1, 2]);
	});
});
