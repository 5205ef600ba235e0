/**
 * Checks the committed outputs in geodata/dist (no sources or GMT needed):
 *
 *   npx tsx geodata/build/verify.ts [countyCode]
 *
 * Codes, parent chains, centres inside polygons, villages inside townships, segment
 * lengths (turf, geodesic) <= 1000 m, segment midpoints inside their township,
 * closed ponds, 5-decimal coordinates. With a 12-digit county code it also prints
 * that county's counts (handy for test fixtures).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { length, lineString } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { type MPoly, PolyIndex, type Pos, lineMidpoint, pointInMPoly, toMPoly } from './lib/geo';

interface UnitJson {
	code: string;
	level: 'province' | 'prefecture' | 'county' | 'township' | 'village';
	name: string;
	parent: string | null;
	geom: Polygon | MultiPolygon | null;
	center: Pos;
}

interface SegmentJson {
	kind: string;
	name: string;
	county: string;
	township: string;
	geom: Pos[];
	synthetic: boolean;
}

const DIST = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'dist');
const read = <T>(f: string): T =>
	JSON.parse(gunzipSync(readFileSync(join(DIST, f))).toString('utf8')) as T;

const { units } = read<{ units: UnitJson[] }>('admin.json.gz');
const { segments } = read<{ segments: SegmentJson[] }>('waterways.json.gz');

const problems: string[] = [];
const fail = (m: string) => {
	if (problems.length < 50) problems.push(m);
	else if (problems.length === 50) problems.push('... more');
};

const byCode = new Map(units.map((u) => [u.code, u]));
const levelOrder = ['province', 'prefecture', 'county', 'township', 'village'];
const counts: Record<string, number> = {};
const is5 = (v: number) => Math.abs(v * 1e5 - Math.round(v * 1e5)) < 1e-6;
const geoms = new Map<string, MPoly>();

for (const u of units) {
	counts[u.level] = (counts[u.level] ?? 0) + 1;
	if (!/^\d{12}$/.test(u.code)) fail(`${u.code}: not 12 digits`);
	if (u.level === 'province') {
		if (u.parent !== null) fail(`${u.code}: province with parent`);
	} else {
		const p = u.parent ? byCode.get(u.parent) : undefined;
		if (!p) fail(`${u.code}: parent ${u.parent} missing`);
		else if (levelOrder.indexOf(p.level) !== levelOrder.indexOf(u.level) - 1)
			fail(`${u.code}: parent ${p.code} is a ${p.level}`);
	}
	if (!is5(u.center[0]) || !is5(u.center[1])) fail(`${u.code}: centre not rounded to 5 decimals`);
	if (u.level === 'village') {
		if (u.geom !== null) fail(`${u.code}: village with geometry`);
		continue;
	}
	if (!u.geom) {
		fail(`${u.code}: no geometry`);
		continue;
	}
	const m = toMPoly(u.geom);
	geoms.set(u.code, m);
	for (const poly of m)
		for (const ring of poly) {
			if (ring.length < 4) fail(`${u.code}: ring with ${ring.length} points`);
			const a = ring[0];
			const b = ring[ring.length - 1];
			if (a[0] !== b[0] || a[1] !== b[1]) fail(`${u.code}: ring not closed`);
			for (const p of ring) if (!is5(p[0]) || !is5(p[1])) fail(`${u.code}: vertex not rounded`);
		}
	if (!pointInMPoly(u.center, m)) fail(`${u.code} ${u.name}: centre outside its polygon`);
	const p = u.parent ? geoms.get(u.parent) : undefined;
	if (p && !pointInMPoly(u.center, p)) fail(`${u.code} ${u.name}: centre outside its parent`);
}
// villages inside township and county
for (const u of units) {
	if (u.level !== 'village') continue;
	const t = geoms.get(u.parent ?? '');
	if (!t || !pointInMPoly(u.center, t)) fail(`${u.code} ${u.name}: village outside its township`);
	const c = geoms.get(byCode.get(u.parent ?? '')?.parent ?? '');
	if (!c || !pointInMPoly(u.center, c)) fail(`${u.code} ${u.name}: village outside its county`);
}

const townIndex = new PolyIndex<string>(0.05);
for (const u of units) if (u.level === 'township') townIndex.add(u.code, geoms.get(u.code)!);
const kinds: Record<string, number> = {};
let maxLen = 0;
const KINDS = new Set(['river', 'canal', 'lake_shore', 'pond', 'reservoir', 'ditch']);
for (const s of segments) {
	kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
	if (!KINDS.has(s.kind)) fail(`segment kind ${s.kind}`);
	const t = byCode.get(s.township);
	if (!t || t.level !== 'township' || t.parent !== s.county)
		fail(`segment ${s.name}: bad township/county`);
	const len = length(lineString(s.geom), { units: 'meters' });
	maxLen = Math.max(maxLen, len);
	if (len > 1000) fail(`segment ${s.name}: ${len.toFixed(0)} m`);
	for (const p of s.geom)
		if (!is5(p[0]) || !is5(p[1])) fail(`segment ${s.name}: vertex not rounded`);
	if (townIndex.locate(lineMidpoint(s.geom)) !== s.township)
		fail(`segment ${s.name}: midpoint not in ${s.township}`);
	if (s.kind === 'pond') {
		const a = s.geom[0];
		const b = s.geom[s.geom.length - 1];
		if (a[0] !== b[0] || a[1] !== b[1]) fail(`pond ${s.name} not closed`);
	}
}

console.log('units', counts);
console.log('segments', segments.length, kinds, `longest ${maxLen.toFixed(1)} m`);
const county = process.argv[2];
if (county) {
	const c = byCode.get(county);
	const towns = units.filter((u) => u.level === 'township' && u.parent === county);
	const townSet = new Set(towns.map((t) => t.code));
	const vills = units.filter((u) => u.level === 'village' && townSet.has(u.parent ?? ''));
	const segs = segments.filter((s) => s.county === county);
	const sk: Record<string, number> = {};
	for (const s of segs) sk[s.kind] = (sk[s.kind] ?? 0) + 1;
	const named = [...new Set(segs.filter((s) => !s.synthetic).map((s) => s.name))];
	console.log(
		`${county} ${c?.name}: ${towns.length} townships, ${vills.length} villages, ${segs.length} segments ${JSON.stringify(sk)}; real names: ${named.join(', ')}`
	);
}
if (problems.length) {
	console.error(`${problems.length} problem(s):\n${problems.join('\n')}`);
	process.exit(1);
}
console.log('all checks passed');
