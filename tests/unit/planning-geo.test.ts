// The what-if in the browser (Turf, src/lib/geo/coverage.ts) and the server's kernel
// (analysis/kernel/coverage.mjs) count the same released cells as covered, site by site and in
// total: the page's figure after a drag is the figure the server would give.
import { describe, expect, it } from 'vitest';
import { coveredCells } from '../../src/lib/geo/coverage';
import { coveredWeight } from '../../src/lib/server/analysis/kernel/coverage.mjs';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

describe('what-if parity', () => {
	it('Turf in the browser and the kernel agree on every cell', () => {
		const r = rng(5);
		const cells = Array.from({ length: 3000 }, () => ({
			lon: 113.3 + r() * 0.4,
			lat: 29.7 + r() * 0.3,
			n: 1 + Math.floor(r() * 12)
		}));
		for (const radius of [500, 1000, 2000]) {
			for (let trial = 0; trial < 5; trial++) {
				const sites = Array.from(
					{ length: 1 + trial * 3 },
					() => [113.3 + r() * 0.4, 29.7 + r() * 0.3] as [number, number]
				);
				const browser = coveredCells(cells, sites, radius);
				const server = coveredWeight(
					{ lon: cells.map((c) => c.lon), lat: cells.map((c) => c.lat), w: cells.map((c) => c.n) },
					{ lon: sites.map((s) => s[0]), lat: sites.map((s) => s[1]) },
					radius
				);
				expect(Array.from(browser.covered)).toEqual(Array.from(server.covered));
				expect(browser.total).toBe(server.weight);
			}
		}
	});

	it('a drag on top of the existing sites cover gives the answer of all sites together', () => {
		const r = rng(9);
		const cells = Array.from({ length: 2000 }, () => ({
			lon: 113.3 + r() * 0.4,
			lat: 29.7 + r() * 0.3,
			n: 1 + Math.floor(r() * 12)
		}));
		const pick = (k: number) =>
			Array.from({ length: k }, () => [113.3 + r() * 0.4, 29.7 + r() * 0.3] as [number, number]);
		for (const radius of [500, 1000, 2000]) {
			const fixed = pick(40);
			const before = coveredCells(cells, fixed, radius);
			const copy = Uint8Array.from(before.covered);
			const sites = pick(10);
			const after = coveredCells(cells, sites, radius, before);
			const all = coveredCells(cells, [...fixed, ...sites], radius);
			expect(Array.from(after.covered)).toEqual(Array.from(all.covered));
			expect(after.total).toBe(all.total);
			expect(after.total).toBeGreaterThan(before.total);
			// what the existing sites cover is not changed by a drag
			expect(Array.from(before.covered)).toEqual(Array.from(copy));
		}
	});
});
