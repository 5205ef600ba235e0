/**
 * Plain-array geometry helpers used by the geodata build (lon/lat degrees, WGS84).
 *
 * Areal geometry is handled internally as MPoly = Poly[] (Poly = [outer, ...holes],
 * rings closed). Lengths are geodesic (haversine on the same sphere turf uses);
 * small-scale planar work uses a local equirectangular approximation.
 */
import type { MultiPolygon, Polygon } from 'geojson';

export type Pos = [number, number];
export type Ring = Pos[];
export type Poly = Ring[];
export type MPoly = Poly[];
export type BBox = [number, number, number, number];

/** Mean earth radius used by turf (metres). */
export const EARTH_RADIUS = 6371008.8;
const DEG = Math.PI / 180;

export function round5(v: number): number {
	const r = Math.round(v * 1e5) / 1e5;
	return r === 0 ? 0 : r;
}

export function roundPos(p: Pos): Pos {
	return [round5(p[0]), round5(p[1])];
}

export function samePos(a: Pos, b: Pos): boolean {
	return a[0] === b[0] && a[1] === b[1];
}

/** Planar signed area in square degrees (positive = counter-clockwise). */
export function ringSignedArea(r: Ring): number {
	let s = 0;
	for (let i = 0, n = r.length - 1; i < n; i++) {
		s += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
	}
	return s / 2;
}

/** Approximate ring area in m² (local equirectangular). */
export function ringAreaM2(r: Ring): number {
	if (r.length < 4) return 0;
	const lat0 = r[0][1];
	const kx = metresPerDegLon(lat0);
	const ky = metresPerDegLat();
	return Math.abs(ringSignedArea(r)) * kx * ky;
}

export function polyAreaM2(p: Poly): number {
	let a = ringAreaM2(p[0]);
	for (let i = 1; i < p.length; i++) a -= ringAreaM2(p[i]);
	return Math.max(0, a);
}

export function mpolyAreaM2(m: MPoly): number {
	let a = 0;
	for (const p of m) a += polyAreaM2(p);
	return a;
}

export function metresPerDegLon(lat: number): number {
	return EARTH_RADIUS * DEG * Math.cos(lat * DEG);
}

export function metresPerDegLat(): number {
	return EARTH_RADIUS * DEG;
}

/**
 * Round a ring to 5 decimals, drop repeated points and spikes that collapse to a
 * back-and-forth, close it. Returns null when nothing with area is left.
 */
export function cleanRing(r: Ring, round = true): Ring | null {
	const pts: Pos[] = [];
	for (const p of r) {
		const q = round ? roundPos(p) : p;
		if (pts.length === 0 || !samePos(pts[pts.length - 1], q)) pts.push(q);
	}
	if (pts.length > 1 && samePos(pts[0], pts[pts.length - 1])) pts.pop();
	removeSpikes(pts);
	if (pts.length < 3) return null;
	const ring: Ring = [...pts, pts[0]];
	if (ringSignedArea(ring) === 0) return null;
	return ring;
}

/** Needle spikes narrower than this (degrees) are removed from rings. */
const SPIKE_WIDTH = 1.5e-5;

/**
 * Remove vertices where an open ring (no closing point) turns back on itself along an
 * almost zero-width needle (the next point lies within SPIKE_WIDTH of the incoming edge,
 * or the previous one within SPIKE_WIDTH of the outgoing edge).
 */
function removeSpikes(pts: Pos[]): void {
	let changed = true;
	while (changed && pts.length >= 3) {
		changed = false;
		for (let i = 0; i < pts.length && pts.length >= 3; i++) {
			const a = pts[(i + pts.length - 1) % pts.length];
			const b = pts[i];
			const c = pts[(i + 1) % pts.length];
			const abx = b[0] - a[0];
			const aby = b[1] - a[1];
			const bcx = c[0] - b[0];
			const bcy = c[1] - b[1];
			if (abx * bcx + aby * bcy >= 0) continue; // not turning back
			const lab = Math.hypot(abx, aby);
			const lbc = Math.hypot(bcx, bcy);
			const cross = Math.abs(abx * (c[1] - a[1]) - aby * (c[0] - a[0]));
			const dC = lab > 0 ? cross / lab : 0;
			const dA = lbc > 0 ? cross / lbc : 0;
			if (Math.min(dC, dA) <= SPIKE_WIDTH) {
				pts.splice(i, 1);
				// drop a duplicate created by the removal
				const j = (i + pts.length - 1) % pts.length;
				if (pts.length > 1 && samePos(pts[j], pts[i % pts.length])) pts.splice(i % pts.length, 1);
				changed = true;
				i--;
			}
		}
	}
}

