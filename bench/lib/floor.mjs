// The physical floor the bench holds the analyses to (bench/lib/floor-worker.mjs runs it where
// the app's analyses run; bench/lib/analyses.ts also on the main thread).
import { haversineMeters } from '../../src/lib/server/analysis/kernel/sphere.mjs';

/**
 * The physical floor: one pass over the residences (or any points), one great-circle distance
 * each (to a fixed point). Nothing can answer a per-residence question faster than reading
 * every residence once.
 * @param {{ lon: Float64Array, lat: Float64Array }} p @param {number} from @param {number} to
 */
export function floorPass(p, from, to) {
	let sum = 0;
	for (let i = from; i < to; i++) sum += haversineMeters(p.lon[i], p.lat[i], 112.3, 30.9);
	return sum;
}
