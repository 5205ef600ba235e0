/**
 * Which datum are the echarts county borders in? Compares them with WGS84 references:
 *  - the Hubei outline of the DCW collection shipped with GMT (gmt coast -ECN.HB),
 *  - the GSHHG Yangtze centre line (WDBII level 1) that many county borders follow,
 *  - the GSHHG level 2 rivers (mostly the Han), likewise.
 * For each reference it reports the median distance of nearby echarts border vertices
 * as given, after a GCJ-02 -> WGS84 conversion, and the best rigid shift found by a
 * grid search (compare with the shift GCJ-02 predicts).
 *
 *   npx tsx geodata/build/datum-check.ts      (after one geodata build filled the cache)
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gcj02ToWgs84, wgs84ToGcj02 } from './lib/gcj02';
import { type Pos, SegIndex, metresPerDegLat, metresPerDegLon } from './lib/geo';
import { gmtDcwOutline, gmtRivers, readEchartsCounties } from './lib/sources';

const CACHE = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), '.cache');

function median(values: number[]): number {
	const v = [...values].sort((a, b) => a - b);
	return v[Math.floor(v.length / 2)];
}

function analyse(label: string, reference: Pos[][], vertices: Pos[], selectM: number): void {
	const index = new SegIndex(0.02);
	for (const l of reference) index.addLine(l);
	const cap = 3000;
	const picked = vertices.filter((p) => index.nearestM(p, selectM) < selectM);
	const shifted = (east: number, north: number) =>
		median(
			picked.map((p) => {
				const q: Pos = [p[0] + east / metresPerDegLon(p[1]), p[1] + north / metresPerDegLat()];
				return index.nearestM(q, cap);
			})
		);
	const asIs = shifted(0, 0);
	const converted = median(picked.map((p) => index.nearestM(gcj02ToWgs84(p), cap)));
	let best = { e: 0, n: 0, d: Infinity };
	for (let e = -1500; e <= 1500; e += 100)
		for (let n = -1500; n <= 1500; n += 100) {
			const d = shifted(e, n);
			if (d < best.d) best = { e, n, d };
		}
	const coarse = best;
	for (let e = coarse.e - 100; e <= coarse.e + 100; e += 20)
		for (let n = coarse.n - 100; n <= coarse.n + 100; n += 20) {
			const d = shifted(e, n);
			if (d < best.d) best = { e, n, d };
		}
	// shift GCJ-02 predicts at the centre of the picked vertices
	const c: Pos = [
		picked.reduce((s, p) => s + p[0], 0) / picked.length,
		picked.reduce((s, p) => s + p[1], 0) / picked.length
	];
	const g = wgs84ToGcj02(c);
	const pe = -(g[0] - c[0]) * metresPerDegLon(c[1]);
	const pn = -(g[1] - c[1]) * metresPerDegLat();
	console.log(
		`${label}\n  ${picked.length} echarts vertices within ${selectM} m; median distance as given ${asIs.toFixed(0)} m, after GCJ-02->WGS84 ${converted.toFixed(0)} m\n  best rigid shift E ${best.e} m, N ${best.n} m (median ${best.d.toFixed(0)} m); GCJ-02 removal predicts E ${pe.toFixed(0)} m, N ${pn.toFixed(0)} m`
	);
}

const counties = readEchartsCounties(CACHE);
const all: Pos[] = [];
const edgeCount = new Map<string, number>();
const k = (a: Pos, b: Pos) => {
	const ka = `${a[0]},${a[1]}`;
	const kb = `${b[0]},${b[1]}`;
	return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
};
for (const c of counties)
	for (const poly of c.geom)
		for (const ring of poly) {
			all.push(...ring.slice(1));
			for (let i = 1; i < ring.length; i++) {
				const key = k(ring[i - 1], ring[i]);
				edgeCount.set(key, (edgeCount.get(key) ?? 0) + 1);
			}
		}
// the province outline: edges used by one county only
const outline: Pos[] = [];
for (const c of counties)
	for (const poly of c.geom)
		for (const ring of poly)
			for (let i = 1; i < ring.length; i++)
				if (edgeCount.get(k(ring[i - 1], ring[i])) === 1) outline.push(ring[i]);

const rivers = gmtRivers();
const level = (lv: number) => rivers.filter((r) => r.level === lv).map((r) => r.pts);
analyse(
	'DCW Hubei outline (gmt coast -ECN.HB) vs echarts province outline',
	gmtDcwOutline('CN.HB').map((l) => l.pts),
	outline,
	3000
);
analyse('GSHHG Yangtze centre line (level 1) vs echarts county borders', level(1), all, 1000);
analyse('GSHHG level 2 rivers (Han etc.) vs echarts county borders', level(2), all, 1000);
