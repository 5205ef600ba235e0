/**
 * Real waterways from GSHHG (WGS84): river polylines (WDBII levels) and lake shores,
 * with real names for the features that can be identified robustly, and a "water
 * mask" used to keep synthetic settlements out of lakes and big rivers.
 */
import {
	type MPoly,
	PolyIndex,
	type Pos,
	type Ring,
	SegIndex,
	haversineM,
	lineLengthM,
	pointInRing,
	ringAreaM2,
	distToSegmentM
} from './geo';
import { type GmtLine, HUBEI_BBOX, gmtLakeShores, gmtRivers } from './sources';

export interface RiverLine {
	/** GSHHG river level as printed by gmt (0 = double-lined river banks, 1 = permanent major ...). */
	level: number;
	/** Real name, or null (a neutral name is given per county later). */
	name: string | null;
	pts: Pos[];
}

export interface LakeShore {
	name: string | null;
	pts: Pos[];
	closed: boolean;
	areaKm2: number;
}

export interface RealWater {
	rivers: RiverLine[];
	lakes: LakeShore[];
	mask: WaterMask;
	notes: string[];
}

const key = (p: Pos): string => `${p[0].toFixed(7)},${p[1].toFixed(7)}`;

/** Join pieces that continue each other (shared end point used by exactly two pieces). */
export function joinAtDegreeTwo(pieces: Pos[][]): Pos[][] {
	const ends = new Map<string, number[]>();
	pieces.forEach((p, i) => {
		for (const e of [p[0], p[p.length - 1]]) {
			const k = key(e);
			const list = ends.get(k);
			if (list) list.push(i);
			else ends.set(k, [i]);
		}
	});
	const used = new Array<boolean>(pieces.length).fill(false);
	const out: Pos[][] = [];
	for (let i = 0; i < pieces.length; i++) {
		if (used[i]) continue;
		used[i] = true;
		let line = [...pieces[i]];
		for (let pass = 0; pass < 2; pass++) {
			for (;;) {
				const k = key(line[line.length - 1]);
				const at = ends.get(k) ?? [];
				if (at.length !== 2) break;
				const next = at.find((j) => !used[j]);
				if (next === undefined) break;
				used[next] = true;
				const q = pieces[next];
				line = key(q[0]) === k ? line.concat(q.slice(1)) : line.concat([...q].reverse().slice(1));
			}
			line.reverse();
		}
		out.push(line);
	}
	return out;
}

function dropDegenerate(lines: GmtLine[]): GmtLine[] {
	return lines.filter((l) => lineLengthM(l.pts) > 0.5);
}

// ---------------------------------------------------------------------------
// Naming by path through the river network. River networks are (almost) trees, so
// the shortest path between two points on one river follows that river.

interface Waypoint {
	label: string;
	at: Pos;
}

/** Named rivers: waypoints in order along the river (WGS84, approximate towns on its banks). */
const PATH_NAMED_RIVERS: { name: string; levels: number[]; waypoints: Waypoint[] }[] = [
	{
		name: '汉江',
		levels: [2, 3, 4],
		waypoints: [
			{ label: '白河 (Shaanxi border)', at: [110.11, 32.81] },
			{ label: '郧阳', at: [110.81, 32.83] },
			{ label: '丹江口', at: [111.51, 32.54] },
			{ label: '襄阳', at: [112.15, 32.04] },
			{ label: '钟祥', at: [112.58, 31.17] },
			{ label: '仙桃', at: [113.45, 30.38] },
			{ label: '武汉 (confluence)', at: [114.28, 30.57] }
		]
	},
	{
		name: '清江',
		levels: [2, 3, 4],
		waypoints: [
			{ label: '利川', at: [108.94, 30.29] },
			{ label: '恩施', at: [109.48, 30.29] },
			{ label: '长阳', at: [111.19, 30.47] },
			{ label: '宜都 (confluence)', at: [111.45, 30.39] }
		]
	}
];

/** The Yangtze: GSHHG draws it as level 1 (single line) upstream of Wuhan and as level 0
 * (double-lined river banks) downstream; both must pass these places. */
const YANGTZE_CHECK: Waypoint[] = [
	{ label: '巴东', at: [110.34, 31.04] },
	{ label: '宜昌', at: [111.29, 30.7] },
	{ label: '沙市', at: [112.25, 30.3] },
	{ label: '武汉', at: [114.3, 30.58] },
	{ label: '黄石', at: [115.08, 30.22] }
];

