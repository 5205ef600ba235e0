/**
 * Waterway segments: real GSHHG rivers and lake shores plus synthetic canals, ditches,
 * ponds and reservoirs near villages; every line clipped to the township polygons and
 * cut into pieces of at most 1 km, each assigned to the township (and its county)
 * containing its midpoint.
 */
import type { Admin, AreaUnit, Unit } from './admin';
import {
	type Pos,
	PolyIndex,
	SegIndex,
	cleanLine,
	crossingParams,
	cutLine,
	lineLengthM,
	lineMidpoint,
	offsetM,
	pointInMPoly,
	samePos,
	subLine
} from './geo';
import { Rng } from './prng';
import type { RealWater } from './realwater';

export type WaterKind = 'river' | 'canal' | 'lake_shore' | 'pond' | 'reservoir' | 'ditch';

export interface Segment {
	kind: WaterKind;
	name: string;
	county: string;
	township: string;
	geom: Pos[];
	synthetic: boolean;
}

/** Maximum segment length in metres (the target is a little lower so rounding never exceeds it). */
export const MAX_SEGMENT_M = 1000;
const CUT_M = 990;
const EDGE_TRIM_M = 3;

/**
 * Counties treated as hilly/mountainous when choosing synthetic water features: fewer
 * canals and ditches, more small reservoirs. Everything else counts as plain or low hills.
 */
const HILLY_PREFIX = [
	'4203',
	'4228',
	'429021',
	'420506',
	'420525',
	'420526',
	'420527',
	'420528',
	'420529',
	'420624',
	'420625',
	'420626',
	'421321',
	'421381',
	'420922',
	'420921',
	'421122',
	'421123',
	'421124',
	'421181',
	'421222',
	'421223',
	'421224',
	'420222',
	'420381'
];

const isHilly = (countyCode: string): boolean => HILLY_PREFIX.some((p) => countyCode.startsWith(p));

const DIRS = ['东', '北', '西', '南'] as const;

