// Nearest shape: every residence's distance to its nearest segment, and that segment's id.
import {
	DEG,
	EARTH_RADIUS_M,
	M_PER_DEG,
	U,
	haversineMeters,
	planeMargin,
	unit,
	unitEdgeMeters
} from './sphere.mjs';

/**
 * @typedef {import('./types').EdgeGrid} EdgeGrid
 * @typedef {import('./types').PointGrid} PointGrid
 * @typedef {import('./types').Points} Points
 * @typedef {import('./types').Shapes} Shapes
 */

/**
 * Distance from every residence in [from, to) to the nearest shape, and that shape's id.
 * For each residence, rings of edge-grid cells are searched outward with the cheap planar
 * estimate (a cell farther than the best so far is skipped whole) until no unsearched cell can
 * hold anything nearer; then only the edges whose estimate is within the margin of the best
 * get the exact spherical distance. Residences are visited in the point grid's cell order, so
 * neighbours, which read the same cells, follow each other while those are in the CPU cache.
 * @param {Points} p @param {Shapes} s @param {EdgeGrid} eg @param {PointGrid} g
 * @param {number} from @param {number} to
 */
export function nearestShape(p, s, eg, g, from, to) {
	const n = to - from;
	const dist = new Float64Array(n).fill(Infinity);
	const nearest = new Float64Array(n).fill(-1);
	if (!s.id.length) return { dist, nearest };
	let edgeMax = 0;
	for (let k = 0; k < eg.edgeShape.length; k++)
		edgeMax = Math.max(
			edgeMax,
			haversineMeters(eg.xy[4 * k], eg.xy[4 * k + 1], eg.xy[4 * k + 2], eg.xy[4 * k + 3])
		);
	const { cell, cols, rows, start, xy, slotChunk, box, chunkStart } = eg;
	let plon = 0,
		plat = 0,
		kx = 0;
	/** squared planar distance from the residence to the edge in slot k, in a frame at it */
	const est2 = (/** @type {number} */ k) => {
		const ax = (xy[4 * k] - plon) * kx,
			ay = (xy[4 * k + 1] - plat) * M_PER_DEG;
		const ex = (xy[4 * k + 2] - plon) * kx - ax,
			ey = (xy[4 * k + 3] - plat) * M_PER_DEG - ay;
		const len2 = ex * ex + ey * ey;
		let t = len2 > 0 ? -(ax * ex + ay * ey) / len2 : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		const dx = ax + t * ex,
			dy = ay + t * ey;
		return dx * dx + dy * dy;
	};
	// planeMargin with the tangent taken once per residence (valid while d + edgeMax ≤ 50 km,
	// i.e. within half a degree of latitude); the general form beyond
	let tanP = 0;
	const edgeTerm = (edgeMax * edgeMax) / EARTH_RADIUS_M;
	/** @param {number} d */
	const marginAt = (d) =>
		d + edgeMax <= 50_000
			? 0.05 + d * (3 * tanP * ((d + edgeMax) / EARTH_RADIUS_M) + 1e-6) + edgeTerm
			: planeMargin(d, d + edgeMax, Math.abs(plat) + (d + edgeMax) / M_PER_DEG, edgeMax);
	let slots = new Int32Array(1024);
	let slotD2 = new Float64Array(1024);
	for (let o = 0; o < g.index.length; o++) {
		const q = g.index[o];
		if (q < from || q >= to) continue;
		plon = g.lon[o];
		plat = g.lat[o];
		kx = Math.cos(plat * DEG) * M_PER_DEG;
		tanP = Math.tan(Math.min(Math.abs(plat) + 0.5, 80) * DEG);
		const fc = (plon - eg.west) / cell;
		const fr = (plat - eg.south) / cell;
		const pc = Math.floor(fc),
			pr = Math.floor(fr);
		let best2 = Infinity;
		let keep2 = Infinity;
		let found = 0;
		for (let ring = 0; ; ring++) {
			const c0 = pc - ring,
				c1 = pc + ring,
				r0 = pr - ring,
				r1 = pr + ring;
			for (let r = Math.max(0, r0); r <= Math.min(rows - 1, r1); r++) {
				// planar distance from the residence to this row of cells, in the same frame
				const dyc =
					r > pr ? (r - fr) * cell * M_PER_DEG : r < pr ? (fr - r - 1) * cell * M_PER_DEG : 0;
				if (dyc * dyc > keep2) continue;
				const step = r === r0 || r === r1 ? 1 : c1 - c0 || 1;
				for (let c = c0; c <= c1; c += step) {
					if (c < 0 || c >= cols) continue;
					const dxc = c > pc ? (c - fc) * cell * kx : c < pc ? (fc - c - 1) * cell * kx : 0;
					// an edge part nearer than the cell's box is registered in a nearer cell too
					if (dxc * dxc + dyc * dyc > keep2) continue;
					const cs = r * cols + c;
					for (let sc = start[cs]; sc < start[cs + 1]; sc++) {
						const ch = slotChunk[sc];
						// the chunk's box, in the same plane: nothing in it is nearer than that
						const bx = Math.max(0, box[4 * ch] - plon, plon - box[4 * ch + 2]) * kx;
						const by = Math.max(0, box[4 * ch + 1] - plat, plat - box[4 * ch + 3]) * M_PER_DEG;
						if (bx * bx + by * by > keep2) continue;
						for (let k = chunkStart[ch]; k < chunkStart[ch + 1]; k++) {
							const d2 = est2(k);
							if (d2 > keep2) continue;
							if (d2 < best2) {
								best2 = d2;
								const b = Math.sqrt(d2);
								const lim = b + 2 * marginAt(b);
								keep2 = lim * lim;
							}
							if (found === slots.length) {
								const grown = new Int32Array(slots.length * 2);
								grown.set(slots);
								slots = grown;
								const grownD = new Float64Array(slots.length);
								grownD.set(slotD2);
								slotD2 = grownD;
							}
							slots[found] = k;
							slotD2[found++] = d2;
						}
					}
				}
			}
			if (c0 <= 0 && r0 <= 0 && c1 >= cols - 1 && r1 >= rows - 1) break;
			if (best2 === Infinity) continue;
			// everything not yet searched lies outside the block of cells [c0, c1] × [r0, r1]
			const lim = Math.sqrt(keep2);
			const gapDeg = Math.min(fc - c0, c1 + 1 - fc, fr - r0, r1 + 1 - fr) * cell;
			const edgeLat = Math.min(89, Math.abs(plat) + (ring + 1) * cell);
			if (lim + marginAt(lim) <= gapDeg * M_PER_DEG * Math.cos(edgeLat * DEG) * 0.999) break;
		}
		let exact = Infinity;
		let exactShape = -1;
		unit(plon, plat, 0);
		const ux = U[0],
			uy = U[1],
			uz = U[2];
		const uv = eg.uv;
		for (let f = 0; f < found; f++) {
			if (slotD2[f] > keep2) continue;
			const e = slots[f];
			const o6 = 6 * e;
			const d = unitEdgeMeters(
				ux,
				uy,
				uz,
				uv[o6],
				uv[o6 + 1],
				uv[o6 + 2],
				uv[o6 + 3],
				uv[o6 + 4],
				uv[o6 + 5]
			);
			const sh = eg.edgeShape[e];
			if (d < exact || (d === exact && s.id[sh] < s.id[exactShape])) {
				exact = d;
				exactShape = sh;
			}
		}
		dist[q - from] = exact;
		nearest[q - from] = exactShape >= 0 ? s.id[exactShape] : -1;
	}
	return { dist, nearest };
}
