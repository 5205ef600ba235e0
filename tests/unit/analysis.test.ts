// The analysis kernel against brute force: every index shortcut (grids, the local-plane
// estimate with its margin) must give exactly what testing every pair exactly gives, and the
// exact spherical distances must match Turf's great-circle distances.
import { describe, expect, it } from 'vitest';
import { pointToLineDistance, lineString, point } from '@turf/turf';
import {
	buildEdgeGrid,
	buildKindGrid,
	buildPointGrid
} from '../../src/lib/server/analysis/kernel/grids.mjs';
import { countPerShape, markNear } from '../../src/lib/server/analysis/kernel/near.mjs';
import { nearestShape } from '../../src/lib/server/analysis/kernel/nearest.mjs';
import { codeRange, prefixSlice } from '../../src/lib/server/analysis/kernel/prefix.mjs';
import { measureRule } from '../../src/lib/server/analysis/kernel/rule.mjs';
import { pointEdgeMeters, pointShapeMeters } from '../../src/lib/server/analysis/kernel/sphere.mjs';
import { residencesFromWkb, shapesFromWkb } from '../../src/lib/server/analysis/kernel/wkb.mjs';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

/** a compact synthetic area near 洪湖 with clustered residences and short polylines */
function fixture(seed = 7) {
	const r = rng(seed);
	const n = 3000;
	const lon = new Float64Array(n),
		lat = new Float64Array(n),
		id = new Float64Array(n),
		code = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const cluster = Math.floor(r() * 12);
		lon[i] = 113.3 + (cluster % 4) * 0.03 + r() * 0.02;
		lat[i] = 29.8 + Math.floor(cluster / 4) * 0.03 + r() * 0.02;
		id[i] = i + 1;
		code[i] = 421083100000 + Math.floor(i / 1000) * 1000 + (i % 7);
	}
	const segs = 150;
	const start = new Int32Array(segs + 1);
	const xs: number[] = [],
		ys: number[] = [];
	for (let s = 0; s < segs; s++) {
		start[s] = xs.length;
		const nv = s % 10 === 0 ? 1 : 2 + Math.floor(r() * 4);
		let x = 113.28 + r() * 0.16,
			y = 29.78 + r() * 0.12;
		for (let v = 0; v < nv; v++) {
			xs.push(x);
			ys.push(y);
			x += (r() - 0.5) * 0.01;
			y += (r() - 0.5) * 0.01;
		}
	}
	start[segs] = xs.length;
	const shapes = {
		start,
		x: Float64Array.from(xs),
		y: Float64Array.from(ys),
		id: Float64Array.from({ length: segs }, (_, i) => 1000 + i),
		code: Float64Array.from({ length: segs }, (_, i) => 421083100000 + (i % 3) * 1000),
		flag: Uint8Array.from({ length: segs }, (_, i) => (i % 3 === 0 ? 1 : 0))
	};
	return { points: { lon, lat, id, code }, shapes };
}

