// A count axis (the campaign dashboard's hazards found, fixed and closed) ticks at whole numbers,
// each written once, never closer than its labels need, however short the axis or small the
// range; a day axis writes a date once.
import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import { COUNT_TICK_GAP_PX, countTicks, dayEnds, spreadLabels } from '../../src/lib/charts/scales';

describe('count axis ticks', () => {
	it('are whole numbers, written once, apart, for small and large counts on any height', () => {
		for (const px of [20, 40, 60, 100, 180, 400])
			for (let max = 1; max <= 120; max++) {
				// the domain the chart uses: [0, max] made nice by d3
				const top = scaleLinear().domain([0, max]).nice().domain()[1];
				const ticks = countTicks(top, px);
				const at = scaleLinear().domain([0, top]).range([0, px]);
				const why = `max ${max} on ${px} px: ${ticks.map((t) => t.label)}`;
				expect(ticks[0]?.value, why).toBe(0);
				expect(
					ticks.every((t) => Number.isInteger(t.value) && t.label === String(t.value)),
					why
				).toBe(true);
				expect(new Set(ticks.map((t) => t.label)).size, why).toBe(ticks.length);
				expect(ticks.at(-1)!.value, why).toBeLessThanOrEqual(top);
				for (let i = 1; i < ticks.length; i++)
					expect(at(ticks[i].value) - at(ticks[i - 1].value), why).toBeGreaterThanOrEqual(
						COUNT_TICK_GAP_PX
					);
				// room for two labels: the axis says at least 0 and a figure above it
				if (px >= COUNT_TICK_GAP_PX * 2) expect(ticks.length, why).toBeGreaterThanOrEqual(2);
			}
	});

	it('use the room a tall axis has and keep a short one sparse', () => {
		expect(countTicks(1, 180).map((t) => t.label)).toEqual(['0', '1']);
		expect(countTicks(2, 180).map((t) => t.label)).toEqual(['0', '1', '2']);
		// a hazards chart 180 px high with 10 found: every other whole number, not four ticks
		expect(countTicks(10, 180).length).toBeGreaterThan(4);
		// the printed chart, shrunk: 0 and 1 no longer on top of each other
		expect(countTicks(1, 10).map((t) => t.label)).toEqual(['0']);
	});
});

describe('day axis ends', () => {
	it('write a one-day series once, and both ends only when they fit', () => {
		expect(dayEnds(0, 500, 90)).toEqual([]);
		expect(dayEnds(1, 500, 90)).toEqual([0]);
		expect(dayEnds(30, 500, 90)).toEqual([0, 29]);
		expect(dayEnds(30, 150, 90)).toEqual([0]);
	});
});

describe('end labels of lines', () => {
	it('stay apart and inside the plot, however close their figures', () => {
		// a campaign's first day: found, fixed and closed all at 0, the axis's bottom
		const zeros = spreadLabels([192, 192, 192], 14, 12, 192);
		expect(Math.max(...zeros)).toBeLessThanOrEqual(192);
		const sorted = [...zeros].sort((a, b) => a - b);
		for (let i = 1; i < sorted.length; i++)
			expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(14);
		// apart already: left where they are
		expect(spreadLabels([20, 100, 180], 14, 12, 192)).toEqual([20, 100, 180]);
		// two close at the top: the lower one moves down, the order kept
		expect(spreadLabels([12, 15, 150], 14, 12, 192)).toEqual([12, 26, 150]);
		// no room for all: spread evenly over the plot
		expect(spreadLabels([5, 5, 5], 14, 0, 20)).toEqual([0, 10, 20]);
	});
});
