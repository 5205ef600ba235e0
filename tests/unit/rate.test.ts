import { describe, expect, it } from 'vitest';
import { areaTip, bandLabels, formatRate, formatRatePct, rateOf } from '$lib/charts/rate';
import { translator } from '$lib/i18n';
import { RATE_BANDS, rateColor } from '$lib/map/colors';

const zh = translator('zh-CN');
const en = translator('en');

describe("the dashboard map's tip", () => {
	it('writes a rate as the bars do, with the counts behind it', () => {
		expect(formatRate({ complete: 10, required: 33 }, zh)).toBe('30.3%（10/33）');
		expect(formatRate({ complete: 10, required: 33 }, en)).toBe('30.3% (10/33)');
		expect(formatRate({ complete: 8, required: 8 }, zh)).toBe('100.0%（8/8）');
	});

	it('says so when no segment needs the items, instead of 0%', () => {
		expect(rateOf({ complete: 0, required: 0 })).toBe(0);
		expect(formatRate({ complete: 0, required: 0 }, zh)).toBe('无需配备河段');
		expect(formatRate({ complete: 0, required: 0 }, en)).toBe('no segment needs items');
	});

	it('names the township and labels its rate', () => {
		expect(areaTip({ name: '螺山镇', complete: 10, required: 33 }, zh)).toEqual({
			title: '螺山镇',
			text: '配齐率：30.3%（10/33）'
		});
		expect(areaTip({ name: '螺山镇', complete: 10, required: 33 }, en)).toEqual({
			title: '螺山镇',
			text: 'Completion: 30.3% (10/33)'
		});
	});
});

describe('the rate legend', () => {
	it('labels the three bands, highest first', () => {
		expect(bandLabels()).toEqual(['≥80%', '40–79.9%', '<40%']);
	});

	it('matches the colours the map and bars use', () => {
		const labels = bandLabels();
		expect(labels).toHaveLength(RATE_BANDS.length);
		expect(rateColor(0.8)).toBe(RATE_BANDS[0].color);
		expect(rateColor(0.79)).toBe(RATE_BANDS[1].color);
		expect(rateColor(0.39)).toBe(RATE_BANDS[2].color);
	});

	it('follows other bands', () => {
		expect(bandLabels([{ min: 0.9 }, { min: 0.5 }, { min: 0.2 }, { min: 0 }])).toEqual([
			'≥90%',
			'50–89.9%',
			'20–49.9%',
			'<20%'
		]);
	});
});

describe('a rate and its colour agree (QA walk 3, bug 6)', () => {
	it('writes a rate to a tenth of a percent', () => {
		expect(formatRatePct(15044 / 37984)).toBe('39.6%');
		expect(formatRatePct(0.4)).toBe('40.0%');
		expect(formatRatePct(0)).toBe('0.0%');
		expect(formatRatePct(1)).toBe('100.0%');
	});

	it('colours a rate by the band of the figure written', () => {
		// 黄冈市 39.6 %: written 39.6%, coloured <40% (it was written "40%")
		expect(formatRatePct(2299 / 5807)).toBe('39.6%');
		expect(rateColor(2299 / 5807)).toBe(RATE_BANDS[2].color);
		// just below a band's edge but written as the edge: the edge's colour
		for (const [v, band] of [
			[0.39996, 1],
			[0.79951, 0],
			[0.3994, 2],
			[0.7994, 1]
		] as const) {
			const shown = Number(formatRatePct(v).replace('%', '')) / 100;
			expect(shown >= RATE_BANDS[band].min, `${v}`).toBe(true);
			expect(rateColor(v), `${v}`).toBe(RATE_BANDS[band].color);
		}
	});
});
