// The planner's coverage results as files, on both engines: by village (CSV, XLSX, GeoJSON at
// the village centre) and by township (CSV, XLSX), each opened by GDAL; the counts are the
// released ones (child_counts.*_released, read here by SQL), as the page shows them, and the
// covered flags equal PostGIS; every file carries its watermark and leaves one audit row.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	principalOf,
	testEngines,
	FIXTURE_AREA,
	type TestDatabase
} from '../support/template';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { closeAnalysis } from '../../src/lib/server/services/exposure';
import { translator } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/planning-coverage/+server';
import { fakeEvent } from '../support/auditor/collect';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

async function download(who: Principal, query: string) {
	const ev = fakeEvent(who, `/api/exports/planning-coverage?${query}`) as {
		locals: { locale: string };
	};
	ev.locals.locale = 'en';
	try {
		const res = await GET(ev as never);
		const cd = res.headers.get('content-disposition') ?? '';
		return {
			status: res.status,
			bytes: Buffer.from(await res.arrayBuffer()),
			name: decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/.exec(cd)?.[1] ?? '')
		};
	} catch (e) {
		return { status: (e as { status?: number }).status ?? 500, bytes: Buffer.alloc(0), name: '' };
	}
}

interface Want {
	code: string;
	township: string;
	total: number;
	lb: number;
	dif: number;
	c500: boolean;
	c1000: boolean;
	c2000: boolean;
}

const t = translator('en');
const csvRows = (b: Buffer) =>
	b
		.toString('utf8')
		.slice(1)
		.trim()
		.split('\r\n')
		.map((r) => r.split(','));

