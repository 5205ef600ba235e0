// The siting kernel against brute force: its cover sets against every pair measured with Turf,
// lazy greedy against plain greedy, greedy + swap against the true optimum found by trying
// every set of k candidates, and the HiGHS MIP used elsewhere as the exact reference against
// the same brute force.
import { describe, expect, it } from 'vitest';
import { distance, point } from '@turf/turf';
import {
	coverSets,
	coverageByReach,
	coveredWeight,
	firstReach,
	lazyGreedy,
	solveSiting
} from '../../src/lib/server/analysis/kernel/coverage.mjs';
import { haversineMeters } from '../../src/lib/server/analysis/kernel/sphere.mjs';
import { exactCoverage } from '../support/mclp';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

/** clustered weighted demand and scattered candidates around 洪湖 (about 10 × 10 km) */
function instance(seed: number, n: number, m: number, f = 2) {
	const r = rng(seed);
	const pts = (count: number, spread: number) => {
		const lon = new Float64Array(count);
		const lat = new Float64Array(count);
		for (let i = 0; i < count; i++) {
			const cluster = Math.floor(r() * 6);
			lon[i] = 113.45 + (cluster % 3) * 0.03 + (r() - 0.5) * spread;
			lat[i] = 29.8 + Math.floor(cluster / 3) * 0.03 + (r() - 0.5) * spread;
		}
		return { lon, lat };
	};
	const d = pts(n, 0.04);
	const w = Float64Array.from({ length: n }, () => 1 + Math.floor(r() * 9));
	return { demand: { ...d, w }, candidates: pts(m, 0.06), fixed: pts(f, 0.06) };
}

const km = (a: [number, number], b: [number, number]) =>
	distance(point(a), point(b), { units: 'kilometers' }) * 1000;

/** every set of k of m candidates */
function* subsets(m: number, k: number, from = 0, acc: number[] = []): Generator<number[]> {
	if (acc.length === k) return yield acc.slice();
	for (let j = from; j < m; j++) {
		acc.push(j);
		yield* subsets(m, k, j + 1, acc);
		acc.pop();
	}
}

function coverOf(sets: { start: Int32Array; idx: Int32Array }, j: number): number[] {
	return Array.from(sets.idx.subarray(sets.start[j], sets.start[j + 1]));
}

