// The radius kernel and the analyses built on it: for one shape, every residence (in
// [from, to)) within r metres. Edge by edge, so a long or winding segment only scans the cells
// near each of its edges; a stamp per residence keeps a residence from being counted twice for
// one shape (or, with one tag for every shape, from being tested again once found).
import { CELLS, F, cellsOf, chunkDist2, chunkFrame, exactlyWithin } from './chunk.mjs';
import { chunksOf } from './grids.mjs';
import { M_PER_DEG } from './sphere.mjs';

/**
 * @typedef {import('./types').PointGrid} PointGrid
 * @typedef {import('./types').Points} Points
 * @typedef {import('./types').Shapes} Shapes
 */

/**
 * While countPerShape asks for them: the residences' record keys, and the sum of those stamped
 * for the current shape (to release its count, domain/disclosure.ts).
 * @type {{ of: Float64Array | null, sum: number }}
 */
const KEYS = { of: null, sum: 0 };

/**
 * Stamp with `tag` every residence in [from, to) within `radius` metres of shape i that does
 * not carry `tag` yet, and return how many were newly stamped.
 * @param {PointGrid} g @param {Shapes} s @param {number} i @param {number} radius
 * @param {number} from @param {number} to @param {Int32Array} stamp indexed by residence
 * @param {number} tag
 */
export function stampNearShape(g, s, i, radius, from, to, stamp, tag) {
	const c = chunksOf(s);
	let found = 0;
	for (let k = c.start[i]; k < c.start[i + 1]; k++)
		found += stampNearChunk(g, s, c.first[k], c.last[k], radius, from, to, stamp, tag);
	return found;
}

/**
 * Stamp with `tag` every point in [from, to) within `radius` of edges first..last that does
 * not carry `tag` yet; returns how many were newly stamped.
 * @param {PointGrid} g @param {Shapes} s @param {number} first @param {number} last
 * @param {number} radius @param {number} from @param {number} to @param {Int32Array} stamp
 * @param {number} tag
 */
function stampNearChunk(g, s, first, last, radius, from, to, stamp, tag) {
	chunkFrame(s, first, last, radius);
	cellsOf(g);
	const c0 = CELLS[0],
		c1 = CELLS[1],
		r0 = CELLS[2],
		r1 = CELLS[3];
	const { lon0, lat0, kx, rIn, rOut, bw, be, bs, bn } = F;
	let found = 0;
	for (let r = r0; r <= r1; r++) {
		const k1 = g.start[r * g.cols + c1 + 1];
		for (let k = g.start[r * g.cols + c0]; k < k1; k++) {
			const plat = g.lat[k];
			if (plat < bs || plat > bn) continue;
			const plon = g.lon[k];
			if (plon < bw || plon > be) continue;
			const idx = g.index[k];
			if (idx < from || idx >= to || stamp[idx] === tag) continue;
			const d2 = chunkDist2((plon - lon0) * kx, (plat - lat0) * M_PER_DEG, rIn, 0);
			if (d2 > rOut) continue;
			if (d2 < rIn || exactlyWithin(s, first, last, plon, plat, radius)) {
				stamp[idx] = tag;
				found++;
				if (KEYS.of) KEYS.sum += KEYS.of[idx];
			}
		}
	}
	return found;
}

/**
 * Residences in [from, to) within `radius` of any shape whose flag passes `want`; a 0/1 mark
 * per residence.
 * @param {Points} p @param {PointGrid} g @param {Shapes} s @param {number} radius
 * @param {number} from @param {number} to @param {(i: number) => boolean} want
 */
export function markNear(p, g, s, radius, from, to, want) {
	const stamp = new Int32Array(p.lon.length);
	for (let i = 0; i < s.id.length; i++) {
		if (want(i)) stampNearShape(g, s, i, radius, from, to, stamp, 1);
	}
	return Uint8Array.from(stamp);
}

/**
 * The shapes whose code is inside `codeLo..codeHi`: their indexes and ids, in shape order.
 * @param {Shapes} s @param {number} codeLo @param {number} codeHi
 */
export function shapesInCodeRange(s, codeLo, codeHi) {
	let n = 0;
	for (let i = 0; i < s.id.length; i++) if (s.code[i] >= codeLo && s.code[i] < codeHi) n++;
	const which = new Int32Array(n);
	const ids = new Float64Array(n);
	n = 0;
	for (let i = 0; i < s.id.length; i++)
		if (s.code[i] >= codeLo && s.code[i] < codeHi) {
			which[n] = i;
			ids[n++] = s.id[i];
		}
	return { which, ids };
}

/**
 * Per shape (those whose code is inside `codeLo..codeHi`): how many residences in [from, to)
 * lie within `radius`, and (with `keys`, one per residence) the sum of their keys.
 * @param {PointGrid} g @param {Shapes} s @param {number} radius @param {number} from
 * @param {number} to @param {number} codeLo @param {number} codeHi
 * @param {Float64Array} [keys]
 */
export function countPerShape(g, s, radius, from, to, codeLo, codeHi, keys) {
	const { which, ids } = shapesInCodeRange(s, codeLo, codeHi);
	const counts = new Int32Array(which.length);
	const keySums = new Float64Array(keys ? which.length : 0);
	const stamp = new Int32Array(g.index.length);
	KEYS.of = keys ?? null;
	try {
		for (let j = 0; j < which.length; j++) {
			KEYS.sum = 0;
			counts[j] = stampNearShape(g, s, which[j], radius, from, to, stamp, which[j] + 1);
			if (keys) keySums[j] = KEYS.sum;
		}
	} finally {
		KEYS.of = null;
	}
	return { ids, counts, keySums };
}
