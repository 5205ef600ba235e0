// The drawn area's check, shared by the browser and the server: the reasons it refuses a ring.
import { describe, expect, it } from 'vitest';
import { checkPlaceRing, closeRing } from '../../src/lib/geo/place';

const square = (w: number, s: number, d: number): [number, number][] => [
	[w, s],
	[w + d, s],
	[w + d, s + d],
	[w, s + d],
	[w, s]
];

describe('checkPlaceRing', () => {
	it('accepts a closed simple ring in Hubei and gives its area on the sphere', () => {
		const r = checkPlaceRing(square(113.5, 29.8, 0.01));
		expect(r.ok).toBe(true);
		// 0.01° is about 1,113 m north–south and 965 m east–west at 29.8°N
		if (r.ok) expect(r.areaM2).toBeGreaterThan(1.0e6);
		if (r.ok) expect(r.areaM2).toBeLessThan(1.2e6);
	});
	it('refuses each bad ring for its own reason', () => {
		expect(checkPlaceRing('POLYGON')).toEqual({ ok: false, problem: 'shape' });
		expect(checkPlaceRing([[113, 29, 1]])).toEqual({ ok: false, problem: 'shape' });
		expect(checkPlaceRing(square(113.5, 29.8, 0.01).slice(0, 4))).toEqual({
			ok: false,
			problem: 'closed'
		});
		expect(
			checkPlaceRing([
				[113.5, 29.8],
				[113.6, 29.9],
				[113.6, 29.8],
				[113.5, 29.9],
				[113.5, 29.8]
			])
		).toEqual({ ok: false, problem: 'kinks' });
		expect(checkPlaceRing(square(113.5, 29.8, 0.0001))).toEqual({ ok: false, problem: 'small' });
		expect(checkPlaceRing(square(110, 29.5, 3))).toEqual({ ok: false, problem: 'large' });
		expect(checkPlaceRing(square(29.8, 113.5, 0.01))).toEqual({
			ok: false,
			problem: 'coordinates'
		});
		expect(
			checkPlaceRing([
				[113.5, 29.8],
				[113.6, 29.8],
				[113.5, 29.8],
				[113.5, 29.8]
			])
		).toEqual({ ok: false, problem: 'vertices' });
	});
	it('closes an open ring once', () => {
		const open: [number, number][] = [
			[113.5, 29.8],
			[113.6, 29.8],
			[113.6, 29.9]
		];
		expect(closeRing(open)).toEqual([...open, [113.5, 29.8]]);
		expect(closeRing(closeRing(open))).toEqual([...open, [113.5, 29.8]]);
	});
});
