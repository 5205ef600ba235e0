// The province-scale analyses as plain loops over typed arrays. Plain JavaScript (with JSDoc
// types) because it runs inside a worker thread that is started from source by `node` in every
// setting — the built app, tsx scripts and tests — where TypeScript cannot be loaded.
//
// Distances are great-circle metres on a sphere of radius R, exactly what PostGIS geography
// computes with use_spheroid = false (and Turf): a pair is decided by the exact spherical
// distance whenever a cheap local-plane estimate cannot decide it with a safe margin. The plane
// is an equirectangular frame centred on the object being tested (lon scaled by the cosine of
// its latitude); over the few kilometres involved its error is far below the margin used.
//
// Layout of the data (all Float64Array unless said otherwise):
//   residences: lon, lat, id, code (12-digit village code as a number), sorted by code then id,
//     so a jurisdiction prefix is one contiguous index range;
//   shapes (segments, facilities): start (Int32Array, n+1 vertex offsets), x/y (vertex lon/lat),
//     id, code, flag (Uint8Array; for segments 1 = four items incomplete).

export const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;
/** metres per degree of latitude (and of longitude at the equator) */
const M_PER_DEG = EARTH_RADIUS_M * DEG;

/**
 * @typedef {{ lon: Float64Array, lat: Float64Array, id: Float64Array, code: Float64Array }} Points
 * @typedef {{ start: Int32Array, x: Float64Array, y: Float64Array, id: Float64Array,
 *   code: Float64Array, flag: Uint8Array }} Shapes
 * @typedef {{ west: number, south: number, cell: number, cols: number, rows: number,
 *   start: Int32Array, lon: Float64Array, lat: Float64Array, index: Int32Array }} PointGrid
 * @typedef {{ west: number, south: number, cell: number, cols: number, rows: number,
 *   start: Int32Array, slotChunk: Int32Array, box: Float64Array, chunkStart: Int32Array,
 *   xy: Float64Array, uv: Float64Array, edgeShape: Int32Array }} EdgeGrid
 */

// ---------------------------------------------------------------------------------------------
// WKB (as returned by ST_AsBinary / ST_AsEWKB): points and linestrings, with optional Z and M.

/**
 * Decode a WKB MultiPoint or MultiLineString (ISO or EWKB flags, any byte order) into flat
 * arrays: `start` holds vertex offsets per part; `dims` are the ordinates per vertex (x, y, and
 * z/m when present).
 * @param {Uint8Array | null | undefined} bytes
 * @returns {{ start: Int32Array, coords: Float64Array, dims: number }}
 */
export function decodeWkbCollection(bytes) {
	if (!bytes || bytes.byteLength === 0)
		return { start: new Int32Array(1), coords: new Float64Array(0), dims: 2 };
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let o = 0;
	/** @returns {{ le: boolean, type: number, dims: number }} */
	const header = () => {
		const le = view.getUint8(o) === 1;
		let t = view.getUint32(o + 1, le);
		o += 5;
		let dims = 2;
		if (t & 0x80000000) dims++;
		if (t & 0x40000000) dims++;
		const hasSrid = (t & 0x20000000) !== 0;
		t &= 0x0fffffff;
		if (t >= 1000) {
			const kind = Math.floor(t / 1000);
			dims = kind === 3 ? 4 : 3;
			t %= 1000;
		}
		if (hasSrid) o += 4;
		return { le, type: t, dims };
	};
	const top = header();
	if (top.type !== 4 && top.type !== 5 && top.type !== 7)
		throw new Error(`unsupported WKB type ${top.type}`);
	const parts = view.getUint32(o, top.le);
	o += 4;
	// first pass: count vertices
	const save = o;
	let total = 0;
	for (let i = 0; i < parts; i++) {
		const h = header();
		const n = h.type === 1 ? 1 : view.getUint32(o, h.le);
		if (h.type !== 1) o += 4;
		if (h.type !== 1 && h.type !== 2) throw new Error(`unsupported WKB part type ${h.type}`);
		o += n * h.dims * 8;
		total += n;
	}
	o = save;
	const dims = top.dims;
	const start = new Int32Array(parts + 1);
	const coords = new Float64Array(total * dims);
	let v = 0;
	for (let i = 0; i < parts; i++) {
		const h = header();
		const n = h.type === 1 ? 1 : view.getUint32(o, h.le);
		if (h.type !== 1) o += 4;
		start[i] = v;
		for (let k = 0; k < n; k++) {
			for (let d = 0; d < h.dims; d++) {
				if (d < dims) coords[v * dims + d] = view.getFloat64(o, h.le);
				o += 8;
			}
			v++;
		}
	}
	start[parts] = v;
	return { start, coords, dims };
}