describe('siting kernel', () => {
	it('covers exactly the demand Turf measures within the radius', () => {
		const { demand, candidates } = instance(1, 600, 40);
		for (const radius of [300, 1000, 2500]) {
			const sets = coverSets(demand, candidates, radius);
			for (let j = 0; j < 40; j++) {
				const want: number[] = [];
				for (let i = 0; i < 600; i++)
					if (km([candidates.lon[j], candidates.lat[j]], [demand.lon[i], demand.lat[i]]) <= radius)
						want.push(i);
				expect(coverOf(sets, j)).toEqual(want);
			}
		}
	});

	it('finds the first reach within which a site lies exactly as a distance to every site does, at any latitude and on the reach itself', () => {
		const reaches = [500, 1000, 2000];
		for (const [seed, lat0] of [
			[11, 0],
			[12, 30.5],
			[13, 45],
			[14, 61],
			[15, -72]
		] as const) {
			const r = rng(seed);
			const m = 60;
			const sites = {
				lon: Float64Array.from({ length: m }, () => 113 + r() * 0.3),
				lat: Float64Array.from({ length: m }, () => lat0 + r() * 0.15)
			};
			// random points, and points a hair inside or outside a reach of some site (the plane's
			// estimate cannot tell those: only the exact distance can)
			const lon: number[] = [];
			const lat: number[] = [];
			for (let i = 0; i < 1500; i++) {
				lon.push(112.97 + r() * 0.36);
				lat.push(lat0 - 0.03 + r() * 0.21);
			}
			for (let i = 0; i < 1500; i++) {
				const j = Math.floor(r() * m);
				const d = reaches[i % 3] + (r() - 0.5) * 2e-3;
				const b = r() * 2 * Math.PI;
				const a = d / 6_371_008.8;
				const p1 = (sites.lat[j] * Math.PI) / 180;
				const l1 = (sites.lon[j] * Math.PI) / 180;
				const p2 = Math.asin(Math.sin(p1) * Math.cos(a) + Math.cos(p1) * Math.sin(a) * Math.cos(b));
				const l2 =
					l1 +
					Math.atan2(
						Math.sin(b) * Math.sin(a) * Math.cos(p1),
						Math.cos(a) - Math.sin(p1) * Math.sin(p2)
					);
				lon.push((l2 * 180) / Math.PI);
				lat.push((p2 * 180) / Math.PI);
			}
			const points = { lon: Float64Array.from(lon), lat: Float64Array.from(lat) };
			const got = firstReach(points, sites, reaches);
			let near = 0;
			for (let i = 0; i < lon.length; i++) {
				let best = Infinity;
				for (let j = 0; j < m; j++)
					best = Math.min(best, haversineMeters(sites.lon[j], sites.lat[j], lon[i], lat[i]));
				const want = reaches.findIndex((x) => best <= x);
				expect(got[i], `point ${i} at ${best} m`).toBe(want < 0 ? 3 : want);
				if (reaches.some((x) => Math.abs(best - x) < 1e-3)) near++;
			}
			expect(near).toBeGreaterThan(100);
			// and each reach's cover is coverSets' (the per-site walk it replaces)
			const w = Float64Array.from(lon, (_, i) => 1 + (i % 7));
			const all = coverageByReach({ ...points, w }, sites, reaches);
			for (const [t, reach] of reaches.entries()) {
				const sets = coverSets(points, sites, reach);
				const mark = new Uint8Array(lon.length);
				for (const i of sets.idx) mark[i] = 1;
				expect(Array.from(all.first, (f) => (f <= t ? 1 : 0))).toEqual(Array.from(mark));
				expect(coveredWeight({ ...points, w }, sites, reach).covered).toEqual(mark);
				expect(all.weight[t]).toBe(w.reduce((acc, x, i) => acc + (mark[i] ? x : 0), 0));
			}
		}
	});

	it('lazy greedy picks what plain greedy picks, with fewer evaluations', () => {
		for (const seed of [2, 3, 4]) {
			const { demand, candidates } = instance(seed, 800, 120);
			const sets = coverSets(demand, candidates, 1000);
			const lazy = lazyGreedy(sets, new Int32Array(800), demand.w, 10);
			// plain greedy: every candidate's gain, every round
			const covered = new Uint8Array(800);
			const plain: number[] = [];
			for (let round = 0; round < 10; round++) {
				let best = -1,
					bestGain = 0;
				for (let j = 0; j < 120; j++) {
					let g = 0;
					for (const d of coverOf(sets, j)) if (!covered[d]) g += demand.w[d];
					if (g > bestGain) [best, bestGain] = [j, g];
				}
				if (best < 0) break;
				plain.push(best);
				for (const d of coverOf(sets, best)) covered[d] = 1;
			}
			expect(lazy.chosen).toEqual(plain);
			expect(lazy.evaluations).toBeLessThan(120 * lazy.chosen.length);
		}
	});

	it('greedy + swap reaches the brute-force optimum within 1 − 1/e, and its figures add up', () => {
		let atOptimum = 0;
		let runs = 0;
		for (let seed = 10; seed < 30; seed++) {
			const { demand, candidates, fixed } = instance(seed, 150, 12);
			for (const k of [2, 3, 4]) {
				const radius = 1200;
				const s = solveSiting({ demand, candidates, fixed, radius, k });
				const sets = coverSets(demand, candidates, radius);
				const base = coveredWeight(demand, fixed, radius);
				let best = 0;
				for (const set of subsets(12, k)) {
					const cov = new Uint8Array(base.covered);
					for (const j of set) for (const d of coverOf(sets, j)) cov[d] = 1;
					let t = 0;
					for (let i = 0; i < 150; i++) if (cov[i]) t += demand.w[i];
					best = Math.max(best, t);
				}
				// what the answer says it covers is what its sites cover
				const all = {
					lon: [...Array.from(fixed.lon), ...s.chosen.map((j: number) => candidates.lon[j])],
					lat: [...Array.from(fixed.lat), ...s.chosen.map((j: number) => candidates.lat[j])]
				};
				expect(coveredWeight(demand, all, radius).weight).toBe(s.total);
				expect(s.base).toBe(base.weight);
				expect(s.gains.reduce((a: number, b: number) => a + b, 0)).toBe(s.total - s.base);
				// each gain is at most the one before (greedy order of the final set)
				for (let i = 1; i < s.gains.length; i++)
					expect(s.gains[i]).toBeLessThanOrEqual(s.gains[i - 1]);
				expect(s.total).toBeGreaterThanOrEqual(s.greedyTotal);
				expect(s.total).toBeLessThanOrEqual(best);
				expect(s.total - s.base).toBeGreaterThanOrEqual((1 - 1 / Math.E) * (best - s.base));
				runs++;
				if (s.total === best) atOptimum++;
			}
		}
		// swap is not a formality: on these small instances it nearly always finds the optimum
		expect(atOptimum / runs).toBeGreaterThan(0.9);
	});

	it('the HiGHS MIP reference finds the brute-force optimum', async () => {
		for (const seed of [40, 41, 42]) {
			const { demand, candidates, fixed } = instance(seed, 120, 10);
			const radius = 1500;
			const sets = coverSets(demand, candidates, radius);
			const base = coveredWeight(demand, fixed, radius);
			const covers = Array.from({ length: 10 }, (_, j) => coverOf(sets, j));
			let best = 0;
			for (const set of subsets(10, 3)) {
				const cov = new Uint8Array(base.covered);
				for (const j of set) for (const d of covers[j]) cov[d] = 1;
				let t = 0;
				for (let i = 0; i < 120; i++) if (cov[i]) t += demand.w[i];
				best = Math.max(best, t);
			}
			const exact = await exactCoverage({ covers, w: demand.w, fixedCovered: base.covered, k: 3 });
			expect(exact.total).toBe(best);
		}
	});
});
