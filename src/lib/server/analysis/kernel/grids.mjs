// Grids: CSR arrays (cell → contiguous slice), rows of cells adjacent in memory. A point grid
// (residences or any points, optionally with each point's kind), and an edge grid over the
// shapes' edges cut into chunks.
import { U, unit } from './sphere.mjs';

/**
 * @typedef {import('./types').EdgeGrid} EdgeGrid
 * @typedef {import('./types').PointGrid} PointGrid
 * @typedef {import('./types').Points} Points
 * @typedef {import('./types').Shapes} Shapes
 */

/**
 * @param {Points} p @param {number} cell degrees per cell
 * @returns {PointGrid}
 */
export function buildPointGrid(p, cell = 0.005) {
	const n = p.lon.length;
	let west = Infinity,
		east = -Infinity,
		south = Infinity,
		north = -Infinity;
	for (let i = 0; i < n; i++) {
		if (p.lon[i] < west) west = p.lon[i];
		if (p.lon[i] > east) east = p.lon[i];
		if (p.lat[i] < south) south = p.lat[i];
		if (p.lat[i] > north) north = p.lat[i];
	}
	if (!n) west = east = south = north = 0;
	const cols = Math.max(1, Math.floor((east - west) / cell) + 1);
	const rows = Math.max(1, Math.floor((north - south) / cell) + 1);
	const cellOf = new Int32Array(n);
	const start = new Int32Array(cols * rows + 1);
	for (let i = 0; i < n; i++) {
		const c = Math.floor((p.lat[i] - south) / cell) * cols + Math.floor((p.lon[i] - west) / cell);
		cellOf[i] = c;
		start[c + 1]++;
	}
	for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c];
	const fill = start.slice(0, cols * rows);
	const lon = new Float64Array(n);
	const lat = new Float64Array(n);
	const index = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const k = fill[cellOf[i]]++;
		lon[k] = p.lon[i];
		lat[k] = p.lat[i];
		index[k] = i;
	}
	return { west, south, cell, cols, rows, start, lon, lat, index };
}

/**
 * Points of several kinds in one grid, with the kind of the point in each grid slot (what
 * measureRule reads).
 * @param {Float64Array} lon @param {Float64Array} lat @param {Uint8Array} kind per point
 */
export function buildKindGrid(lon, lat, kind) {
	const none = new Float64Array(0);
	const grid = buildPointGrid({ lon, lat, id: none, code: none });
	const kindOf = new Uint8Array(lon.length);
	for (let k = 0; k < kindOf.length; k++) kindOf[k] = kind[grid.index[k]];
	return { grid, kindOf };
}

/** Most edges in a chunk, and its widest extent in degrees (≈ 500 m). */
export const CHUNK_EDGES = 32;
const CHUNK_DEG = 0.005;

/**
 * @typedef {{ start: Int32Array, first: Int32Array, last: Int32Array }} Chunks chunk c of
 *   shape i (c in start[i]..start[i+1]-1) covers edges first[c]..last[c]-1 (vertex indexes;
 *   first === last for a single point)
 */

/** @type {WeakMap<Shapes, Chunks>} */
const CHUNKS = new WeakMap();

/**
 * Every shape split into chunks of consecutive edges (a single-point shape is one chunk of one
 * degenerate edge), computed once per set of shapes. The demo's rivers are digitised every
 * ~25 m: testing a chunk's box first and then its few edges in a row costs far less than a box
 * per edge.
 * @param {Shapes} s
 * @returns {Chunks}
 */
export function chunksOf(s) {
	const known = CHUNKS.get(s);
	if (known) return known;
	const n = s.id.length;
	const start = new Int32Array(n + 1);
	/** @type {number[]} */
	const first = [];
	/** @type {number[]} */
	const last = [];
	for (let i = 0; i < n; i++) {
		start[i] = first.length;
		const a = s.start[i];
		const end = s.start[i + 1] - 1;
		if (end <= a) {
			first.push(a);
			last.push(a);
			continue;
		}
		let from = a;
		let w = s.x[a],
			e = w,
			so = s.y[a],
			no = so;
		for (let v = a + 1; v <= end; v++) {
			w = Math.min(w, s.x[v]);
			e = Math.max(e, s.x[v]);
			so = Math.min(so, s.y[v]);
			no = Math.max(no, s.y[v]);
			const full = v - from >= CHUNK_EDGES || e - w > CHUNK_DEG || no - so > CHUNK_DEG;
			if (full || v === end) {
				first.push(from);
				last.push(v);
				from = v;
				w = e = s.x[v];
				so = no = s.y[v];
			}
		}
	}
	start[n] = first.length;
	const c = { start, first: Int32Array.from(first), last: Int32Array.from(last) };
	CHUNKS.set(s, c);
	return c;
}