describe.each(testEngines())('coverage results export on %s', (engine) => {
	let d: TestDatabase;
	let planner: Principal;
	let want: Want[];
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		planner = (await principalOf(d.db, 'planner')) as Principal;
		want = (
			await sql<Want>`
			WITH sites AS (
				SELECT geom::geography AS g FROM children_homes WHERE status = 'open' AND area_m2 >= 30
				UNION ALL SELECT geom::geography FROM sunshine_stations)
			SELECT v.code, v.parent_code AS township,
				coalesce(c.total_released, 0)::int AS total,
				coalesce(c.left_behind_released, 0)::int AS lb,
				coalesce(c.in_difficulty_released, 0)::int AS dif,
				EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 500, false)) AS c500,
				EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 1000, false)) AS c1000,
				EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 2000, false)) AS c2000
			FROM admin_units v LEFT JOIN child_counts c ON c.code = v.code
			WHERE v.level = 'village' AND v.code LIKE ${FIXTURE_AREA + '%'} ORDER BY v.code`.execute(d.db)
		).rows;
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	const audits = async (resource: string) =>
		(
			await sql<{ username: string; detail: { file: string; rows: number } }>`
				SELECT username, detail FROM audit_log WHERE action = 'export' AND resource = ${resource}
				ORDER BY id`.execute(d.db)
		).rows;

	it('by village: CSV, XLSX and GeoJSON that GDAL reads, with the released counts and PostGIS coverage', async () => {
		const byCode = new Map(want.map((w) => [w.code, w]));
		const yes = t('plan.yes');
		const flags = (w: Want) => [w.c500, w.c1000, w.c2000].map((c) => (c ? yes : t('plan.no')));

		const csv = await download(planner, 'level=village&format=csv');
		expect(csv.status).toBe(200);
		expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(csv.name).toMatch(/-\d{4}-\d\d-\d\d-\d{4}-planner\.csv$/);
		const rows = csvRows(csv.bytes);
		expect(rows).toHaveLength(want.length + 1);
		for (const r of rows.slice(1)) {
			const w = byCode.get(r[1])!;
			expect(r.slice(3, 6).map(Number), r[1]).toEqual([w.total, w.lb, w.dif]);
			expect(r.slice(7, 10), r[1]).toEqual(flags(w));
		}

		const xlsx = await download(planner, 'level=village&format=xlsx');
		const x = ogrinfo(xlsx.bytes, 'xlsx');
		expect(x.count).toBe(want.length);
		expect(x.fields.get(t('plan.cat.total'))).toBe('Integer');
		expect(x.fields.get(t('plan.cat.leftBehind'))).toBe('Integer');
		expect(x.fields.get(t('plan.lon'))).toBe('Real');
		const book = readXlsx(xlsx.bytes);
		for (const r of book.rows.slice(1)) {
			const w = byCode.get(String(r[1]?.value))!;
			expect([3, 4, 5].map((i) => Number(r[i]?.value))).toEqual([w.total, w.lb, w.dif]);
		}

		const geo = await download(planner, 'level=village&format=geojson');
		const g = ogrinfo(geo.bytes, 'geojson');
		expect(g.count).toBe(want.length);
		expect(g.geometry).toBe('Point');
		expect(g.fields.get(t('plan.cat.inDifficulty'))).toBe('Integer');
		const fc = JSON.parse(geo.bytes.toString('utf8')) as GeoJSON.FeatureCollection & {
			exported: { by: string };
		};
		expect(fc.exported.by).toBe('planner');
		for (const f of fc.features) {
			const w = byCode.get(String(f.properties![t('plan.ref')]))!;
			expect(f.properties![t('plan.cat.total')]).toBe(w.total);
		}

		const logged = await audits('planning.coverage.village.csv');
		expect(logged.at(-1)).toMatchObject({ username: 'planner', detail: { rows: want.length } });
		expect((await audits('planning.coverage.village.xlsx')).length).toBeGreaterThan(0);
		expect((await audits('planning.coverage.village.geojson')).length).toBeGreaterThan(0);
	});

	it('by township: sums of the villages released counts, and the whole jurisdiction', async () => {
		const towns = [...new Set(want.map((w) => w.township))];
		const csv = await download(planner, 'level=township&format=csv');
		const rows = csvRows(csv.bytes);
		expect(rows).toHaveLength(towns.length + 2);
		for (const r of rows.slice(1, -1)) {
			const vs = want.filter((w) => w.township === r[1]);
			const covered1km = vs.filter((w) => w.c1000);
			expect(r.slice(2, 5).map(Number), r[1]).toEqual([
				vs.reduce((a, w) => a + w.total, 0),
				vs.reduce((a, w) => a + w.lb, 0),
				vs.reduce((a, w) => a + w.dif, 0)
			]);
			// covered at 1 km: total, left-behind, in difficulty (after the three at 500 m)
			expect(r.slice(8, 11).map(Number), r[1]).toEqual([
				covered1km.reduce((a, w) => a + w.total, 0),
				covered1km.reduce((a, w) => a + w.lb, 0),
				covered1km.reduce((a, w) => a + w.dif, 0)
			]);
		}
		expect(Number(rows.at(-1)![2])).toBe(want.reduce((a, w) => a + w.total, 0));
		const x = ogrinfo((await download(planner, 'level=township&format=xlsx')).bytes, 'xlsx');
		expect(x.count).toBe(towns.length + 1);
		expect(x.fields.get(t('plan.cat.total'))).toBe('Integer');
		expect((await audits('planning.coverage.township.xlsx')).at(-1)?.detail.rows).toBe(
			towns.length + 1
		);
	});

	it('refuses other roles and a township file without places, changing nothing', async () => {
		const before = (await audits('planning.coverage.village.csv')).length;
		const chief = (await principalOf(d.db, 'river.chief')) as Principal;
		expect((await download(chief, 'level=village&format=csv')).status).toBe(403);
		expect((await download(planner, 'level=township&format=geojson')).status).toBe(400);
		expect((await download(planner, 'level=county&format=csv')).status).toBe(400);
		expect((await audits('planning.coverage.village.csv')).length).toBe(before);
	});
});