/** Orient rings: outer counter-clockwise, holes clockwise (RFC 7946). */
export function orientPoly(p: Poly): Poly {
	return p.map((r, i) => {
		const ccw = ringSignedArea(r) > 0;
		const wantCcw = i === 0;
		return ccw === wantCcw ? r : [...r].reverse();
	});
}

export function toMPoly(g: Polygon | MultiPolygon): MPoly {
	const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	return polys.map((p) => p.map((r) => r.map((c) => [c[0], c[1]] as Pos)));
}

export function toGeoJSON(m: MPoly): Polygon | MultiPolygon {
	if (m.length === 1) return { type: 'Polygon', coordinates: m[0] };
	return { type: 'MultiPolygon', coordinates: m };
}

/** Round + clean all rings, drop parts whose outer ring vanished or is smaller than minPartM2. */
export function cleanMPoly(m: MPoly, minPartM2 = 0): MPoly {
	const out: MPoly = [];
	for (const p of m) {
		const outer = cleanRing(p[0]);
		if (!outer) continue;
		if (minPartM2 > 0 && ringAreaM2(outer) < minPartM2) continue;
		const holes: Ring[] = [];
		for (const h of p.slice(1)) {
			const hr = cleanRing(h);
			if (hr) holes.push(hr);
		}
		out.push(orientPoly([outer, ...holes]));
	}
	return out;
}

export function mapMPoly(m: MPoly, f: (p: Pos) => Pos): MPoly {
	return m.map((p) => p.map((r) => r.map(f)));
}

export function bboxOfRings(rings: Iterable<Ring>): BBox {
	const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
	for (const r of rings) {
		for (const [x, y] of r) {
			if (x < b[0]) b[0] = x;
			if (y < b[1]) b[1] = y;
			if (x > b[2]) b[2] = x;
			if (y > b[3]) b[3] = y;
		}
	}
	return b;
}

export function bboxOfMPoly(m: MPoly): BBox {
	return bboxOfRings(m.map((p) => p[0]));
}