const SNAP_M = 4000;

interface Graph {
	nodes: Pos[];
	adj: { to: number; w: number; edge: string }[][];
}

function buildGraph(lines: RiverLine[], levels: number[]): Graph {
	const idx = new Map<string, number>();
	const nodes: Pos[] = [];
	const adj: { to: number; w: number; edge: string }[][] = [];
	const node = (p: Pos): number => {
		const k = key(p);
		let i = idx.get(k);
		if (i === undefined) {
			i = nodes.length;
			idx.set(k, i);
			nodes.push(p);
			adj.push([]);
		}
		return i;
	};
	lines.forEach((l, li) => {
		if (!levels.includes(l.level)) return;
		for (let s = 1; s < l.pts.length; s++) {
			const a = node(l.pts[s - 1]);
			const b = node(l.pts[s]);
			if (a === b) continue;
			const w = haversineM(l.pts[s - 1], l.pts[s]);
			const edge = `${li}:${s}`;
			adj[a].push({ to: b, w, edge });
			adj[b].push({ to: a, w, edge });
		}
	});
	return { nodes, adj };
}

function nearestNode(g: Graph, p: Pos): { i: number; d: number } {
	let best = { i: -1, d: Infinity };
	g.nodes.forEach((n, i) => {
		const d = haversineM(n, p);
		if (d < best.d) best = { i, d };
	});
	return best;
}

/** Dijkstra with a binary heap; returns the edges of the path or null. */
function shortestPath(
	g: Graph,
	from: number,
	to: number
): { edges: string[]; length: number } | null {
	const dist = new Float64Array(g.nodes.length).fill(Infinity);
	const prev = new Int32Array(g.nodes.length).fill(-1);
	const prevEdge: string[] = new Array<string>(g.nodes.length).fill('');
	const heap: [number, number][] = [];
	const push = (d: number, n: number) => {
		heap.push([d, n]);
		let i = heap.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (heap[p][0] <= heap[i][0]) break;
			[heap[p], heap[i]] = [heap[i], heap[p]];
			i = p;
		}
	};
	const pop = (): [number, number] | undefined => {
		const top = heap[0];
		const last = heap.pop();
		if (heap.length > 0 && last) {
			heap[0] = last;
			let i = 0;
			for (;;) {
				const l = 2 * i + 1;
				const r = l + 1;
				let m = i;
				if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
				if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
				if (m === i) break;
				[heap[m], heap[i]] = [heap[i], heap[m]];
				i = m;
			}
		}
		return top;
	};
	dist[from] = 0;
	push(0, from);
	for (let cur = pop(); cur; cur = pop()) {
		const [d, n] = cur;
		if (d > dist[n]) continue;
		if (n === to) break;
		for (const e of g.adj[n]) {
			const nd = d + e.w;
			if (nd < dist[e.to]) {
				dist[e.to] = nd;
				prev[e.to] = n;
				prevEdge[e.to] = e.edge;
				push(nd, e.to);
			}
		}
	}
	if (!Number.isFinite(dist[to])) return null;
	const edges: string[] = [];
	for (let n = to; n !== from; n = prev[n]) edges.push(prevEdge[n]);
	return { edges, length: dist[to] };
}

/** Split lines into runs of equal name (edge names keyed "line:segment"). */
function applyEdgeNames(lines: RiverLine[], names: Map<string, string>): RiverLine[] {
	const out: RiverLine[] = [];
	lines.forEach((l, li) => {
		let run: Pos[] = [l.pts[0]];
		let runName: string | null = l.name;
		for (let s = 1; s < l.pts.length; s++) {
			const n = names.get(`${li}:${s}`) ?? l.name;
			if (s > 1 && n !== runName) {
				out.push({ level: l.level, name: runName, pts: run });
				run = [l.pts[s - 1]];
			}
			runName = n;
			run.push(l.pts[s]);
		}
		out.push({ level: l.level, name: runName, pts: run });
	});
	return out;
}

