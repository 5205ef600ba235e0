/**
 * Planar partition on the 1e-5° grid by snap rounding.
 *
 * All boundary lines (county rings and the Voronoi edges between township seeds) are
 * put into one arrangement: every end point and every crossing becomes a "hot pixel"
 * on the output grid, every segment is re-routed through the centres of the hot pixels
 * it passes, and the faces of the resulting planar graph are traced. Each face is then
 * labelled (county, township) by a point inside it. Because every polygon is built from
 * the same rounded edges, neighbours share boundaries exactly, a dissolve is exact and
 * a child is always covered by its parent.
 */
import type { Pos, Ring } from './geo';

const SCALE = 1e5;
type IPos = [number, number];
const key = (x: number, y: number): string => `${x},${y}`;

export interface Face {
	/** Outer ring (counter-clockwise) then holes (clockwise), 5-decimal coordinates. */
	rings: Ring[];
	/** Signed area of the outer ring in grid units². */
	area: number;
}

interface Segment {
	ax: number;
	ay: number;
	bx: number;
	by: number;
}

class Grid<T> {
	private readonly cells = new Map<string, T[]>();
	constructor(readonly size: number) {}
	add(x0: number, y0: number, x1: number, y1: number, v: T): void {
		for (let x = Math.floor(x0 / this.size); x <= Math.floor(x1 / this.size); x++) {
			for (let y = Math.floor(y0 / this.size); y <= Math.floor(y1 / this.size); y++) {
				const k = key(x, y);
				const list = this.cells.get(k);
				if (list) list.push(v);
				else this.cells.set(k, [v]);
			}
		}
	}
	query(x0: number, y0: number, x1: number, y1: number, out: Set<T>): void {
		for (let x = Math.floor(x0 / this.size); x <= Math.floor(x1 / this.size); x++) {
			for (let y = Math.floor(y0 / this.size); y <= Math.floor(y1 / this.size); y++) {
				for (const v of this.cells.get(key(x, y)) ?? []) out.add(v);
			}
		}
	}
	values(): Iterable<T[]> {
		return this.cells.values();
	}
}

/** Does segment a-b (grid units) pass through the open unit pixel centred on (hx, hy)? */
function hitsPixel(s: Segment, hx: number, hy: number): boolean {
	// Liang–Barsky clipping against the open square (hx±0.5, hy±0.5)
	const dx = s.bx - s.ax;
	const dy = s.by - s.ay;
	let t0 = 0;
	let t1 = 1;
	const p = [-dx, dx, -dy, dy];
	const q = [s.ax - (hx - 0.5), hx + 0.5 - s.ax, s.ay - (hy - 0.5), hy + 0.5 - s.ay];
	for (let i = 0; i < 4; i++) {
		if (p[i] === 0) {
			if (q[i] <= 0) return false;
		} else {
			const r = q[i] / p[i];
			if (p[i] < 0) {
				if (r > t0) t0 = r;
			} else if (r < t1) t1 = r;
		}
	}
	return t0 < t1;
}

/**
 * Build the snap-rounded arrangement of the given polylines (lon/lat) and return its
 * bounded faces.
 */
