// The coordinate system of a file left on "detect", told from where its points land (issue 14):
// golden files written here from known WGS84 points near the fixture's villages, shifted into
// GCJ-02 and BD-09 with gcoord, under the neutral columns 经度/纬度 that say nothing. The dry run
// must name the system, say on what evidence, and put every point back within 5 m of where it
// was; a WGS84 file stays WGS84; a re-import is judged by the records it matches; a handful of
// rows is too little to judge and keeps the column names' answer. On both engines.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import gcoord from 'gcoord';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { routeEvent } from '../support/route-event';
import {
	dryRunImport,
	prepareImport,
	type ImportOptions
} from '../../src/lib/server/services/imports';
import { POST } from '../../src/routes/api/imports/+server';
import { villagesInside, type VillageCentre } from '../support/villages';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const OPTS: ImportOptions = {
	kind: 'children_homes',
	encoding: 'auto',
	crs: 'auto',
	swap: false,
	mapping: null
};

/** Great-circle metres (the app's sphere). */
function meters(a: [number, number], b: [number, number]): number {
	const r = Math.PI / 180;
	const h =
		Math.sin(((b[1] - a[1]) * r) / 2) ** 2 +
		Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
	return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

const SYSTEM = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;
type System = keyof typeof SYSTEM;

interface Known {
	id: string;
	village: string;
	wgs: [number, number];
}

/** A home within about 150 m of each village's seat, at a fixed offset per row. */
function homesNear(villages: VillageCentre[]): Known[] {
	return villages.map((v, i) => {
		const a = (i * 137.5 * Math.PI) / 180;
		const d = 0.0004 + (i % 5) * 0.0002;
		return {
			id: `CRS-${i + 1}`,
			village: v.code,
			wgs: [v.lon + d * Math.cos(a), v.lat + d * Math.sin(a)]
		};
	});
}

/** The homes as a CSV in `system`, under columns that do not say which. */
function csvIn(
	system: System,
	homes: Known[],
	header = '编号,名称,村代码,面积,经度,纬度'
): Uint8Array {
	const lines = homes.map((h) => {
		const [x, y] =
			system === 'wgs84'
				? h.wgs
				: (gcoord.transform(h.wgs, gcoord.WGS84, SYSTEM[system]) as number[]);
		return `${h.id},${h.id} 儿童之家,${h.village},40,${x.toFixed(7)},${y.toFixed(7)}`;
	});
	return new TextEncoder().encode([header, ...lines].join('\n'));
}

describe.each(testEngines())('coordinate system detection on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let homes: Known[];

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		homes = homesNear(await villagesInside(d.db, admin.jurisdiction, 50));
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	const dryRun = async (bytes: Uint8Array, opts: Partial<ImportOptions> = {}) => {
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes }, { ...OPTS, ...opts });
		return dryRunImport(d.db, admin, p);
	};

	/** Every known home's distance from where the dry run would put it. */
	const errorsM = (o: Awaited<ReturnType<typeof dryRun>>) => {
		const at = new Map(o.preview.map((x) => [x.name, [x.lon, x.lat] as [number, number]]));
		return homes.map((h) => {
			const p = at.get(`${h.id} 儿童之家`);
			return p ? meters(p, h.wgs) : Infinity;
		});
	};

	it.each(['gcj02', 'bd09'] as const)(
		'detects %s under plain 经度/纬度 by the villages the rows name, and converts it back within 5 m',
		async (system) => {
			expect(homes).toHaveLength(50);
			const o = await dryRun(csvIn(system, homes));
			expect(o.crs).toBe(system);
			expect(o.crsDetection).toMatchObject({ crs: system, hint: 'wgs84', decidedBy: 'content' });
			expect(o.crsDetection?.evidence?.basis).toBe('unit');
			const votes = o.crsDetection!.evidence!.votes;
			expect(votes[system]).toBeGreaterThanOrEqual(45);
			expect(o.rejected).toBe(0);
			expect(o.inserts).toBe(50);
			expect(Math.max(...errorsM(o))).toBeLessThan(5);
		}
	);

	it('keeps a WGS84 file in WGS84, now on evidence', async () => {
		const o = await dryRun(csvIn('wgs84', homes));
		expect(o.crs).toBe('wgs84');
		expect(o.crsDetection).toMatchObject({ crs: 'wgs84', decidedBy: 'content' });
		expect(o.crsDetection!.evidence!.votes.wgs84).toBeGreaterThanOrEqual(45);
		expect(Math.max(...errorsM(o))).toBeLessThan(1);
	});

	it('judges a re-import by the stored places of the records it matches', async () => {
		const r = await sql<{ id: string; village: string; lon: number; lat: number }>`
			SELECT source_id AS id, village_code AS village, ST_X(geom) AS lon, ST_Y(geom) AS lat
			FROM children_homes WHERE village_code LIKE ${admin.jurisdiction.slice(0, 6) + '%'}
			ORDER BY source_id LIMIT 40`.execute(d.db);
		const stored: Known[] = r.rows.map((x) => ({
			id: x.id,
			village: x.village,
			wgs: [Number(x.lon), Number(x.lat)]
		}));
		expect(stored.length).toBeGreaterThanOrEqual(20);
		const o = await dryRun(csvIn('gcj02', stored));
		expect(o.crsDetection).toMatchObject({ crs: 'gcj02', decidedBy: 'content' });
		expect(o.crsDetection!.evidence!.basis).toBe('record');
		// back where they are stored: nothing moves
		expect(o.crsDetection!.evidence!.medianM.gcj02).toBeLessThan(5);
	});

	it('judges segments from a GeoJSON by the stored lines of the same ids', async () => {
		const r = await sql<{ id: string; name: string; kind: string; township: string; g: string }>`
			SELECT source_id AS id, name, kind, township_code AS township, ST_AsGeoJSON(geom) AS g
			FROM waterways WHERE county_code = ${admin.jurisdiction}
				AND GeometryType(geom) = 'LINESTRING'
			ORDER BY source_id LIMIT 30`.execute(d.db);
		expect(r.rows.length).toBe(30);
		const features = r.rows.map((w) => ({
			type: 'Feature',
			properties: { 河段编号: w.id, 名称: w.name, 类型: w.kind, 乡镇代码: w.township },
			geometry: {
				type: 'LineString',
				coordinates: (JSON.parse(w.g) as { coordinates: [number, number][] }).coordinates.map((c) =>
					gcoord.transform(c, gcoord.WGS84, gcoord.BD09)
				)
			}
		}));
		const bytes = new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }));
		const p = await prepareImport(
			d.db,
			admin,
			{ name: 'segments.geojson', bytes },
			{ ...OPTS, kind: 'waterways' }
		);
		const o = await dryRunImport(d.db, admin, p);
		expect(o.crsDetection).toMatchObject({ crs: 'bd09', decidedBy: 'content' });
		expect(o.crsDetection!.evidence).toMatchObject({ basis: 'record', points: 30 });
		expect(o.crsDetection!.evidence!.medianM.bd09).toBeLessThan(5);
		expect(o.crsDetection!.evidence!.medianM.wgs84).toBeGreaterThan(500);
	});

	it('says a handful of rows is too little, and keeps what the column names say', async () => {
		const few = homes.slice(0, 4);
		const plain = await dryRun(csvIn('gcj02', few));
		expect(plain.crsDetection).toMatchObject({ crs: 'wgs84', decidedBy: 'thin', sampled: 4 });
		expect(plain.crs).toBe('wgs84');
		const named = await dryRun(csvIn('gcj02', few, '编号,名称,村代码,面积,高德经度,高德纬度'));
		expect(named.crsDetection).toMatchObject({ crs: 'gcj02', hint: 'gcj02', decidedBy: 'thin' });
	});

	it('is not asked when the user chose the system', async () => {
		const o = await dryRun(csvIn('gcj02', homes), { crs: 'wgs84' });
		expect(o.crsDetection).toBeNull();
		expect(o.crs).toBe('wgs84');
	});

	it('tells the user in Chinese which system and on what evidence', async () => {
		const f = new FormData();
		f.set('step', 'dryRun');
		f.set('kind', 'children_homes');
		f.set('file', new File([Buffer.from(csvIn('gcj02', homes))], 'homes.csv'));
		const request = new Request('http://localhost/api/imports', { method: 'POST', body: f });
		const res = await POST(routeEvent<Parameters<typeof POST>[0]>(admin, request));
		const lines = (await res.text())
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const line: string = lines.at(-1).outcome.crsLine;
		expect(line).toMatch(
			/^坐标系识别为 GCJ-02，依据所填村（乡镇）的位置：GCJ-02 下 \d+\/50 个点最贴近/
		);
		expect(line).toContain('WGS84 下');
		expect(line).toContain('请在上方选择坐标系后重新预检');
	});
});