function nameRivers(pieces: RiverLine[], notes: string[]): RiverLine[] {
	// 1. Yangtze: every level 0/1 line, after checking that they really run past the
	//    Yangtze towns (so a different GSHHG extract would fail loudly, not silently).
	const big = pieces.filter((l) => l.level <= 1);
	const bigIndex = new SegIndex(0.05);
	for (const l of big) bigIndex.addLine(l.pts);
	for (const w of YANGTZE_CHECK) {
		const d = bigIndex.nearestM(w.at, 20000);
		if (d >= 6000)
			throw new Error(
				`Yangtze check failed at ${w.label}: nearest level 0/1 line ${d.toFixed(0)} m`
			);
		notes.push(`长江 check: ${w.label} ${d.toFixed(0)} m from GSHHG level 0/1 lines`);
	}
	const lines = pieces.map((l) => (l.level <= 1 ? { ...l, name: '长江' } : l));

	// 2. Rivers named by path between waypoints.
	const names = new Map<string, string>();
	for (const river of PATH_NAMED_RIVERS) {
		const g = buildGraph(lines, river.levels);
		const snapped = river.waypoints.map((w) => ({ w, ...nearestNode(g, w.at) }));
		const bad = snapped.filter((s) => s.d > SNAP_M);
		if (bad.length > 0) {
			notes.push(
				`${river.name}: not named, waypoint(s) ${bad.map((b) => `${b.w.label} ${b.d.toFixed(0)} m`).join(', ')} too far from a level ${river.levels.join('/')} river`
			);
			continue;
		}
		const edges: string[] = [];
		let ok = true;
		let pathLen = 0;
		let straight = 0;
		for (let i = 1; i < snapped.length; i++) {
			const p = shortestPath(g, snapped[i - 1].i, snapped[i].i);
			if (!p) {
				ok = false;
				notes.push(
					`${river.name}: ${snapped[i - 1].w.label} and ${snapped[i].w.label} not connected`
				);
				break;
			}
			pathLen += p.length;
			straight += haversineM(snapped[i - 1].w.at, snapped[i].w.at);
			edges.push(...p.edges);
		}
		if (!ok) continue;
		if (pathLen > 2.2 * straight) {
			notes.push(
				`${river.name}: not named, path ${(pathLen / 1000).toFixed(0)} km vs ${(straight / 1000).toFixed(0)} km straight`
			);
			continue;
		}
		for (const e of edges) names.set(e, river.name);
		notes.push(
			`${river.name}: named ${(pathLen / 1000).toFixed(0)} km of GSHHG river through ${snapped.map((s) => `${s.w.label} (${s.d.toFixed(0)} m)`).join(' → ')}`
		);
	}
	return applyEdgeNames(lines, names);
}

// ---------------------------------------------------------------------------
// Lakes

/** Lakes identified by a point known to lie in them (WGS84) and a plausible size. */
const NAMED_LAKES: { name: string; at: Pos; minKm2: number }[] = [
	{ name: '洪湖', at: [113.36, 29.85], minKm2: 150 },
	{ name: '梁子湖', at: [114.55, 30.22], minKm2: 150 },
	{ name: '斧头湖', at: [114.23, 30.04], minKm2: 60 },
	{ name: '西凉湖', at: [114.05, 29.95], minKm2: 40 },
	{ name: '汤逊湖', at: [114.37, 30.42], minKm2: 20 },
	{ name: '大冶湖', at: [115.03, 30.1], minKm2: 30 },
	{ name: '龙感湖', at: [116.1, 29.98], minKm2: 0 }
];

function distToRingM(p: Pos, r: Ring): number {
	let best = Infinity;
	for (let i = 1; i < r.length; i++) best = Math.min(best, distToSegmentM(p, r[i - 1], r[i]));
	return best;
}

function onRegionEdge(p: Pos): boolean {
	const e = 1e-6;
	return (
		Math.abs(p[0] - HUBEI_BBOX.west) < e ||
		Math.abs(p[0] - HUBEI_BBOX.east) < e ||
		Math.abs(p[1] - HUBEI_BBOX.south) < e ||
		Math.abs(p[1] - HUBEI_BBOX.north) < e
	);
}

