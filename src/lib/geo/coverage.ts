// Coverage of released cells by sites, with Turf in the browser (the what-if on the planning
// page): the same great-circle distance the server's kernel uses (analysis/kernel/coverage.mjs),
// on the same released cells, so the two agree exactly (tests/unit/planning-geo.test.ts).
import { distance, point } from '@turf/turf';
import type { DemandCell } from '$lib/domain/planning';
import { radiusToDegrees } from './proximity';

/**
 * Which cells (by index) lie within `radiusM` of at least one site, and their released sum.
 * `already`: what other sites cover at the same reach (the existing ones, computed once), so a
 * drag recomputes only the new sites: the union is the same answer, in a fraction of a frame.
 */
export function coveredCells(
	cells: readonly DemandCell[],
	sites: readonly (readonly [number, number])[],
	radiusM: number,
	already?: { covered: Uint8Array; total: number }
): { covered: Uint8Array; total: number } {
	const covered = already ? Uint8Array.from(already.covered) : new Uint8Array(cells.length);
	let total = already?.total ?? 0;
	for (const s of sites) {
		const { dLon, dLat } = radiusToDegrees(radiusM, s[1]);
		const at = point([s[0], s[1]]);
		for (let i = 0; i < cells.length; i++) {
			if (covered[i]) continue;
			const c = cells[i];
			// a box that certainly holds the circle first: Turf only for the cells inside it
			if (Math.abs(c.lon - s[0]) > dLon || Math.abs(c.lat - s[1]) > dLat) continue;
			if (distance(at, point([c.lon, c.lat]), { units: 'meters' }) <= radiusM) {
				covered[i] = 1;
				total += c.n;
			}
		}
	}
	return { covered, total };
}