export function inBBox(p: Pos, b: BBox): boolean {
	return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

/** Even-odd ray casting; points exactly on an edge may go either way. */
export function pointInRing(p: Pos, r: Ring): boolean {
	const [x, y] = p;
	let inside = false;
	for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
		const xi = r[i][0];
		const yi = r[i][1];
		const xj = r[j][0];
		const yj = r[j][1];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

export function pointInPoly(p: Pos, poly: Poly): boolean {
	if (!pointInRing(p, poly[0])) return false;
	for (let i = 1; i < poly.length; i++) if (pointInRing(p, poly[i])) return false;
	return true;
}

export function pointInMPoly(p: Pos, m: MPoly): boolean {
	for (const poly of m) if (pointInPoly(p, poly)) return true;
	return false;
}

/** Distance in metres from p to segment a-b (local equirectangular around p). */
export function distToSegmentM(p: Pos, a: Pos, b: Pos): number {
	const kx = metresPerDegLon(p[1]);
	const ky = metresPerDegLat();
	const ax = (a[0] - p[0]) * kx;
	const ay = (a[1] - p[1]) * ky;
	const bx = (b[0] - p[0]) * kx;
	const by = (b[1] - p[1]) * ky;
	const dx = bx - ax;
	const dy = by - ay;
	const l2 = dx * dx + dy * dy;
	let t = l2 > 0 ? -(ax * dx + ay * dy) / l2 : 0;
	t = Math.max(0, Math.min(1, t));
	const ex = ax + t * dx;
	const ey = ay + t * dy;
	return Math.sqrt(ex * ex + ey * ey);
}

/** Distance in metres from p to the nearest ring edge of m. */
export function distToBoundaryM(p: Pos, m: MPoly): number {
	let best = Infinity;
	for (const poly of m) {
		for (const r of poly) {
			for (let i = 1; i < r.length; i++) {
				const d = distToSegmentM(p, r[i - 1], r[i]);
				if (d < best) best = d;
			}
		}
	}
	return best;
}

/**
 * A point guaranteed to be inside the polygon (not a centroid): on a few horizontal
 * scan lines through the largest part, take the midpoint of the widest inside interval.
 */
export function pointOnSurface(m: MPoly): Pos {
	let largest = m[0];
	let la = -1;
	for (const p of m) {
		const a = polyAreaM2(p);
		if (a > la) {
			la = a;
			largest = p;
		}
	}
	const b = bboxOfRings(largest);
	let best: Pos | null = null;
	let bestW = -1;
	const lines = 15;
	for (let k = 1; k <= lines; k++) {
		// avoid scanning exactly through vertices: nudge by an irrational fraction
		const y = b[1] + ((b[3] - b[1]) * (k - 0.5 + 0.0137)) / lines;
		const xs: number[] = [];
		for (const r of largest) {
			for (let i = 1; i < r.length; i++) {
				const [x1, y1] = r[i - 1];
				const [x2, y2] = r[i];
				if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
			}
		}
		xs.sort((u, v) => u - v);
		for (let i = 0; i + 1 < xs.length; i += 2) {
			// favour central scan lines slightly
			const w = (xs[i + 1] - xs[i]) * (1 - Math.abs(k - (lines + 1) / 2) / (lines * 2));
			if (w > bestW) {
				bestW = w;
				best = [(xs[i] + xs[i + 1]) / 2, y];
			}
		}
	}
	if (!best) throw new Error('pointOnSurface: empty polygon');
	return best;
}

/** Haversine distance in metres (same sphere as turf.distance). */
export function haversineM(a: Pos, b: Pos): number {
	const dLat = (b[1] - a[1]) * DEG;
	const dLon = (b[0] - a[0]) * DEG;
	const s =
		Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * DEG) * Math.cos(b[1] * DEG) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
}

export function lineLengthM(line: Pos[]): number {
	let s = 0;
	for (let i = 1; i < line.length; i++) s += haversineM(line[i - 1], line[i]);
	return s;
}

/**
 * Cut a polyline into consecutive pieces of equal length, each at most maxM metres
 * (measured geodesically). Interpolation is linear in lon/lat, which is exact enough
 * at sub-kilometre scale.
 */
export function cutLine(line: Pos[], maxM: number): Pos[][] {
	const total = lineLengthM(line);
	const n = Math.max(1, Math.ceil(total / maxM));
	if (n === 1) return [line];
	const step = total / n;
	const out: Pos[][] = [];
	let cur: Pos[] = [line[0]];
	let acc = 0; // length consumed in the current piece
	let target = step;
	let done = 0;
	for (let i = 1; i < line.length; i++) {
		let a = line[i - 1];
		const b = line[i];
		let segLen = haversineM(a, b);
		while (done < n - 1 && acc + segLen >= target - 1e-9) {
			const t = segLen > 0 ? (target - acc) / segLen : 0;
			const p: Pos = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
			cur.push(p);
			out.push(cur);
			cur = [p];
			done++;
			segLen -= target - acc;
			acc = 0;
			a = p;
			target = step;
		}
		acc += segLen;
		cur.push(b);
	}
	out.push(cur);
	return out;
}

/** Point at distance d (metres) along a polyline. */
export function pointAlong(line: Pos[], d: number): Pos {
	let acc = 0;
	for (let i = 1; i < line.length; i++) {
		const l = haversineM(line[i - 1], line[i]);
		if (acc + l >= d && l > 0) {
			const t = (d - acc) / l;
			return [
				line[i - 1][0] + (line[i][0] - line[i - 1][0]) * t,
				line[i - 1][1] + (line[i][1] - line[i - 1][1]) * t
			];
		}
		acc += l;
	}
	return line[line.length - 1];
}

/** The part of a polyline between distances fromM and toM (metres) along it. */
export function subLine(line: Pos[], fromM: number, toM: number): Pos[] {
	const out: Pos[] = [pointAlong(line, fromM)];
	let acc = 0;
	for (let i = 1; i < line.length; i++) {
		acc += haversineM(line[i - 1], line[i]);
		if (acc > fromM && acc < toM) out.push(line[i]);
	}
	out.push(pointAlong(line, toM));
	return out;
}

/** Midpoint by length. */
export function lineMidpoint(line: Pos[]): Pos {
	return pointAlong(line, lineLengthM(line) / 2);
}

/** Remove consecutive duplicates after rounding; null if fewer than 2 distinct points remain. */
export function cleanLine(line: Pos[]): Pos[] | null {
	const out: Pos[] = [];
	for (const p of line) {
		const q = roundPos(p);
		if (out.length === 0 || !samePos(out[out.length - 1], q)) out.push(q);
	}
	return out.length >= 2 ? out : null;
}

/** Offset a point by metres east/north. */
export function offsetM(p: Pos, east: number, north: number): Pos {
	return [p[0] + east / metresPerDegLon(p[1]), p[1] + north / metresPerDegLat()];
}

// ---------------------------------------------------------------------------
// Uniform-grid index of line segments (lon/lat), for nearest-distance queries and
// for finding the polygon edges a line crosses.

export interface Seg {
	ax: number;
	ay: number;
	bx: number;
	by: number;
}

export class SegIndex {
	private readonly grid = new Map<number, Seg[]>();
	constructor(private readonly cell: number) {}

	private key(ix: number, iy: number): number {
		return (ix + 20000) * 40000 + (iy + 20000);
	}

	add(a: Pos, b: Pos): void {
		const s: Seg = { ax: a[0], ay: a[1], bx: b[0], by: b[1] };
		const x0 = Math.floor(Math.min(a[0], b[0]) / this.cell);
		const x1 = Math.floor(Math.max(a[0], b[0]) / this.cell);
		const y0 = Math.floor(Math.min(a[1], b[1]) / this.cell);
		const y1 = Math.floor(Math.max(a[1], b[1]) / this.cell);
		for (let x = x0; x <= x1; x++) {
			for (let y = y0; y <= y1; y++) {
				const k = this.key(x, y);
				const list = this.grid.get(k);
				if (list) list.push(s);
				else this.grid.set(k, [s]);
			}
		}
	}

	addLine(line: Pos[]): void {
		for (let i = 1; i < line.length; i++) this.add(line[i - 1], line[i]);
	}

	addMPoly(m: MPoly): void {
		for (const p of m) for (const r of p) this.addLine(r);
	}

	/** Segments whose grid cells overlap the bbox (may contain duplicates). */
	candidates(minX: number, minY: number, maxX: number, maxY: number): Seg[] {
		const out: Seg[] = [];
		const x0 = Math.floor(minX / this.cell);
		const x1 = Math.floor(maxX / this.cell);
		const y0 = Math.floor(minY / this.cell);
		const y1 = Math.floor(maxY / this.cell);
		for (let x = x0; x <= x1; x++) {
			for (let y = y0; y <= y1; y++) {
				const list = this.grid.get(this.key(x, y));
				if (list) for (const s of list) out.push(s);
			}
		}
		return out;
	}

	/** Distance in metres to the nearest indexed segment, capped at maxM. */
	nearestM(p: Pos, maxM: number): number {
		const dx = maxM / metresPerDegLon(p[1]);
		const dy = maxM / metresPerDegLat();
		let best = maxM;
		for (const s of this.candidates(p[0] - dx, p[1] - dy, p[0] + dx, p[1] + dy)) {
			const d = distToSegmentM(p, [s.ax, s.ay], [s.bx, s.by]);
			if (d < best) best = d;
		}
		return best;
	}
}

/**
 * Parameters t in (0,1) where segment p->q crosses any indexed segment.
 * Collinear overlaps are ignored (the midpoint test downstream resolves them).
 */
export function crossingParams(p: Pos, q: Pos, index: SegIndex): number[] {
	const rx = q[0] - p[0];
	const ry = q[1] - p[1];
	const ts: number[] = [];
	const cands = index.candidates(
		Math.min(p[0], q[0]),
		Math.min(p[1], q[1]),
		Math.max(p[0], q[0]),
		Math.max(p[1], q[1])
	);
	const seen = new Set<Seg>();
	for (const s of cands) {
		if (seen.has(s)) continue;
		seen.add(s);
		const sx = s.bx - s.ax;
		const sy = s.by - s.ay;
		const den = rx * sy - ry * sx;
		if (den === 0) continue;
		const wx = s.ax - p[0];
		const wy = s.ay - p[1];
		const t = (wx * sy - wy * sx) / den;
		const u = (wx * ry - wy * rx) / den;
		if (t > 1e-12 && t < 1 - 1e-12 && u >= 0 && u <= 1) ts.push(t);
	}
	ts.sort((a, b) => a - b);
	return ts;
}

// ---------------------------------------------------------------------------
// Index of areal units for point location.

export interface Located<T> {
	item: T;
	geom: MPoly;
	bbox: BBox;
}

export class PolyIndex<T> {
	private readonly grid = new Map<number, Located<T>[]>();
	constructor(private readonly cell: number) {}

	private key(ix: number, iy: number): number {
		return (ix + 20000) * 40000 + (iy + 20000);
	}

	add(item: T, geom: MPoly): void {
		const bbox = bboxOfMPoly(geom);
		const entry: Located<T> = { item, geom, bbox };
		for (let x = Math.floor(bbox[0] / this.cell); x <= Math.floor(bbox[2] / this.cell); x++) {
			for (let y = Math.floor(bbox[1] / this.cell); y <= Math.floor(bbox[3] / this.cell); y++) {
				const k = this.key(x, y);
				const list = this.grid.get(k);
				if (list) list.push(entry);
				else this.grid.set(k, [entry]);
			}
		}
	}

	locate(p: Pos): T | null {
		const list = this.grid.get(
			this.key(Math.floor(p[0] / this.cell), Math.floor(p[1] / this.cell))
		);
		if (!list) return null;
		for (const e of list) if (inBBox(p, e.bbox) && pointInMPoly(p, e.geom)) return e.item;
		return null;
	}
}