function assembleLakes(pieces: GmtLine[], notes: string[]): LakeShore[] {
	const lines = joinAtDegreeTwo(dropDegenerate(pieces).map((l) => l.pts));
	const lakes: LakeShore[] = lines.map((pts) => {
		const closed = key(pts[0]) === key(pts[pts.length - 1]);
		// Lakes cut by the extraction region are closed along the region edge for area/masks.
		const ring = closed ? pts : [...pts, pts[0]];
		return { name: null, pts, closed, areaKm2: ringAreaM2(ring) / 1e6 };
	});
	for (const nl of NAMED_LAKES) {
		let best: { i: number; d: number } = { i: -1, d: Infinity };
		lakes.forEach((l, i) => {
			if (l.areaKm2 < nl.minKm2) return;
			const ring = l.closed ? l.pts : [...l.pts, l.pts[0]];
			const d = pointInRing(nl.at, ring) ? 0 : distToRingM(nl.at, ring);
			if (d < best.d) best = { i, d };
		});
		if (best.i >= 0 && best.d <= 3000 && lakes[best.i].name === null) {
			lakes[best.i].name = nl.name;
			notes.push(
				`${nl.name}: GSHHG lake of ${lakes[best.i].areaKm2.toFixed(0)} km² (${best.d === 0 ? 'reference point inside' : `${best.d.toFixed(0)} m from reference point`})`
			);
		} else notes.push(`${nl.name}: no GSHHG lake matched, left unnamed`);
	}
	return lakes;
}

// ---------------------------------------------------------------------------
// Water mask

export class WaterMask {
	private readonly lakes = new PolyIndex<number>(0.05);
	private readonly major = new SegIndex(0.02);
	private readonly medium = new SegIndex(0.02);
	private readonly minor = new SegIndex(0.02);

	constructor(rivers: RiverLine[], lakeRings: Ring[]) {
		lakeRings.forEach((r, i) => {
			const m: MPoly = [[r]];
			this.lakes.add(i, m);
		});
		for (const l of rivers) {
			if (l.level <= 1) this.major.addLine(l.pts);
			else if (l.level === 2) this.medium.addLine(l.pts);
			else this.minor.addLine(l.pts);
		}
	}

	/** True if p is in a lake / river channel or too close to a river to host a settlement. */
	isWet(p: Pos, scale = 1): boolean {
		if (this.lakes.locate(p) !== null) return true;
		const m = 700 * scale;
		if (this.major.nearestM(p, m) < m) return true;
		const d = 150 * scale;
		if (this.medium.nearestM(p, d) < d) return true;
		const s = 40 * scale;
		return this.minor.nearestM(p, s) < s;
	}
}

export function loadRealWater(): RealWater {
	const notes: string[] = [];
	const rawRivers = dropDegenerate(gmtRivers());
	const byLevel = new Map<number, Pos[][]>();
	for (const r of rawRivers) {
		const list = byLevel.get(r.level);
		if (list) list.push(r.pts);
		else byLevel.set(r.level, [r.pts]);
	}
	const pieces: RiverLine[] = [];
	for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
		for (const pts of joinAtDegreeTwo(byLevel.get(level) ?? []))
			pieces.push({ level, name: null, pts });
	}
	const named = nameRivers(pieces, notes);
	// re-join runs of the same level and name that were split only by GSHHG bin seams
	const rivers: RiverLine[] = [];
	const groups = new Map<string, RiverLine[]>();
	for (const r of named) {
		const k = `${r.level}|${r.name ?? ''}`;
		const list = groups.get(k);
		if (list) list.push(r);
		else groups.set(k, [r]);
	}
	for (const [k, list] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
		const [lv, nm] = k.split('|');
		for (const pts of joinAtDegreeTwo(list.map((r) => r.pts)))
			rivers.push({ level: Number(lv), name: nm === '' ? null : nm, pts });
	}
	const lakes = assembleLakes(gmtLakeShores('lakes'), notes);
	const riverLakes = joinAtDegreeTwo(dropDegenerate(gmtLakeShores('riverlakes')).map((l) => l.pts));
	const maskRings: Ring[] = [];
	for (const l of lakes) maskRings.push(l.closed ? l.pts : [...l.pts, l.pts[0]]);
	for (const pts of riverLakes) {
		const closed = key(pts[0]) === key(pts[pts.length - 1]);
		if (closed || (onRegionEdge(pts[0]) && onRegionEdge(pts[pts.length - 1])))
			maskRings.push(closed ? pts : [...pts, pts[0]]);
	}
	return { rivers, lakes, mask: new WaterMask(rivers, maskRings), notes };
}