describe('analysis kernel', () => {
	it('measures point-to-edge great-circle metres like Turf', () => {
		const r = rng(3);
		for (let k = 0; k < 200; k++) {
			const a: [number, number] = [112 + r(), 30 + r()];
			const b: [number, number] = [a[0] + (r() - 0.5) * 0.02, a[1] + (r() - 0.5) * 0.02];
			const p: [number, number] = [a[0] + (r() - 0.5) * 0.05, a[1] + (r() - 0.5) * 0.05];
			const turf = pointToLineDistance(point(p), lineString([a, b]), {
				units: 'meters',
				method: 'geodesic'
			});
			expect(Math.abs(pointEdgeMeters(p[0], p[1], a[0], a[1], b[0], b[1]) - turf)).toBeLessThan(
				0.01
			);
		}
	});

	it('finds exactly the pairs brute force finds, at 500 m and 1 km', () => {
		const { points, shapes } = fixture();
		const grid = buildPointGrid(points, 0.01);
		for (const radius of [500, 1000]) {
			const mark = markNear(
				points,
				grid,
				shapes,
				radius,
				0,
				points.lon.length,
				(i) => shapes.flag[i] === 1
			);
			for (let q = 0; q < points.lon.length; q++) {
				let near = 0;
				for (let s = 0; s < shapes.id.length; s++)
					if (
						shapes.flag[s] === 1 &&
						pointShapeMeters(shapes, s, points.lon[q], points.lat[q]) <= radius
					)
						near = 1;
				expect(mark[q]).toBe(near);
			}
		}
	});

	it('measures the rule per kind and finds the nearest of all kinds, like brute force, on long winding shapes', () => {
		const { points } = fixture(13);
		// meandering channels of 40–90 vertices ~25 m apart: many chunks per shape, and bends
		// that bring a later chunk nearer to a point than the chunk that found it first
		const r = rng(17);
		const xs: number[] = [];
		const ys: number[] = [];
		const start: number[] = [];
		for (let s = 0; s < 40; s++) {
			start.push(xs.length);
			let x = 113.3 + r() * 0.1;
			let y = 29.8 + r() * 0.08;
			let heading = r() * Math.PI * 2;
			const nv = 40 + Math.floor(r() * 50);
			for (let v = 0; v < nv; v++) {
				xs.push(x);
				ys.push(y);
				heading += (r() - 0.5) * 0.9;
				x += Math.cos(heading) * 0.00026;
				y += Math.sin(heading) * 0.00022;
			}
		}
		start.push(xs.length);
		const shapes = {
			start: Int32Array.from(start),
			x: Float64Array.from(xs),
			y: Float64Array.from(ys),
			id: Float64Array.from({ length: 40 }, (_, i) => i + 1),
			code: new Float64Array(40),
			flag: new Uint8Array(40)
		};
		// three kinds: most points kind 0, a few of kinds 1 and 2; a kind-2 and a kind-1 point
		// lie on a vertex of the first shape, so its nearest is a tie that must go to kind 1
		const kinds = 3;
		const n = points.lon.length;
		const kindOf = Uint8Array.from({ length: n }, () => (r() < 0.9 ? 0 : r() < 0.5 ? 1 : 2));
		kindOf[0] = 2;
		kindOf[1] = 1;
		for (const q of [0, 1]) {
			points.lon[q] = xs[start[0] + 5];
			points.lat[q] = ys[start[0] + 5];
		}
		const { grid, kindOf: bySlot } = buildKindGrid(points.lon, points.lat, kindOf);
		const which = Int32Array.from({ length: 40 }, (_, i) => i);
		let found = 0;
		for (const radius of [150, 500]) {
			const m = measureRule(grid, bySlot, kinds, shapes, which, radius);
			for (let s = 0; s < 40; s++) {
				const want = [0, 0, 0];
				let best = Infinity;
				let bestKind = -1;
				for (let q = 0; q < n; q++) {
					const d = pointShapeMeters(shapes, s, points.lon[q], points.lat[q]);
					if (d > radius) continue;
					want[kindOf[q]]++;
					if (d < best || (d === best && kindOf[q] < bestKind)) {
						best = d;
						bestKind = kindOf[q];
					}
				}
				expect(Array.from(m.count.subarray(s * kinds, s * kinds + kinds))).toEqual(want);
				expect(m.nearest[s]).toBe(best);
				expect(m.nearestKind[s]).toBe(bestKind);
				found += want[0] + want[1] + want[2];
			}
			// the planted tie: both points on the first shape, kind 1 wins over kind 2
			expect(m.nearest[0]).toBeLessThan(1e-3);
			expect(m.nearestKind[0]).toBe(1);
		}
		expect(found).toBeGreaterThan(500);
	});

	it('counts per shape and scopes by code prefix like brute force', () => {
		const { points, shapes } = fixture(11);
		const grid = buildPointGrid(points);
		const { from, to } = prefixSlice(points.code, '421083101');
		expect(to - from).toBe(1000);
		const { lo, hi } = codeRange('421083101');
		const { ids, counts } = countPerShape(grid, shapes, 500, from, to, lo, hi);
		expect(ids.length).toBe(50);
		ids.forEach((sid, j) => {
			const s = sid - 1000;
			let n = 0;
			for (let q = from; q < to; q++)
				if (pointShapeMeters(shapes, s, points.lon[q], points.lat[q]) <= 500) n++;
			expect(counts[j]).toBe(n);
		});
	});

	it('finds the nearest shape of every point like brute force', () => {
		const { points, shapes } = fixture(5);
		const { dist } = nearestShape(
			points,
			shapes,
			buildEdgeGrid(shapes, 0.005),
			buildPointGrid(points, 0.004),
			0,
			points.lon.length
		);
		for (let q = 0; q < points.lon.length; q += 7) {
			let best = Infinity;
			for (let s = 0; s < shapes.id.length; s++)
				best = Math.min(best, pointShapeMeters(shapes, s, points.lon[q], points.lat[q]));
			expect(Math.abs(dist[q] - best)).toBeLessThan(1e-6);
		}
	});

	it('decodes ISO WKB collections with z and m', () => {
		// MultiPoint ZM with two points, little endian
		const buf = new ArrayBuffer(9 + 2 * (5 + 32));
		const v = new DataView(buf);
		v.setUint8(0, 1);
		v.setUint32(1, 3004, true);
		v.setUint32(5, 2, true);
		[
			[113, 30, 7, 421083100200],
			[114, 31, 9, 421083100201]
		].forEach((c, i) => {
			const o = 9 + i * 37;
			v.setUint8(o, 1);
			v.setUint32(o + 1, 3001, true);
			c.forEach((x, k) => v.setFloat64(o + 5 + k * 8, x, true));
		});
		const p = residencesFromWkb(new Uint8Array(buf));
		expect(Array.from(p.id)).toEqual([7, 9]);
		expect(Array.from(p.code)).toEqual([421083100200, 421083100201]);
		expect(Array.from(p.lat)).toEqual([30, 31]);
		expect(shapesFromWkb(null).id.length).toBe(0);
	});
});