/**
 * Call fn(shape, first, last) for every chunk of every shape (see chunksOf).
 * @param {Shapes} s
 * @param {(shape: number, first: number, last: number) => void} fn
 */
export function eachChunk(s, fn) {
	const c = chunksOf(s);
	for (let i = 0; i < s.id.length; i++)
		for (let k = c.start[i]; k < c.start[i + 1]; k++) fn(i, c.first[k], c.last[k]);
}

/**
 * Chunks of edges registered in each cell their box touches. Per chunk: its box and its edges
 * (both ends, in order) with the shape each belongs to.
 * @param {Shapes} s @param {number} cell
 * @returns {EdgeGrid}
 */
export function buildEdgeGrid(s, cell = 0.01) {
	let west = Infinity,
		east = -Infinity,
		south = Infinity,
		north = -Infinity;
	for (let v = 0; v < s.x.length; v++) {
		if (s.x[v] < west) west = s.x[v];
		if (s.x[v] > east) east = s.x[v];
		if (s.y[v] < south) south = s.y[v];
		if (s.y[v] > north) north = s.y[v];
	}
	if (!s.x.length) west = east = south = north = 0;
	const cols = Math.max(1, Math.floor((east - west) / cell) + 1);
	const rows = Math.max(1, Math.floor((north - south) / cell) + 1);
	/** @type {number[]} */ const box = [];
	/** @type {number[]} */ const cStart = [0];
	/** @type {number[]} */ const xy = [];
	/** @type {number[]} */ const edgeShape = [];
	eachChunk(s, (i, first, last) => {
		let w = Infinity,
			e = -Infinity,
			so = Infinity,
			no = -Infinity;
		for (let v = first; v <= last; v++) {
			w = Math.min(w, s.x[v]);
			e = Math.max(e, s.x[v]);
			so = Math.min(so, s.y[v]);
			no = Math.max(no, s.y[v]);
		}
		box.push(w, so, e, no);
		if (first === last) {
			xy.push(s.x[first], s.y[first], s.x[first], s.y[first]);
			edgeShape.push(i);
		} else
			for (let v = first; v < last; v++) {
				xy.push(s.x[v], s.y[v], s.x[v + 1], s.y[v + 1]);
				edgeShape.push(i);
			}
		cStart.push(edgeShape.length);
	});
	const nc = cStart.length - 1;
	/** @param {(chunk: number, c: number) => void} fn */
	const each = (fn) => {
		for (let k = 0; k < nc; k++) {
			const c0 = Math.floor((box[4 * k] - west) / cell);
			const c1 = Math.floor((box[4 * k + 2] - west) / cell);
			const r0 = Math.floor((box[4 * k + 1] - south) / cell);
			const r1 = Math.floor((box[4 * k + 3] - south) / cell);
			for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) fn(k, r * cols + c);
		}
	};
	const start = new Int32Array(cols * rows + 1);
	each((_k, c) => start[c + 1]++);
	for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c];
	const fill = start.slice(0, cols * rows);
	const slotChunk = new Int32Array(start[cols * rows]);
	each((k, c) => {
		slotChunk[fill[c]++] = k;
	});
	// unit vectors of both ends of every edge: the exact distance then needs no trigonometry
	const uv = new Float64Array(edgeShape.length * 6);
	for (let k = 0; k < edgeShape.length; k++) {
		for (const end of [0, 1]) {
			unit(xy[4 * k + 2 * end], xy[4 * k + 2 * end + 1], 0);
			uv[6 * k + 3 * end] = U[0];
			uv[6 * k + 3 * end + 1] = U[1];
			uv[6 * k + 3 * end + 2] = U[2];
		}
	}
	return {
		west,
		south,
		cell,
		cols,
		rows,
		start,
		slotChunk,
		uv,
		box: Float64Array.from(box),
		chunkStart: Int32Array.from(cStart),
		xy: Float64Array.from(xy),
		edgeShape: Int32Array.from(edgeShape)
	};
}
