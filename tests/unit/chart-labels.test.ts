import { describe, expect, it } from 'vitest';
import { barLabelLayout, LABEL_GAP_PX, textWidthPx } from '$lib/charts/scales';

// the province's completion bars (QA walk 3, bug 3): the longest prefecture name and the
// widest value, which fixed margins of 118 and 96 px cut
const NAMES = ['武汉市', '恩施土家族苗族自治州', '省直辖县级行政区划'];
const VALUES = [
	{ full: '39% (1,533/3,895)', short: '39%' },
	{ full: '40% (2,299/5,807)', short: '40%' },
	{ full: '39% (1,293/3,320)', short: '39%' }
];

describe('text widths', () => {
	it('counts a Chinese character as a whole em and a digit as less', () => {
		expect(textWidthPx('恩施土家族苗族自治州', 12)).toBe(120);
		expect(textWidthPx('1234', 10)).toBe(24);
		expect(textWidthPx('39% (1,533/3,895)', 12)).toBeGreaterThan(96 - LABEL_GAP_PX);
	});
});

describe('bar chart margins', () => {
	it('fit the longest name and value on a desktop', () => {
		const l = barLabelLayout({
			width: 640,
			fontPx: 12,
			names: NAMES,
			values: VALUES,
			minPlotPx: 100
		});
		expect(l.short).toBe(false);
		expect(l.names).toEqual(NAMES);
		// the names end LABEL_GAP_PX before the bars and start inside the drawing
		expect(l.left - LABEL_GAP_PX - textWidthPx(NAMES[1], 12)).toBeGreaterThanOrEqual(0);
		for (const v of VALUES)
			expect(640 - l.right + LABEL_GAP_PX + textWidthPx(v.full, 12)).toBeLessThanOrEqual(640);
		expect(640 - l.left - l.right).toBeGreaterThanOrEqual(100);
	});

	it('leave the bars room on a phone by writing the values short, still inside', () => {
		const width = 300; // the narrowest chart drawn (a 390 px phone less the page's padding is wider)
		const l = barLabelLayout({ width, fontPx: 12, names: NAMES, values: VALUES, minPlotPx: 100 });
		expect(l.short).toBe(true);
		for (const n of l.names)
			expect(l.left - LABEL_GAP_PX - textWidthPx(n, 12)).toBeGreaterThanOrEqual(0);
		for (const v of VALUES)
			expect(width - l.right + LABEL_GAP_PX + textWidthPx(v.short, 12)).toBeLessThanOrEqual(width);
		expect(l.names).toEqual(NAMES);
		expect(width - l.left - l.right).toBeGreaterThanOrEqual(60);
	});

	it('cut a name too long for a third of the chart, with an ellipsis', () => {
		const l = barLabelLayout({
			width: 300,
			fontPx: 12,
			names: ['一二三四五六七八九十一二三四五六七'],
			values: [{ full: '1%', short: '1%' }],
			minPlotPx: 100
		});
		expect(l.names[0].endsWith('…')).toBe(true);
		expect(l.left).toBeLessThanOrEqual(100);
		expect(l.left - LABEL_GAP_PX).toBeGreaterThanOrEqual(textWidthPx(l.names[0], 12));
	});
});