/** 东/北/西/南 for an angle measured counter-clockwise from east. */
function dirName(angle: number): string {
	const a = ((angle % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
	return DIRS[Math.floor(((a + Math.PI / 4) % (2 * Math.PI)) / (Math.PI / 2))];
}

/** Short village name for feature names: "张家村村委会" -> "张家村", "先锋社区居委会" -> "先锋社区". */
export function shortVillageName(name: string): string {
	const n = name
		.replace(/村民委员会$/, '村')
		.replace(/村委会$/, '村')
		.replace(/社区居民委员会$/, '社区')
		.replace(/社区居委会$/, '社区')
		.replace(/居民委员会$/, '社区')
		.replace(/居委会$/, '社区')
		.replace(/委员会$/, '');
	return n.replace(/村村$/, '村').replace(/社区社区$/, '社区');
}

function shortTownshipName(name: string): string {
	const n = name.replace(/(街道办事处|街道|办事处|镇|乡|管理区)$/, '');
	return n.length > 0 ? n : name;
}

const ORDINAL = ['一', '二', '三', '四', '五', '六'];

/** Irregular closed ring around c: radius r (m), smoothed radial noise, elongation. */
function blob(rng: Rng, c: Pos, r: number, n: number, noise: number, stretch: number): Pos[] {
	const raw = Array.from({ length: n }, () => rng.range(-1, 1));
	const smooth = raw.map((v, i) => (raw[(i + n - 1) % n] + 2 * v + raw[(i + 1) % n]) / 4);
	const axis = rng.range(0, Math.PI);
	const ring: Pos[] = [];
	for (let i = 0; i < n; i++) {
		const a = (2 * Math.PI * i) / n;
		const rr = r * (1 + noise * smooth[i]);
		// stretch along the axis
		const x = Math.cos(a) * rr * stretch;
		const y = Math.sin(a) * rr;
		const east = x * Math.cos(axis) - y * Math.sin(axis);
		const north = x * Math.sin(axis) + y * Math.cos(axis);
		ring.push(offsetM(c, east, north));
	}
	ring.push(ring[0]);
	return ring;
}

/**
 * A field ditch or canal: mostly straight with gentle drift and occasional right-angle
 * turns that alternate left/right (a staircase along field edges, never a loop).
 */
function channel(
	rng: Rng,
	start: Pos,
	heading: number,
	lengthM: number,
	stepM: number,
	turnP: number,
	drift: number
): Pos[] {
	const pts: Pos[] = [start];
	let h = heading;
	let p = start;
	let run = 0;
	let turn = rng.chance(0.5) ? Math.PI / 2 : -Math.PI / 2;
	const steps = Math.max(2, Math.round(lengthM / stepM));
	for (let i = 0; i < steps; i++) {
		if (run > 3 && rng.chance(turnP)) {
			h += turn;
			turn = -turn;
			run = 0;
		} else h += rng.normal() * drift;
		p = offsetM(p, stepM * Math.cos(h), stepM * Math.sin(h));
		pts.push(p);
		run++;
	}
	// keep only the corners and every few points of the straight runs (fewer vertices)
	return pts.filter((_, i) => i === 0 || i === pts.length - 1 || i % 2 === 0);
}

interface SourceLine {
	kind: WaterKind;
	/** Fixed name, or null: named per county ("河流（县名）" …). */
	name: string | null;
	pts: Pos[];
	synthetic: boolean;
}

export interface WaterwayStats {
	byKind: Record<WaterKind, number>;
	synthetic: number;
	real: number;
	midpointFallback: number;
	droppedOutside: number;
	villagesWithPond: number;
	sourceFeatures: Record<WaterKind, number>;
}

export function buildWaterways(
	admin: Admin,
	real: RealWater
): { segments: Segment[]; stats: WaterwayStats } {
	const townIndex = new PolyIndex<AreaUnit>(0.05);
	const edgeIndex = new SegIndex(0.01);
	for (const t of admin.townships) {
		townIndex.add(t, t.geom);
		edgeIndex.addMPoly(t.geom);
	}
	const countyName = new Map(admin.counties.map((c) => [c.code, c.name]));
	const stats: WaterwayStats = {
		byKind: { river: 0, canal: 0, lake_shore: 0, pond: 0, reservoir: 0, ditch: 0 },
		synthetic: 0,
		real: 0,
		midpointFallback: 0,
		droppedOutside: 0,
		villagesWithPond: 0,
		sourceFeatures: { river: 0, canal: 0, lake_shore: 0, pond: 0, reservoir: 0, ditch: 0 }
	};
	const segments: Segment[] = [];

	const neutralName = (kind: WaterKind, county: string): string => {
		const cn = countyName.get(county) ?? '';
		return kind === 'lake_shore' ? `湖泊岸线（${cn}）` : `河流（${cn}）`;
	};

	const emit = (src: SourceLine, piece: Pos[], town: AreaUnit) => {
		const geom = cleanLine(piece);
		if (!geom) return;
		// closed rings stay closed after rounding; drop degenerate 2-point rings
		if (geom.length < 4 && samePos(geom[0], geom[geom.length - 1])) return;
		let owner = town;
		const located = townIndex.locate(lineMidpoint(geom));
		if (located && located !== town) owner = located;
		else if (!located) stats.midpointFallback++;
		const county = owner.parent!;
		segments.push({
			kind: src.kind,
			name: src.name ?? neutralName(src.kind, county),
			county,
			township: owner.code,
			geom,
			synthetic: src.synthetic
		});
		stats.byKind[src.kind]++;
		if (src.synthetic) stats.synthetic++;
		else stats.real++;
	};

	/** Split at township borders, keep parts inside a township, cut to <= 1 km. */
	const addLine = (src: SourceLine) => {
		stats.sourceFeatures[src.kind]++;
		// densify with the township border crossings; every piece between two consecutive
		// points then lies in a single township (or outside the province)
		const pts: Pos[] = [src.pts[0]];
		for (let i = 1; i < src.pts.length; i++) {
			const a = src.pts[i - 1];
			const b = src.pts[i];
			for (const t of crossingParams(a, b, edgeIndex))
				pts.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
			pts.push(b);
		}
		const chunks: Pos[][] = [];
		for (let i = 1; i < pts.length; i++) chunks.push([pts[i - 1], pts[i]]);
		// locate each chunk, merge consecutive chunks in the same township. Where a run
		// leaves the province, pull its end back by EDGE_TRIM_M so that rounding cannot
		// put it outside the province polygon.
		let run: Pos[] | null = null;
		let runTown: AreaUnit | null = null;
		let runStartsAtEdge = false;
		let prevOutside = false;
		const flush = (endsAtEdge: boolean) => {
			if (run && runTown) {
				let line: Pos[] = run;
				if (runStartsAtEdge || endsAtEdge) {
					const len = lineLengthM(line);
					const a = runStartsAtEdge ? EDGE_TRIM_M : 0;
					const b = endsAtEdge ? EDGE_TRIM_M : 0;
					line = len > a + b + 1 ? subLine(line, a, len - b) : [];
				}
				if (line.length >= 2) for (const piece of cutLine(line, CUT_M)) emit(src, piece, runTown);
			}
			run = null;
			runTown = null;
		};
		for (const c of chunks) {
			if (c.length < 2 || lineLengthM(c) === 0) continue;
			const mid: Pos = [(c[0][0] + c[1][0]) / 2, (c[0][1] + c[1][1]) / 2];
			const town = townIndex.locate(mid);
			if (!town) {
				stats.droppedOutside++;
				flush(true);
				prevOutside = true;
				continue;
			}
			if (town === runTown && run) run.push(...c.slice(1));
			else {
				flush(false);
				run = [...c];
				runTown = town;
				runStartsAtEdge = prevOutside;
			}
			prevOutside = false;
		}
		flush(false);
	};

	// --- real --------------------------------------------------------------------
	for (const r of real.rivers)
		addLine({ kind: 'river', name: r.name, pts: r.pts, synthetic: false });
	for (const l of real.lakes)
		addLine({ kind: 'lake_shore', name: l.name, pts: l.pts, synthetic: false });

	// --- synthetic -------------------------------------------------------------------
	const villagesByTown = new Map<string, Unit[]>();
	for (const v of admin.villages) {
		const list = villagesByTown.get(v.parent!);
		if (list) list.push(v);
		else villagesByTown.set(v.parent!, [v]);
	}
	const COMMUNITY = /(社区|居委会|居民委员会|生活区)/;

	/** A pond must lie wholly in the village's township and not in mapped water. */
	const pondOk = (ring: Pos[], town: AreaUnit) =>
		ring.every((p) => pointInMPoly(p, town.geom)) && !real.mask.isWet(ring[0], 0.3);

	for (const town of admin.townships) {
		const villages = villagesByTown.get(town.code) ?? [];
		const hilly = isHilly(town.parent!);
		const urban = town.name.endsWith('街道');
		// development zones, parks, farms' offices: no canals (names are not rural places)
		const zone = /(开发区|园区|产业园|管理委员会|度假区|风景区|工业园|新区)/.test(town.name);
		const rng = Rng.of(`water:${town.code}`);
		const rural = villages.filter((v) => !COMMUNITY.test(v.name));

		for (const v of villages) {
			const community = COMMUNITY.test(v.name);
			const short = shortVillageName(v.name);
			const pPond = community ? (urban ? 0.05 : 0.22) : hilly ? 0.4 : 0.54;
			const pDitch = community ? (urban ? 0 : 0.15) : hilly ? 0.3 : 0.6;
			// ponds (塘)
			if (rng.chance(pPond)) {
				const nPonds = !community && rng.chance(0.25) ? 2 : 1;
				let angle = rng.range(0, 2 * Math.PI);
				for (let k = 0; k < nPonds; k++) {
					for (let attempt = 0; attempt < 6; attempt++) {
						const a = angle + rng.normal() * 0.3;
						const d = rng.range(50, 200);
						const c = offsetM(v.center, d * Math.cos(a), d * Math.sin(a));
						const ring = blob(rng, c, rng.range(12, 42), 14, 0.3, rng.range(1, 1.8));
						if (!pondOk(ring, town)) continue;
						const src: SourceLine = {
							kind: 'pond',
							name: `${short}${dirName(a)}塘`,
							pts: ring,
							synthetic: true
						};
						stats.sourceFeatures.pond++;
						emit(src, ring, town);
						if (k === 0) stats.villagesWithPond++;
						break;
					}
					angle += Math.PI + rng.normal() * 0.5;
				}
			}
			// ditches (沟)
			if (rng.chance(pDitch)) {
				const a = rng.range(0, 2 * Math.PI);
				const d = rng.range(100, 400);
				const start = offsetM(v.center, d * Math.cos(a), d * Math.sin(a));
				const len = rng.range(300, 1500);
				const pts = channel(rng, start, a + rng.normal() * 0.8, len, 40, 0.04, 0.03);
				addLine({ kind: 'ditch', name: `${short}${dirName(a)}沟`, pts, synthetic: true });
			}
		}

		// canals (渠): per rural township, running from near one village towards another
		if (!urban && !zone && rural.length >= 3) {
			const nCanals = hilly ? (rng.chance(0.4) ? 1 : 0) : rng.int(1, 3);
			const tshort = shortTownshipName(town.name);
			for (let k = 0; k < nCanals; k++) {
				const from = rng.pick(rural);
				const to = rng.pick(rural.filter((v) => v !== from));
				const heading = Math.atan2(
					(to.center[1] - from.center[1]) * 111000,
					(to.center[0] - from.center[0]) * 111000 * Math.cos((from.center[1] * Math.PI) / 180)
				);
				const a = rng.range(0, 2 * Math.PI);
				const start = offsetM(from.center, 300 * Math.cos(a), 300 * Math.sin(a));
				const len = rng.range(2000, 7000);
				const pts = channel(rng, start, heading, len, 80, 0.012, 0.03);
				addLine({ kind: 'canal', name: `${tshort}${ORDINAL[k]}支渠`, pts, synthetic: true });
			}
		}

		// reservoirs (水库): a few, mostly in the hills
		const pRes = urban ? 0 : hilly ? 0.35 : 0.06;
		if (rural.length > 0 && rng.chance(pRes)) {
			const v = rng.pick(rural);
			for (let attempt = 0; attempt < 6; attempt++) {
				const a = rng.range(0, 2 * Math.PI);
				const d = rng.range(400, 1200);
				const c = offsetM(v.center, d * Math.cos(a), d * Math.sin(a));
				if (!pointInMPoly(c, town.geom) || real.mask.isWet(c, 0.5)) continue;
				const ring = blob(rng, c, rng.range(120, 420), 28, 0.45, rng.range(1.2, 2.4));
				addLine({
					kind: 'reservoir',
					name: `${shortVillageName(v.name)}水库`,
					pts: ring,
					synthetic: true
				});
				break;
			}
		}
	}

	// stable output order: township, then kind, then generation order
	const kindOrder: Record<WaterKind, number> = {
		river: 0,
		lake_shore: 1,
		canal: 2,
		reservoir: 3,
		ditch: 4,
		pond: 5
	};
	const order = new Map(segments.map((s, i) => [s, i]));
	segments.sort(
		(a, b) =>
			a.township.localeCompare(b.township) ||
			kindOrder[a.kind] - kindOrder[b.kind] ||
			order.get(a)! - order.get(b)!
	);
	return { segments, stats };
}
