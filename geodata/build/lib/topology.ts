/**
 * Exact dissolve of faces of a planar partition on the 1e-5° grid (see planar.ts).
 *
 * Boolean libraries re-compute (and after rounding, move) vertices, so a dissolved
 * parent would not exactly cover its children. Here edges used in both directions
 * cancel and the rest are chained into rings: the parent boundary is made of the
 * children's own edges.
 */
import { type MPoly, type Pos, type Ring, pointInRing, ringSignedArea } from './geo';

const SCALE = 1e5;
const toInt = (v: number): number => Math.round(v * SCALE);
const fromInt = (v: number): number => {
	const r = v / SCALE;
	return r === 0 ? 0 : r;
};
const keyOf = (x: number, y: number): string => `${x},${y}`;

type IPos = [number, number];

function ringToInt(r: Ring): IPos[] {
	return r.map((p) => [toInt(p[0]), toInt(p[1])]);
}

/**
 * Union of polygons that share edges exactly (outer rings counter-clockwise, holes
 * clockwise). Returns rings made of the input edges only.
 */
export function dissolveExact(parts: MPoly[]): MPoly {
	// net count of directed edges
	const net = new Map<string, { a: IPos; b: IPos; n: number }>();
	for (const m of parts) {
		for (const poly of m) {
			for (const ring of poly) {
				const ir = ringToInt(ring);
				for (let i = 1; i < ir.length; i++) {
					const a = ir[i - 1];
					const b = ir[i];
					if (a[0] === b[0] && a[1] === b[1]) continue;
					const k = `${keyOf(a[0], a[1])}>${keyOf(b[0], b[1])}`;
					const rk = `${keyOf(b[0], b[1])}>${keyOf(a[0], a[1])}`;
					const rev = net.get(rk);
					if (rev && rev.n > 0) {
						rev.n--;
						continue;
					}
					const e = net.get(k);
					if (e) e.n++;
					else net.set(k, { a, b, n: 1 });
				}
			}
		}
	}
	// outgoing edges per start vertex
	const out = new Map<string, IPos[]>();
	let remaining = 0;
	for (const e of net.values()) {
		for (let i = 0; i < e.n; i++) {
			const k = keyOf(e.a[0], e.a[1]);
			const list = out.get(k);
			if (list) list.push(e.b);
			else out.set(k, [e.b]);
			remaining++;
		}
	}
	// deterministic start order
	const starts = [...out.keys()].sort();
	const rings: IPos[][] = [];
	for (const sk of starts) {
		for (;;) {
			const list = out.get(sk);
			if (!list || list.length === 0) break;
			const [sx, sy] = sk.split(',').map(Number);
			const ring: IPos[] = [[sx, sy]];
			let prev: IPos = [sx, sy];
			let cur = list.shift()!;
			remaining--;
			ring.push(cur);
			let guard = 0;
			while (!(cur[0] === sx && cur[1] === sy)) {
				const cands = out.get(keyOf(cur[0], cur[1]));
				if (!cands || cands.length === 0)
					throw new Error('dissolveExact: open chain (input is not an exact partition)');
				let pick = 0;
				if (cands.length > 1) {
					// leftmost turn keeps touching parts apart
					const ix = cur[0] - prev[0];
					const iy = cur[1] - prev[1];
					let best = -Infinity;
					cands.forEach((w, j) => {
						const ox = w[0] - cur[0];
						const oy = w[1] - cur[1];
						const ang = Math.atan2(ix * oy - iy * ox, ix * ox + iy * oy);
						if (ang > best) {
							best = ang;
							pick = j;
						}
					});
				}
				const next = cands.splice(pick, 1)[0];
				remaining--;
				prev = cur;
				cur = next;
				ring.push(cur);
				if (++guard > 10_000_000) throw new Error('dissolveExact: runaway ring');
			}
			rings.push(ring);
		}
	}
	if (remaining !== 0) throw new Error('dissolveExact: unused edges');
	const simple: IPos[][] = [];
	for (const r of rings) simple.push(...splitAtRepeats(r));
	const asRing = (r: IPos[]): Ring => r.map(([x, y]) => [fromInt(x), fromInt(y)] as Pos);
	const outers: Ring[] = [];
	const holes: Ring[] = [];
	for (const r of simple) {
		const ring = asRing(r);
		const a = ringSignedArea(ring);
		if (a > 0) outers.push(ring);
		else if (a < 0) holes.push(ring);
	}
	outers.sort((x, y) => ringSignedArea(y) - ringSignedArea(x));
	const result: MPoly = outers.map((o) => [o]);
	for (const h of holes) {
		// the smallest outer ring containing the hole (test a few of its vertices)
		let owner = -1;
		let ownerArea = Infinity;
		outers.forEach((o, i) => {
			const votes = h.slice(0, Math.min(5, h.length - 1)).filter((p) => pointInRing(p, o)).length;
			if (votes * 2 > Math.min(5, h.length - 1)) {
				const a = ringSignedArea(o);
				if (a < ownerArea) {
					ownerArea = a;
					owner = i;
				}
			}
		});
		if (owner < 0) throw new Error('dissolveExact: hole without outer ring');
		result[owner].push(h);
	}
	return result;
}

/** Split a closed ring that visits a vertex more than once into simple closed loops. */
function splitAtRepeats(r: IPos[]): IPos[][] {
	const loops: IPos[][] = [];
	const stack: IPos[] = [];
	const at = new Map<string, number>();
	for (let i = 0; i < r.length - 1; i++) {
		const p = r[i];
		const k = keyOf(p[0], p[1]);
		const j = at.get(k);
		if (j !== undefined) {
			const loop = stack.splice(j);
			for (const q of loop) at.delete(keyOf(q[0], q[1]));
			if (loop.length >= 3) loops.push([...loop, loop[0]]);
		}
		at.set(k, stack.length);
		stack.push(p);
	}
	if (stack.length >= 3) loops.push([...stack, stack[0]]);
	return loops;
}