/**
 * Residences from a WKB MultiPoint ZM whose z is the child's id and m the village code.
 * @param {Uint8Array | null | undefined} wkb
 * @returns {Points}
 */
export function residencesFromWkb(wkb) {
	const { start, coords, dims } = decodeWkbCollection(wkb);
	const n = start.length - 1;
	const lon = new Float64Array(n);
	const lat = new Float64Array(n);
	const id = new Float64Array(n);
	const code = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const b = start[i] * dims;
		lon[i] = coords[b];
		lat[i] = coords[b + 1];
		id[i] = dims > 2 ? coords[b + 2] : i;
		code[i] = dims > 3 ? coords[b + 3] : 0;
	}
	return { lon, lat, id, code };
}

/**
 * Residences from several WKB collections, concatenated in the order given.
 * @param {(Uint8Array | null)[]} parts
 */
export function residencesFromWkbParts(parts) {
	const decoded = parts.map((w) => residencesFromWkb(w));
	const n = decoded.reduce((a, d) => a + d.lon.length, 0);
	const out = {
		lon: new Float64Array(n),
		lat: new Float64Array(n),
		id: new Float64Array(n),
		code: new Float64Array(n)
	};
	let at = 0;
	for (const d of decoded) {
		out.lon.set(d.lon, at);
		out.lat.set(d.lat, at);
		out.id.set(d.id, at);
		out.code.set(d.code, at);
		at += d.lon.length;
	}
	return out;
}

/**
 * Shapes (segments or facility points) from a WKB collection whose every vertex carries z = id
 * and m = administrative code; `flags` is one character '0'/'1' per shape in the same order.
 * @param {Uint8Array | null | undefined} wkb
 * @param {string} [flags]
 * @returns {Shapes}
 */
export function shapesFromWkb(wkb, flags = '') {
	const { start, coords, dims } = decodeWkbCollection(wkb);
	const n = start.length - 1;
	const nv = start[n];
	const x = new Float64Array(nv);
	const y = new Float64Array(nv);
	for (let v = 0; v < nv; v++) {
		x[v] = coords[v * dims];
		y[v] = coords[v * dims + 1];
	}
	const id = new Float64Array(n);
	const code = new Float64Array(n);
	const flag = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const b = start[i] * dims;
		id[i] = dims > 2 ? coords[b + 2] : i;
		code[i] = dims > 3 ? coords[b + 3] : 0;
		flag[i] = flags.charCodeAt(i) === 49 ? 1 : 0;
	}
	return { start, x, y, id, code, flag };
}

// ---------------------------------------------------------------------------------------------
// Exact distances on the sphere.

