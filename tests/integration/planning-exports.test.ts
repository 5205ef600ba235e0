// The planner's coverage results as files, on both engines: by village (CSV, XLSX, GeoJSON at
// the village centre) and by township (CSV, XLSX), each opened by GDAL; the counts are the
// released ones (child_counts.*_released, read here by SQL), as the page shows them, and the
// covered flags equal PostGIS; every file carries its watermark and leaves one audit row.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { principalOf, testEngines } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { villagesByPostgis, type VillageReference } from '../support/planning-reference';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { translator } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/planning-coverage/+server';
import { fakeEvent } from '../support/auditor/collect';

vi.mock('$lib/server/db', () => import('../support/app-database'));

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

const t = translator('en');
const csvRows = (b: Buffer) =>
	b
		.toString('utf8')
		.slice(1)
		.trim()
		.split('\r\n')
		.map((r) => r.split(','));

describe.each(testEngines())('coverage results export on %s', (engine) => {
	const held = useTestDatabase(engine);
	let planner: Principal;
	let want: VillageReference[];
	beforeAll(async () => {
		planner = (await principalOf(held.d.db, 'planner')) as Principal;
		want = await villagesByPostgis(held.d.db);
	});

	const audits = async (resource: string) =>
		(
			await sql<{ username: string; detail: { file: string; rows: number } }>`
				SELECT username, detail FROM audit_log WHERE action = 'export' AND resource = ${resource}
				ORDER BY id`.execute(held.d.db)
		).rows;

	it('by village: CSV, XLSX and GeoJSON that GDAL reads, with the released counts and PostGIS coverage', async () => {
		const byCode = new Map(want.map((w) => [w.code, w]));
		const yes = t('plan.yes');
		const flags = (w: VillageReference) =>
			[w.c500, w.c1000, w.c2000].map((c) => (c ? yes : t('plan.no')));

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
		// the header says these are sums of the villages' figures, not the dashboard's township count
		expect(x.fields.get(`${t('plan.cat.total')}${t('plan.villageSum')}`)).toBe('Integer');
		expect((await audits('planning.coverage.township.xlsx')).at(-1)?.detail.rows).toBe(
			towns.length + 1
		);
	});

	it('refuses other roles and a township file without places, changing nothing', async () => {
		const before = (await audits('planning.coverage.village.csv')).length;
		const chief = (await principalOf(held.d.db, 'river.chief')) as Principal;
		expect((await download(chief, 'level=village&format=csv')).status).toBe(403);
		expect((await download(planner, 'level=township&format=geojson')).status).toBe(400);
		expect((await download(planner, 'level=county&format=csv')).status).toBe(400);
		expect((await audits('planning.coverage.village.csv')).length).toBe(before);
	});
});
