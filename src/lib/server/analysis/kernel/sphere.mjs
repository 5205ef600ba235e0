// Exact great-circle distances on the sphere, and the cheap local-plane estimate's margin.
//
// Distances are great-circle metres on a sphere of radius R, exactly what PostGIS geography
// computes with use_spheroid = false (and Turf): a pair is decided by the exact spherical
// distance whenever a cheap local-plane estimate cannot decide it with a safe margin. The plane
// is an equirectangular frame centred on the object being tested (lon scaled by the cosine of
// its latitude); over the few kilometres involved its error is far below the margin used.
//
// Part of the analysis kernel (this folder): plain JavaScript (with JSDoc types) because it
// runs inside a worker thread that is started from source by `node` in every setting — the
// built app, tsx scripts and tests — where TypeScript cannot be loaded. The layout of the data
// is in types.d.ts.

/**
 * @typedef {import('./types').Shapes} Shapes
 */

export const EARTH_RADIUS_M = 6_371_008.8;
export const DEG = Math.PI / 180;
/** metres per degree of latitude (and of longitude at the equator) */
export const M_PER_DEG = EARTH_RADIUS_M * DEG;

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
export const U = new Float64Array(9);

/** @param {number} lon @param {number} lat @param {number} at */
export function unit(lon, lat, at) {
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
export function planeMargin(d, span, maxLat, edge) {
	const tan = Math.tan(Math.min(Math.abs(maxLat), 80) * DEG);
	// lon scale error (cos at the frame's latitude vs the pair's) + curvature of the sphere and
	// of geodesic edges drawn straight in the plane + rounding
	return 0.05 + d * (3 * tan * (span / EARTH_RADIUS_M) + 1e-6) + (edge * edge) / EARTH_RADIUS_M;
}