export function planarFaces(lines: Pos[][]): { faces: Face[]; stats: string } {
	// 1. unique input segments in grid units (float)
	const segs: Segment[] = [];
	const seen = new Set<string>();
	for (const line of lines) {
		for (let i = 1; i < line.length; i++) {
			const a = line[i - 1];
			const b = line[i];
			const ax = a[0] * SCALE;
			const ay = a[1] * SCALE;
			const bx = b[0] * SCALE;
			const by = b[1] * SCALE;
			if (ax === bx && ay === by) continue;
			const k1 = `${ax},${ay},${bx},${by}`;
			const k2 = `${bx},${by},${ax},${ay}`;
			if (seen.has(k1) || seen.has(k2)) continue;
			seen.add(k1);
			segs.push({ ax, ay, bx, by });
		}
	}
	const segGrid = new Grid<number>(200);
	segs.forEach((s, i) =>
		segGrid.add(
			Math.min(s.ax, s.bx),
			Math.min(s.ay, s.by),
			Math.max(s.ax, s.bx),
			Math.max(s.ay, s.by),
			i
		)
	);

	// 2. hot pixels: end points and crossings
	const hot = new Map<string, IPos>();
	const addHot = (x: number, y: number) => {
		const hx = Math.round(x);
		const hy = Math.round(y);
		const k = key(hx, hy);
		if (!hot.has(k)) hot.set(k, [hx, hy]);
	};
	for (const s of segs) {
		addHot(s.ax, s.ay);
		addHot(s.bx, s.by);
	}
	let crossings = 0;
	for (const bucket of segGrid.values()) {
		for (let i = 0; i < bucket.length; i++) {
			const s = segs[bucket[i]];
			for (let j = i + 1; j < bucket.length; j++) {
				const t = segs[bucket[j]];
				const rx = s.bx - s.ax;
				const ry = s.by - s.ay;
				const sx = t.bx - t.ax;
				const sy = t.by - t.ay;
				const den = rx * sy - ry * sx;
				if (den === 0) continue;
				const wx = t.ax - s.ax;
				const wy = t.ay - s.ay;
				const u = (wx * sy - wy * sx) / den;
				const v = (wx * ry - wy * rx) / den;
				if (u <= 0 || u >= 1 || v <= 0 || v >= 1) continue;
				addHot(s.ax + u * rx, s.ay + u * ry);
				crossings++;
			}
		}
	}
	const hotGrid = new Grid<IPos>(200);
	for (const h of hot.values()) hotGrid.add(h[0], h[1], h[0], h[1], h);

	// 3. re-route every segment through the hot pixels it passes; repeat on the
	//    rounded edges until no edge passes through a further hot pixel
	const route = (s: Segment): IPos[] => {
		const cand = new Set<IPos>();
		hotGrid.query(
			Math.min(s.ax, s.bx) - 1,
			Math.min(s.ay, s.by) - 1,
			Math.max(s.ax, s.bx) + 1,
			Math.max(s.ay, s.by) + 1,
			cand
		);
		const dx = s.bx - s.ax;
		const dy = s.by - s.ay;
		const l2 = dx * dx + dy * dy;
		const hits: { t: number; h: IPos }[] = [];
		for (const h of cand) {
			if (!hitsPixel(s, h[0], h[1])) continue;
			const t = l2 > 0 ? ((h[0] - s.ax) * dx + (h[1] - s.ay) * dy) / l2 : 0;
			hits.push({ t, h });
		}
		hits.sort((p, q) => p.t - q.t || p.h[0] - q.h[0] || p.h[1] - q.h[1]);
		const path: IPos[] = [];
		for (const { h } of hits) {
			const last = path[path.length - 1];
			if (!last || last[0] !== h[0] || last[1] !== h[1]) path.push(h);
		}
		return path;
	};
	let edges = new Map<string, [IPos, IPos]>();
	const addEdge = (m: Map<string, [IPos, IPos]>, a: IPos, b: IPos) => {
		if (a[0] === b[0] && a[1] === b[1]) return;
		const ka = key(a[0], a[1]);
		const kb = key(b[0], b[1]);
		const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
		if (!m.has(k)) m.set(k, ka < kb ? [a, b] : [b, a]);
	};
	for (const s of segs) {
		const path = route(s);
		for (let i = 1; i < path.length; i++) addEdge(edges, path[i - 1], path[i]);
	}
	let passes = 1;
	for (; passes < 10; passes++) {
		const next = new Map<string, [IPos, IPos]>();
		let changed = 0;
		for (const [a, b] of edges.values()) {
			const path = route({ ax: a[0], ay: a[1], bx: b[0], by: b[1] });
			if (path.length > 2) changed++;
			for (let i = 1; i < path.length; i++) addEdge(next, path[i - 1], path[i]);
		}
		edges = next;
		if (changed === 0) break;
	}

	// 4. planar graph: neighbours sorted counter-clockwise
	const nbrs = new Map<string, IPos[]>();
	const vert = new Map<string, IPos>();
	for (const [a, b] of edges.values()) {
		for (const [p, q] of [
			[a, b],
			[b, a]
		] as const) {
			const k = key(p[0], p[1]);
			vert.set(k, p);
			const list = nbrs.get(k);
			if (list) list.push(q);
			else nbrs.set(k, [q]);
		}
	}
	const order = new Map<string, Map<string, number>>();
	for (const [k, list] of nbrs) {
		const p = vert.get(k)!;
		list.sort(
			(u, w) => Math.atan2(u[1] - p[1], u[0] - p[0]) - Math.atan2(w[1] - p[1], w[0] - p[0])
		);
		order.set(k, new Map(list.map((q, i) => [key(q[0], q[1]), i])));
	}

	// 5. trace faces (face on the left of each half-edge)
	const used = new Set<string>();
	const rings: { pts: IPos[]; area: number }[] = [];
	const startKeys = [...nbrs.keys()].sort();
	for (const sk of startKeys) {
		const s = vert.get(sk)!;
		for (const first of nbrs.get(sk)!) {
			let hk = `${sk}>${key(first[0], first[1])}`;
			if (used.has(hk)) continue;
			const pts: IPos[] = [s];
			let u = s;
			let v = first;
			for (let guard = 0; ; guard++) {
				if (guard > 5_000_000) throw new Error('planarFaces: runaway face');
				used.add(hk);
				pts.push(v);
				const vk = key(v[0], v[1]);
				const list = nbrs.get(vk)!;
				const idx = order.get(vk)!.get(key(u[0], u[1]))!;
				const w = list[(idx - 1 + list.length) % list.length];
				hk = `${vk}>${key(w[0], w[1])}`;
				if (used.has(hk)) break;
				u = v;
				v = w;
			}
			let a = 0;
			for (let i = 1; i < pts.length; i++)
				a += pts[i - 1][0] * pts[i][1] - pts[i][0] * pts[i - 1][1];
			rings.push({ pts, area: a / 2 });
		}
	}

	// 6. bounded faces (positive) and component boundaries (negative) -> holes
	const toRing = (pts: IPos[]): Ring =>
		pts.map(([x, y]) => [x / SCALE === 0 ? 0 : x / SCALE, y / SCALE === 0 ? 0 : y / SCALE] as Pos);
	const bounded = rings.filter((r) => r.area > 0).sort((a, b) => a.area - b.area);
	const outerBounds = rings.filter((r) => r.area < 0);
	const faces: Face[] = bounded.map((r) => ({ rings: [toRing(r.pts)], area: r.area }));
	const bbox = bounded.map((r) => {
		let x0 = Infinity;
		let y0 = Infinity;
		let x1 = -Infinity;
		let y1 = -Infinity;
		for (const [x, y] of r.pts) {
			x0 = Math.min(x0, x);
			y0 = Math.min(y0, y);
			x1 = Math.max(x1, x);
			y1 = Math.max(y1, y);
		}
		return [x0, y0, x1, y1];
	});
	const inRing = (x: number, y: number, pts: IPos[]): boolean => {
		let inside = false;
		for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
			const [xi, yi] = pts[i];
			const [xj, yj] = pts[j];
			if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
		}
		return inside;
	};
	let holes = 0;
	for (const ob of outerBounds) {
		// a point just inside the component's outline is in the face that surrounds it;
		// test the midpoint of a vertex pair nudged outward (to the right of the ring).
		const [p, q] = [ob.pts[0], ob.pts[1]];
		const mx = (p[0] + q[0]) / 2;
		const my = (p[1] + q[1]) / 2;
		const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
		// the ring is clockwise around its component, the outside is on its left
		const ox = mx - ((q[1] - p[1]) / len) * 0.25;
		const oy = my + ((q[0] - p[0]) / len) * 0.25;
		for (let i = 0; i < bounded.length; i++) {
			const b = bbox[i];
			if (ox < b[0] || ox > b[2] || oy < b[1] || oy > b[3]) continue;
			if (bounded[i].area <= -ob.area) continue;
			if (inRing(ox, oy, bounded[i].pts)) {
				faces[i].rings.push(toRing(ob.pts));
				holes++;
				break;
			}
		}
	}
	return {
		faces,
		stats: `${segs.length} segments, ${crossings} crossings, ${hot.size} hot pixels, ${passes} snap passes, ${edges.size} edges, ${faces.length} faces, ${holes} nested components`
	};
}
