// The still picture for paper: the area fills its frame (centred, inside the margin), north up,
// east right, and rings are closed paths.
import { describe, expect, it } from 'vitest';
import { paperFrame, paperPath, paperProject, type BBox } from '$lib/geo/paper-map';

const BBOX: BBox = [113.3, 29.6, 114.1, 30.2];

describe('paper map', () => {
	it('puts the corners of the area inside the frame, north up and east right', () => {
		const f = paperFrame(BBOX, 800);
		const [wx, sy] = paperProject(f, BBOX[0], BBOX[1]);
		const [ex, ny] = paperProject(f, BBOX[2], BBOX[3]);
		for (const v of [wx, ex]) {
			expect(v).toBeGreaterThanOrEqual(0);
			expect(v).toBeLessThanOrEqual(800);
		}
		for (const v of [sy, ny]) {
			expect(v).toBeGreaterThanOrEqual(0);
			expect(v).toBeLessThanOrEqual(f.heightPx);
		}
		expect(ex).toBeGreaterThan(wx);
		expect(sy).toBeGreaterThan(ny);
		// centred: equal room left and right, above and below
		expect(wx).toBeCloseTo(800 - ex, 5);
		expect(ny).toBeCloseTo(f.heightPx - sy, 5);
	});

	it('keeps a long thin area within its bounds of proportion', () => {
		const wide = paperFrame([113, 30, 116, 30.01], 800);
		const tall = paperFrame([113, 29, 113.01, 32], 800);
		expect(wide.heightPx).toBeGreaterThan(0.4 * 800);
		expect(tall.heightPx).toBeLessThanOrEqual(1.2 * 800);
	});

	it('draws rings closed and lines open', () => {
		const f = paperFrame(BBOX, 800);
		const ring = [
			[113.4, 29.7],
			[113.9, 29.7],
			[113.9, 30.1],
			[113.4, 29.7]
		];
		expect(paperPath(f, { type: 'Polygon', coordinates: [ring] })).toMatch(
			/^M[\d. ]+(L[\d. ]+){3}Z$/
		);
		expect(paperPath(f, { type: 'LineString', coordinates: ring.slice(0, 2) })).toMatch(
			/^M[\d. ]+L[\d. ]+$/
		);
		expect(
			paperPath(f, { type: 'MultiPolygon', coordinates: [[ring], [ring]] }).split('Z')
		).toHaveLength(3);
	});
});
