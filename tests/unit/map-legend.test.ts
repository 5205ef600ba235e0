import { describe, expect, it } from 'vitest';
import { expression, latest } from '@maplibre/maplibre-gl-style-spec';
import { COLORS, SEGMENT_STATE_COLORS } from '$lib/map/colors';
import { LAYER } from '$lib/map/ids';
import {
	legendEntries,
	RESIDENCE_LEGEND,
	SEGMENT_LEGEND,
	VILLAGE_COUNT_LEGEND
} from '$lib/map/legend';
import { VILLAGE_COUNTS_GONE_ZOOM, villageCountPaint } from '$lib/map/layers/children';
import { RESIDENCES_LAYER } from '$lib/map/layers/residences';
import { buildStyle } from '$lib/map/style';
import { MIN_ZOOM } from '$lib/domain/tile-contract';
import { zh } from '$lib/i18n/zh';
import { en } from '$lib/i18n/en';

/** A paint value at a zoom, as MapLibre evaluates it. */
function at(value: unknown, spec: unknown, zoom: number): number {
	const e = expression.createPropertyExpression(value, 'test', spec as never);
	if (e.result !== 'success') throw new Error(JSON.stringify(e.value));
	return e.value.evaluate({ zoom }) as number;
}

/** A colour's red, green and blue. */
function rgb(hex: string): [number, number, number] {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
const distance = (a: string, b: string) => Math.hypot(...rgb(a).map((v, i) => v - rgb(b)[i]));

describe("a child's exact home on the map", () => {
	it('has a colour of its own, far from every segment state (it was the "none" magenta)', () => {
		expect(RESIDENCES_LAYER.paint?.['circle-color']).toBe(COLORS.residence);
		for (const c of SEGMENT_STATE_COLORS)
			expect(distance(COLORS.residence, c)).toBeGreaterThan(150);
	});

	it('differs from every other colour the map draws a mark in', () => {
		const others = Object.entries(COLORS).filter(
			([k, v]) => typeof v === 'string' && !k.startsWith('residence') && k !== 'background'
		) as [string, string][];
		for (const c of [...others.map(([, v]) => v), ...COLORS.cellRamp])
			expect(distance(COLORS.residence, c), c).toBeGreaterThan(80);
	});

	it('is ringed in white so a dark dot reads on a dark line or a bubble', () => {
		expect(RESIDENCES_LAYER.paint?.['circle-stroke-color']).toBe(COLORS.residenceRing);
		expect(distance(COLORS.residence, COLORS.residenceRing)).toBeGreaterThan(350);
		const width = RESIDENCES_LAYER.paint?.['circle-stroke-width'];
		expect(at(width, latest.paint_circle['circle-stroke-width'], 10)).toBeGreaterThanOrEqual(1.5);
	});
});

describe('village count bubbles where exact homes are shown', () => {
	const spec = latest.paint_circle['circle-opacity'];
	const textSpec = latest.paint_symbol['text-opacity'];
	const plain = villageCountPaint(false);
	const under = villageCountPaint(true);

	it('start as the style draws them', () => {
		const style = buildStyle({ origin: 'http://x' });
		const bubble = style.layers.find((l) => l.id === LAYER.villageCounts) as { paint: unknown };
		const count = style.layers.find((l) => l.id === LAYER.villageCountLabels) as {
			paint: unknown;
		};
		expect(bubble.paint).toEqual(plain.bubble);
		expect(count.paint).toEqual(plain.count);
	});

	it('fade as the map closes in, and are gone where the homes can be read', () => {
		const z0 = MIN_ZOOM.villageCounts;
		expect(at(under.bubble['circle-opacity'], spec, z0)).toBeLessThan(
			at(plain.bubble['circle-opacity'], spec, z0)
		);
		expect(at(under.bubble['circle-opacity'], spec, z0 + 1)).toBeLessThan(
			at(under.bubble['circle-opacity'], spec, z0)
		);
		expect(at(under.bubble['circle-opacity'], spec, VILLAGE_COUNTS_GONE_ZOOM)).toBe(0);
		expect(at(under.count['text-opacity'], textSpec, VILLAGE_COUNTS_GONE_ZOOM)).toBe(0);
		expect(at(under.bubble['circle-stroke-opacity'], spec, VILLAGE_COUNTS_GONE_ZOOM)).toBe(0);
		// without homes nothing fades
		expect(at(plain.bubble['circle-opacity'], spec, 16)).toBeGreaterThan(0.5);
		expect(at(plain.count['text-opacity'], textSpec, 16)).toBe(1);
	});

	it('change only paint, so no tile is parsed again when homes are shown', () => {
		for (const k of [...Object.keys(under.bubble), ...Object.keys(under.count)])
			expect(k in latest.paint_circle || k in latest.paint_symbol, k).toBe(true);
	});
});

describe('the legend', () => {
	it('has an entry for exact homes and for village counts, in both languages', () => {
		const all = legendEntries({
			waterways: true,
			homes: true,
			stations: true,
			institutions: true,
			children: true,
			residences: true
		});
		expect(all).toContainEqual(RESIDENCE_LEGEND);
		expect(all).toContainEqual(VILLAGE_COUNT_LEGEND);
		for (const e of all) {
			expect(zh[e.label], e.id).toBeTruthy();
			expect(en[e.label], e.id).toBeTruthy();
		}
		expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
	});

	it('shows exact homes only on a map that shows them', () => {
		expect(legendEntries({ waterways: true })).toEqual([...SEGMENT_LEGEND]);
		expect(legendEntries({ waterways: true, residences: false })).not.toContainEqual(
			RESIDENCE_LEGEND
		);
	});

	it('draws each segment state in the colour the style gives it, and homes in theirs', () => {
		expect(SEGMENT_LEGEND.map((e) => e.swatch.color)).toEqual([...SEGMENT_STATE_COLORS]);
		expect(RESIDENCE_LEGEND.swatch).toEqual({
			shape: 'dot',
			color: COLORS.residence,
			ring: COLORS.residenceRing
		});
		const style = JSON.stringify(buildStyle({ origin: 'http://x' }));
		for (const c of SEGMENT_STATE_COLORS) expect(style).toContain(c);
		expect(style).toContain(VILLAGE_COUNT_LEGEND.swatch.color);
	});
});