/** Great-circle metres between two lon/lat points (haversine). */
export function haversineMeters(
	/** @type {number} */ lon1,
	/** @type {number} */ lat1,
	/** @type {number} */ lon2,
	/** @type {number} */ lat2
) {
	const s1 = Math.sin(((lat2 - lat1) * DEG) / 2);
	const s2 = Math.sin(((lon2 - lon1) * DEG) / 2);
	const h = s1 * s1 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * s2 * s2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** scratch space for unit vectors: no allocation in the hot path */
const U = new Float64Array(9);

/** @param {number} lon @param {number} lat @param {number} at */
function unit(lon, lat, at) {
	const cl = Math.cos(lat * DEG);
	U[at] = cl * Math.cos(lon * DEG);
	U[at + 1] = cl * Math.sin(lon * DEG);
	U[at + 2] = Math.sin(lat * DEG);
}

/**
 * Great-circle metres from a point to the minor arc between two vertices (the geodesic edge
 * PostGIS geography uses): the perpendicular foot if it falls inside the arc, else the nearer
 * end.
 * @param {number} plon @param {number} plat @param {number} alon @param {number} alat
 * @param {number} blon @param {number} blat
 */
export function pointEdgeMeters(plon, plat, alon, alat, blon, blat) {
	unit(plon, plat, 0);
	unit(alon, alat, 3);
	unit(blon, blat, 6);
	return unitEdgeMeters(U[0], U[1], U[2], U[3], U[4], U[5], U[6], U[7], U[8]);
}

/**
 * The same from unit vectors (p, a, b), for callers that keep them.
 * @param {number} px @param {number} py @param {number} pz @param {number} ax @param {number} ay
 * @param {number} az @param {number} bx @param {number} by @param {number} bz
 */
export function unitEdgeMeters(px, py, pz, ax, ay, az, bx, by, bz) {
	let nx = ay * bz - az * by,
		ny = az * bx - ax * bz,
		nz = ax * by - ay * bx;
	const nn = Math.sqrt(nx * nx + ny * ny + nz * nz);
	if (nn < 1e-15) return unitAngle(px, py, pz, ax, ay, az) * EARTH_RADIUS_M; // a point
	nx /= nn;
	ny /= nn;
	nz /= nn;
	const s = px * nx + py * ny + pz * nz;
	// foot of the perpendicular on the great circle (unnormalised; only directions matter)
	const cx = px - s * nx,
		cy = py - s * ny,
		cz = pz - s * nz;
	// c lies on the arc a→b iff a×c and c×b both point along n
	const acn = (ay * cz - az * cy) * nx + (az * cx - ax * cz) * ny + (ax * cy - ay * cx) * nz;
	const cbn = (cy * bz - cz * by) * nx + (cz * bx - cx * bz) * ny + (cx * by - cy * bx) * nz;
	if (acn >= 0 && cbn >= 0) {
		return Math.atan2(Math.abs(s), Math.sqrt(cx * cx + cy * cy + cz * cz)) * EARTH_RADIUS_M;
	}
	return (
		Math.min(unitAngle(px, py, pz, ax, ay, az), unitAngle(px, py, pz, bx, by, bz)) * EARTH_RADIUS_M
	);
}

/**
 * Angle between two unit vectors, precise at small angles.
 * @param {number} ax @param {number} ay @param {number} az @param {number} bx @param {number} by
 * @param {number} bz
 */
function unitAngle(ax, ay, az, bx, by, bz) {
	const cx = ay * bz - az * by,
		cy = az * bx - ax * bz,
		cz = ax * by - ay * bx;
	return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz);
}

/**
 * Exact metres from a point to a shape (polyline or single point).
 * @param {Shapes} s @param {number} i @param {number} plon @param {number} plat
 */
export function pointShapeMeters(s, i, plon, plat) {
	const a = s.start[i];
	const b = s.start[i + 1];
	if (b - a === 1) return haversineMeters(plon, plat, s.x[a], s.y[a]);
	let best = Infinity;
	for (let v = a; v < b - 1; v++) {
		const d = pointEdgeMeters(plon, plat, s.x[v], s.y[v], s.x[v + 1], s.y[v + 1]);
		if (d < best) best = d;
	}
	return best;
}

/** scratch: squared plane distance of each edge of a polyline */
let EDGE_D2 = new Float64Array(256);

/**
 * Exact metres from a point to the polyline of vertices first..last of a shape (one point
 * when first === last), the same as pointShapeMeters gives for a whole shape, but measuring on
 * the sphere only the edges that can be the nearest: in a plane centred on the point every
 * edge's distance is estimated, and an edge farther than the nearest estimate plus both
 * estimates' error bounds cannot hold the minimum. Usually one or two edges get the spherical
 * formula instead of all of them.
 * @param {Shapes} s @param {number} first @param {number} last @param {number} plon
 * @param {number} plat
 */
