// The four-item rule: for each segment, how many points of each kind (children, village
// centres, schools, …) lie within the distance, and which of them all is nearest, in one pass
// over one grid that holds every kind.
import { CELLS, F, STOPPED_AT, cellsOf, chunkDist2, chunkFrame, exactlyWithin } from './chunk.mjs';
import { chunksOf } from './grids.mjs';
import { M_PER_DEG, pointEdgesMeters } from './sphere.mjs';

/**
 * @typedef {import('./types').PointGrid} PointGrid
 * @typedef {import('./types').Shapes} Shapes
 */

/**
 * Candidates for the nearest point to the current shape: every point whose plane estimate
 * could still beat the best sure hit (grid slot and estimate), the best sure estimate and the
 * largest margin so far. Reused from shape to shape, so a province of shapes allocates nothing.
 */
const NEAR = {
	best: Infinity,
	margin: 0,
	n: 0,
	slot: new Int32Array(1024),
	d: new Float64Array(1024),
	/** the chunk (first vertex) the estimate is to: the nearest pair of point and chunk is
	 * always among the candidates, so its exact distance is measured to that chunk alone */
	from: new Int32Array(1024),
	to: new Int32Array(1024)
};

/**
 * @param {number} slot @param {number} d @param {number} from @param {number} to
 */
function pushCandidate(slot, d, from, to) {
	if (NEAR.n === NEAR.slot.length) {
		const grow = (/** @type {Int32Array | Float64Array} */ a) => {
			const b = new /** @type {any} */ (a.constructor)(a.length * 2);
			b.set(a);
			return b;
		};
		NEAR.slot = grow(NEAR.slot);
		NEAR.d = grow(NEAR.d);
		NEAR.from = grow(NEAR.from);
		NEAR.to = grow(NEAR.to);
	}
	NEAR.slot[NEAR.n] = slot;
	NEAR.from[NEAR.n] = from;
	NEAR.to[NEAR.n] = to;
	NEAR.d[NEAR.n++] = d;
}

/**
 * One chunk of a shape against every kind: counts new points per kind into
 * `count[base + kind]`, and collects candidates for the nearest. A point already counted for
 * this shape (by an earlier chunk) is measured again only when this chunk's box is near enough
 * for it to become the nearest. Kinds and stamps are by grid slot, read in the grid's order.
 * @param {PointGrid} g @param {Uint8Array} kindOf kind per grid slot
 * @param {Shapes} s @param {number} first @param {number} last @param {number} radius
 * @param {Int32Array} stamp @param {number} tag @param {Int32Array} count @param {number} base
 */
function ruleChunk(g, kindOf, s, first, last, radius, stamp, tag, count, base) {
	chunkFrame(s, first, last, radius);
	cellsOf(g);
	const c0 = CELLS[0],
		c1 = CELLS[1],
		r0 = CELLS[2],
		r1 = CELLS[3];
	const { lon0, lat0, kx, rIn, rOut, bw, be, bs, bn, margin } = F;
	const { chX, chY, chEx, chEy, chInv, chDev } = F;
	if (margin > NEAR.margin) NEAR.margin = margin;
	const slack = 2 * NEAR.margin;
	let best = NEAR.best;
	let reach2 = (best + slack + chDev) ** 2;
	const far2 = (radius + margin + chDev) ** 2;
	for (let r = r0; r <= r1; r++) {
		const k1 = g.start[r * g.cols + c1 + 1];
		for (let k = g.start[r * g.cols + c0]; k < k1; k++) {
			const plat = g.lat[k];
			if (plat < bs || plat > bn) continue;
			const plon = g.lon[k];
			if (plon < bw || plon > be) continue;
			const seen = stamp[k] === tag;
			const px = (plon - lon0) * kx,
				py = (plat - lat0) * M_PER_DEG;
			// a point whose distance to the chord, less the chunk's straying from it, exceeds the
			// reach of the best so far cannot become the nearest through this chunk
			const wx = px - chX,
				wy = py - chY;
			let t = (wx * chEx + wy * chEy) * chInv;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			const qx = wx - t * chEx,
				qy = wy - t * chEy;
			const chord2 = qx * qx + qy * qy;
			// farther from the chord than the radius and the chunk's straying: outside
			if (chord2 > far2) continue;
			const contender = chord2 <= reach2;
			if (seen && !contender) continue;
			// counting needs only to know it is inside; the nearest needs the whole minimum
			let d2 = chunkDist2(px, py, seen ? -1 : rIn, 0);
			if (d2 > rOut) continue;
			if (!seen) {
				if (d2 >= rIn && !exactlyWithin(s, first, last, plon, plat, radius)) continue;
				stamp[k] = tag;
				count[base + kindOf[k]]++;
				if (!contender) continue;
				if (STOPPED_AT >= 0) d2 = Math.min(d2, chunkDist2(px, py, -1, STOPPED_AT + 1));
			}
			const d = Math.sqrt(d2);
			if (d2 < rIn && d < best) {
				best = d;
				reach2 = (best + slack + chDev) ** 2;
			}
			if (d <= best + slack) pushCandidate(k, d, first, last);
		}
	}
	NEAR.best = best;
}

/**
 * The rule's measurements for the shapes listed in `which`: per shape and kind, how many points
 * lie within `radius` metres (`count[j * kinds + kind]`), and the exact distance to the nearest
 * of them all with its kind (Infinity and -1 when none). Ties go to the lower kind number.
 * The nearest: the candidate with the best plane estimate gets the exact spherical distance,
 * any other only when its estimate, less the margin, could still beat it.
 * @param {PointGrid} g grid over the points of every kind @param {Uint8Array} kindOf the kind
 *   of the point in each grid slot @param {number} kinds @param {Shapes} s @param {ArrayLike<number>} which shape indexes
 * @param {number} radius
 */
export function measureRule(g, kindOf, kinds, s, which, radius) {
	const n = which.length;
	const count = new Int32Array(n * kinds);
	const nearest = new Float64Array(n).fill(Infinity);
	const nearestKind = new Int8Array(n).fill(-1);
	const stamp = new Int32Array(g.lon.length);
	const chunks = chunksOf(s);
	for (let j = 0; j < n; j++) {
		const i = which[j];
		NEAR.best = Infinity;
		NEAR.margin = 0;
		NEAR.n = 0;
		const base = j * kinds;
		for (let k = chunks.start[i]; k < chunks.start[i + 1]; k++)
			ruleChunk(g, kindOf, s, chunks.first[k], chunks.last[k], radius, stamp, j + 1, count, base);
		let any = false;
		for (let k = 0; k < kinds && !any; k++) any = count[base + k] > 0;
		if (!any || !NEAR.n) continue;
		let first = 0;
		for (let c = 1; c < NEAR.n; c++) if (NEAR.d[c] < NEAR.d[first]) first = c;
		let best = Infinity;
		let bestKind = -1;
		for (let c = -1; c < NEAR.n; c++) {
			// the best estimate first, then only those that could still beat it
			const at = c < 0 ? first : c;
			if (c === first || (c >= 0 && NEAR.d[at] - NEAR.margin > best)) continue;
			const slot = NEAR.slot[at];
			const e = pointEdgesMeters(s, NEAR.from[at], NEAR.to[at], g.lon[slot], g.lat[slot]);
			if (e > radius) continue;
			const kind = kindOf[slot];
			if (e < best || (e === best && kind < bestKind)) {
				best = e;
				bestKind = kind;
			}
		}
		nearest[j] = best;
		nearestKind[j] = bestKind;
	}
	return { count, nearest, nearestKind };
}
