// A chunk of consecutive edges of a shape, set in its own local plane: the frame, the plane
// margin and radii it gives, the squared plane distance of a point to the chunk, the exact test
// for the points inside the margin, and the grid cells the chunk's box covers. Shared by the
// radius kernel (near.mjs) and the four-item rule (rule.mjs); the state lives in module-level
// scratch (F, CELLS, STOPPED_AT), reused from chunk to chunk without allocation.
import { CHUNK_EDGES } from './grids.mjs';
import { DEG, M_PER_DEG, haversineMeters, planeMargin, pointEdgeMeters } from './sphere.mjs';

/**
 * @typedef {import('./types').PointGrid} PointGrid
 * @typedef {import('./types').Shapes} Shapes
 */

/** scratch: a chunk's vertices in its local plane, and per edge its vector and 1 / length² */
const CX = new Float64Array(CHUNK_EDGES + 2);
const CY = new Float64Array(CHUNK_EDGES + 2);
const EX = new Float64Array(CHUNK_EDGES + 2);
const EY = new Float64Array(CHUNK_EDGES + 2);
const INV2 = new Float64Array(CHUNK_EDGES + 2);
/**
 * One chunk in its local plane, shared by the radius scanners below: the frame (centre, lon
 * scale), the plane margin and the squared radii it gives, the degree box grown by the radius,
 * and the chunk's own box in the plane. Filled by chunkFrame, reused from chunk to chunk.
 */
export const F = {
	lon0: 0,
	lat0: 0,
	kx: 0,
	nv: 0,
	margin: 0,
	rIn: 0,
	rOut: 0,
	bw: 0,
	be: 0,
	bs: 0,
	bn: 0,
	/** the chord (first vertex → last), 1 / its length², and how far the chunk strays from it */
	chX: 0,
	chY: 0,
	chEx: 0,
	chEy: 0,
	chInv: 0,
	chDev: 0
};

/**
 * @param {Shapes} s @param {number} first @param {number} last @param {number} radius
 */
export function chunkFrame(s, first, last, radius) {
	const dLat = (radius / M_PER_DEG) * 1.001 + 1e-9;
	let west = Infinity,
		east = -Infinity,
		south = Infinity,
		north = -Infinity;
	for (let v = first; v <= last; v++) {
		if (s.x[v] < west) west = s.x[v];
		if (s.x[v] > east) east = s.x[v];
		if (s.y[v] < south) south = s.y[v];
		if (s.y[v] > north) north = s.y[v];
	}
	const lat0 = (south + north) / 2;
	const lon0 = (west + east) / 2;
	const maxLat = Math.max(Math.abs(south - dLat), Math.abs(north + dLat));
	const dLon = dLat / Math.cos(maxLat * DEG);
	const kx = Math.cos(lat0 * DEG) * M_PER_DEG;
	const nv = last - first + 1;
	let edge2 = 0;
	for (let v = 0; v < nv; v++) {
		CX[v] = (s.x[first + v] - lon0) * kx;
		CY[v] = (s.y[first + v] - lat0) * M_PER_DEG;
		if (v > 0) {
			const ex = CX[v] - CX[v - 1],
				ey = CY[v] - CY[v - 1];
			const len2 = ex * ex + ey * ey;
			EX[v - 1] = ex;
			EY[v - 1] = ey;
			INV2[v - 1] = len2 > 0 ? 1 / len2 : 0;
			if (len2 > edge2) edge2 = len2;
		}
	}
	const edgeMax = Math.sqrt(edge2);
	// every point of the chunk lies within chDev of its chord (distance to a segment is convex
	// along each edge, so the vertices bound it): a point farther than d + chDev from the chord
	// is farther than d from the chunk
	const chEx = CX[nv - 1] - CX[0],
		chEy = CY[nv - 1] - CY[0];
	const chLen2 = chEx * chEx + chEy * chEy;
	const chInv = chLen2 > 0 ? 1 / chLen2 : 0;
	let dev2 = 0;
	for (let v = 1; v < nv - 1; v++) {
		const wx = CX[v] - CX[0],
			wy = CY[v] - CY[0];
		let t = (wx * chEx + wy * chEy) * chInv;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		const dx = wx - t * chEx,
			dy = wy - t * chEy;
		if (dx * dx + dy * dy > dev2) dev2 = dx * dx + dy * dy;
	}
	F.chX = CX[0];
	F.chY = CY[0];
	F.chEx = chEx;
	F.chEy = chEy;
	F.chInv = chInv;
	F.chDev = Math.sqrt(dev2) + 1e-9;
	const half = Math.max((north - south) * M_PER_DEG, (east - west) * kx) / 2;
	const margin = planeMargin(radius, half + radius, maxLat, edgeMax);
	F.lon0 = lon0;
	F.lat0 = lat0;
	F.kx = kx;
	F.nv = nv;
	F.margin = margin;
	F.rIn = (radius - margin) * (radius - margin);
	F.rOut = (radius + margin) * (radius + margin);
	F.bw = west - dLon;
	F.be = east + dLon;
	F.bs = south - dLat;
	F.bn = north + dLat;
}

/**
 * Squared plane distance from (px, py) to the current chunk's edges from edge `from` on; stops
 * early once below `enough`, leaving in STOPPED_AT the edge it stopped at (-1 if it did not).
 * @param {number} px @param {number} py @param {number} enough @param {number} from
 */
export function chunkDist2(px, py, enough, from) {
	const nv = F.nv;
	STOPPED_AT = -1;
	if (nv === 1) return (px - CX[0]) ** 2 + (py - CY[0]) ** 2;
	let d2 = Infinity;
	for (let v = from; v < nv - 1; v++) {
		const ex = EX[v],
			ey = EY[v];
		const wx = px - CX[v],
			wy = py - CY[v];
		let t = (wx * ex + wy * ey) * INV2[v];
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		const dx = wx - t * ex,
			dy = wy - t * ey;
		const dd = dx * dx + dy * dy;
		if (dd < d2) {
			d2 = dd;
			if (d2 < enough) {
				STOPPED_AT = v;
				break;
			}
		}
	}
	return d2;
}
export let STOPPED_AT = -1;

/**
 * For a point within the margin of the radius: the exact distance on the sphere decides.
 * @param {Shapes} s @param {number} first @param {number} last @param {number} plon
 * @param {number} plat @param {number} radius
 */
export function exactlyWithin(s, first, last, plon, plat, radius) {
	if (first === last) return haversineMeters(plon, plat, s.x[first], s.y[first]) <= radius;
	for (let v = first; v < last; v++)
		if (pointEdgeMeters(plon, plat, s.x[v], s.y[v], s.x[v + 1], s.y[v + 1]) <= radius) return true;
	return false;
}

/**
 * Grid cell range of the current chunk's degree box: [c0, c1] × [r0, r1].
 * @param {PointGrid} g
 */
export function cellsOf(g) {
	CELLS[0] = Math.max(0, Math.floor((F.bw - g.west) / g.cell));
	CELLS[1] = Math.min(g.cols - 1, Math.floor((F.be - g.west) / g.cell));
	CELLS[2] = Math.max(0, Math.floor((F.bs - g.south) / g.cell));
	CELLS[3] = Math.min(g.rows - 1, Math.floor((F.bn - g.south) / g.cell));
}
export const CELLS = new Int32Array(4);