export function pointEdgesMeters(s, first, last, plon, plat) {
	if (first === last) return haversineMeters(plon, plat, s.x[first], s.y[first]);
	// the point's unit vector, and every vertex's (computed once per set of shapes); the
	// point's gives the cosine and tangent of its latitude as well
	unit(plon, plat, 0);
	const px = U[0],
		py = U[1],
		pz = U[2];
	const uv = unitsOf(s);
	if (last === first + 1) {
		const a3 = first * 3;
		return unitEdgeMeters(
			px,
			py,
			pz,
			uv[a3],
			uv[a3 + 1],
			uv[a3 + 2],
			uv[a3 + 3],
			uv[a3 + 4],
			uv[a3 + 5]
		);
	}
	const a = first;
	const ne = last - first;
	if (ne > EDGE_D2.length) EDGE_D2 = new Float64Array(ne * 2);
	const cosLat = Math.sqrt(px * px + py * py);
	const kx = cosLat * M_PER_DEG;
	let min2 = Infinity;
	let len2Max = 0;
	for (let e = 0; e < ne; e++) {
		const v = a + e;
		const ax = (s.x[v] - plon) * kx,
			ay = (s.y[v] - plat) * M_PER_DEG;
		const ex = (s.x[v + 1] - plon) * kx - ax,
			ey = (s.y[v + 1] - plat) * M_PER_DEG - ay;
		const len2 = ex * ex + ey * ey;
		let t = len2 > 0 ? -(ax * ex + ay * ey) / len2 : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		const fx = ax + t * ex,
			fy = ay + t * ey;
		const d2 = fx * fx + fy * fy;
		EDGE_D2[e] = d2;
		if (d2 < min2) min2 = d2;
		if (len2 > len2Max) len2Max = len2;
	}
	// planeMargin with the frame on the point, for any edge up to 1 m beyond the nearest
	// estimate: an edge farther than that plus twice the margin cannot hold the minimum
	const dMin = Math.sqrt(min2);
	const lenMax = Math.sqrt(len2Max);
	const span = dMin + 1 + lenMax;
	// tan(|lat| + span) from the unit vector: tan(a + δ) = (tan a + tan δ) / (1 − tan a tan δ),
	// with tan δ < 1.0001 δ for δ < 0.01 rad; capped at 80° as planeMargin is
	const tanLat = Math.abs(pz) / cosLat;
	const dl = (span / EARTH_RADIUS_M) * 1.0001;
	const below = 1 - tanLat * dl;
	const tan = dl < 0.01 && below > 0 ? Math.min((tanLat + dl) / below, TAN80) : TAN80;
	const err =
		0.05 + (dMin + 1) * (3 * tan * (span / EARTH_RADIUS_M) + 1e-6) + len2Max / EARTH_RADIUS_M;
	const keep2 = err <= 0.5 ? (dMin + 2 * err) ** 2 : Infinity;
	let best = Infinity;
	for (let e = 0; e < ne; e++) {
		if (EDGE_D2[e] > keep2) continue;
		const o = (a + e) * 3;
		const m = unitEdgeMeters(
			px,
			py,
			pz,
			uv[o],
			uv[o + 1],
			uv[o + 2],
			uv[o + 3],
			uv[o + 4],
			uv[o + 5]
		);
		if (m < best) best = m;
	}
	return best;
}
const TAN80 = Math.tan(80 * DEG);

/** @type {WeakMap<Shapes, Float64Array>} */
const UNITS = new WeakMap();

/**
 * The unit vector of every vertex of a set of shapes (x, y, z per vertex), computed once.
 * @param {Shapes} s
 */
function unitsOf(s) {
	let uv = UNITS.get(s);
	if (uv) return uv;
	uv = unitVectors(s.x, s.y);
	UNITS.set(s, uv);
	return uv;
}

/**
 * Unit vectors (x, y, z per point) of points given by longitude and latitude.
 * @param {Float64Array} lon @param {Float64Array} lat
 */
function unitVectors(lon, lat) {
	const uv = new Float64Array(lon.length * 3);
	for (let v = 0; v < lon.length; v++) {
		unit(lon[v], lat[v], 0);
		uv[v * 3] = U[0];
		uv[v * 3 + 1] = U[1];
		uv[v * 3 + 2] = U[2];
	}
	return uv;
}

/**
 * How far the local-plane estimate may be from the exact distance, in metres, for distances
 * up to `d` from a frame centred `span` metres away at latitudes up to `maxLat`, with edges up
 * to `edge` metres long. Generous on purpose: pairs inside the margin get the exact test, and
 * they are few.
 * @param {number} d @param {number} span @param {number} maxLat @param {number} edge
 */
function planeMargin(d, span, maxLat, edge) {
	const tan = Math.tan(Math.min(Math.abs(maxLat), 80) * DEG);
	// lon scale error (cos at the frame's latitude vs the pair's) + curvature of the sphere and
	// of geodesic edges drawn straight in the plane + rounding
	return 0.05 + d * (3 * tan * (span / EARTH_RADIUS_M) + 1e-6) + (edge * edge) / EARTH_RADIUS_M;
}

// ---------------------------------------------------------------------------------------------
// Grids: CSR arrays (cell → contiguous slice), rows of cells adjacent in memory.

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
const CHUNK_EDGES = 32;
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

// ---------------------------------------------------------------------------------------------
// Scoping by administrative code prefix.

/**
 * The numeric range [lo, hi) of 12-digit codes that start with `prefix`.
 * @param {string} prefix
 */
export function codeRange(prefix) {
	if (!/^\d{1,12}$/.test(prefix)) throw new Error(`bad prefix ${prefix}`);
	const scale = 10 ** (12 - prefix.length);
	const p = Number(prefix);
	return { lo: p * scale, hi: (p + 1) * scale };
}

/**
 * Index range of the residences (sorted by code) inside a prefix.
 * @param {Float64Array} code @param {string} prefix
 */
export function prefixSlice(code, prefix) {
	const { lo, hi } = codeRange(prefix);
	/** @param {number} v */
	const lower = (v) => {
		let a = 0,
			b = code.length;
		while (a < b) {
			const m = (a + b) >>> 1;
			if (code[m] < v) a = m + 1;
			else b = m;
		}
		return a;
	};
	return { from: lower(lo), to: lower(hi) };
}

// ---------------------------------------------------------------------------------------------
// The radius kernel: for one shape, every residence (in [from, to)) within r metres. Edge by
// edge, so a long or winding segment only scans the cells near each of its edges; a stamp per
// residence keeps a residence from being counted twice for one shape (or, with one tag for
// every shape, from being tested again once found).

/** scratch: a chunk's vertices in its local plane, and per edge its vector and 1 / length² */
const CX = new Float64Array(CHUNK_EDGES + 2);
const CY = new Float64Array(CHUNK_EDGES + 2);
const EX = new Float64Array(CHUNK_EDGES + 2);
const EY = new Float64Array(CHUNK_EDGES + 2);
const INV2 = new Float64Array(CHUNK_EDGES + 2);

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
 * One chunk in its local plane, shared by the radius scanners below: the frame (centre, lon
 * scale), the plane margin and the squared radii it gives, the degree box grown by the radius,
 * and the chunk's own box in the plane. Filled by chunkFrame, reused from chunk to chunk.
 */
const F = {
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
function chunkFrame(s, first, last, radius) {
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
function chunkDist2(px, py, enough, from) {
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
let STOPPED_AT = -1;

/**
 * For a point within the margin of the radius: the exact distance on the sphere decides.
 * @param {Shapes} s @param {number} first @param {number} last @param {number} plon
 * @param {number} plat @param {number} radius
 */
function exactlyWithin(s, first, last, plon, plat, radius) {
	if (first === last) return haversineMeters(plon, plat, s.x[first], s.y[first]) <= radius;
	for (let v = first; v < last; v++)
		if (pointEdgeMeters(plon, plat, s.x[v], s.y[v], s.x[v + 1], s.y[v + 1]) <= radius) return true;
	return false;
}

/**
 * Grid cell range of the current chunk's degree box: [c0, c1] × [r0, r1].
 * @param {PointGrid} g
 */
function cellsOf(g) {
	CELLS[0] = Math.max(0, Math.floor((F.bw - g.west) / g.cell));
	CELLS[1] = Math.min(g.cols - 1, Math.floor((F.be - g.west) / g.cell));
	CELLS[2] = Math.max(0, Math.floor((F.bs - g.south) / g.cell));
	CELLS[3] = Math.min(g.rows - 1, Math.floor((F.bn - g.south) / g.cell));
}
const CELLS = new Int32Array(4);

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
			}
		}
	}
	return found;
}

// ---------------------------------------------------------------------------------------------
// The four-item rule: for each segment, how many points of each kind (children, village
// centres, schools, …) lie within the distance, and which of them all is nearest, in one pass
// over one grid that holds every kind.

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

// ---------------------------------------------------------------------------------------------
// The four analyses.

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
 * lie within `radius`.
 * @param {PointGrid} g @param {Shapes} s @param {number} radius @param {number} from
 * @param {number} to @param {number} codeLo @param {number} codeHi
 */
export function countPerShape(g, s, radius, from, to, codeLo, codeHi) {
	const { which, ids } = shapesInCodeRange(s, codeLo, codeHi);
	const counts = new Int32Array(which.length);
	const stamp = new Int32Array(g.index.length);
	for (let j = 0; j < which.length; j++)
		counts[j] = stampNearShape(g, s, which[j], radius, from, to, stamp, which[j] + 1);
	return { ids, counts };
}

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
