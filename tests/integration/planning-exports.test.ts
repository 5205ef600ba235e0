// The planner's coverage results as files, on both engines: by village (CSV, XLSX, GeoJSON at
// the village centre) and by township (CSV, XLSX), each opened by GDAL; the counts are the
// released ones (child_counts.*_released, read here by SQL), as the page shows them, and the
// covered flags equal PostGIS; every file carries its watermark and leaves one audit row. A
// saved scenario's GeoJSON names its properties as its CSV's headings, in the user's language.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import Papa from 'papaparse';
import { principalOf, testEngines } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { villagesByPostgis, type VillageReference } from '../support/planning-reference';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { translator, type Locale } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/planning-coverage/+server';
import { GET as scenarioGET } from '../../src/routes/api/exports/planning/+server';
import { POST as savePOST } from '../../src/routes/api/planning/scenarios/+server';
import { runSiting } from '../../src/lib/server/services/planning';
import { fakeEvent } from '../support/auditor/collect';

vi.mock('$lib/server/db', () => import('../support/app-database'));

async function download(
	who: Principal,
	query: string,
	locale: Locale = 'en',
	route: 'planning-coverage' | 'planning' = 'planning-coverage'
) {
	const ev = fakeEvent(who, `/api/exports/${route}?${query}`) as {
		locals: { locale: string };
	};
	ev.locals.locale = locale;
	try {
		const res = await (route === 'planning' ? scenarioGET : GET)(ev as never);
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

	it('a saved scenario as GeoJSON: its CSV headings in the user’s language, read by GDAL', async () => {
		const answer = await runSiting(held.d.db, planner, { k: 3, radiusM: 1000 });
		const sites = answer.sites.map(({ gain: _gain, ...s }) => s);
		const saved = await savePOST({
			...(fakeEvent(planner, '/api/planning/scenarios') as Record<string, unknown>),
			request: new Request('http://localhost/api/planning/scenarios', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ name: 'QA三处', k: 3, radiusM: 1000, sites })
			})
		} as never);
		expect(saved.status).toBe(201);
		const { id } = (await saved.json()) as { id: number };
		for (const locale of ['zh-CN', 'en'] as const) {
			const tr = translator(locale);
			const before = (await audits('planning.scenario.csv')).length;
			const csv = await download(planner, `scenario=${id}&format=csv`, locale, 'planning');
			expect(csv.status).toBe(200);
			// named and watermarked as every list export, and in the audit log with its file and rows
			expect(csv.name).toMatch(/-\d{4}-\d\d-\d\d-\d{4}-planner\.csv$/);
			expect(csv.name).toContain(tr('plan.sheet'));
			const logged = await audits('planning.scenario.csv');
			expect(logged).toHaveLength(before + 1);
			expect(logged.at(-1)).toMatchObject({
				username: 'planner',
				detail: { rows: 3, file: csv.name }
			});
			// papaparse: an English kind ("New, at a village centre") is a quoted cell
			const [header, ...rows] = Papa.parse<string[]>(
				csv.bytes.toString('utf8').slice(1).trim()
			).data;
			expect(rows).toHaveLength(3);
			// the watermark, the last column of every row (the GeoJSON has it as `exported`)
			expect(header.pop()).toBe(tr('export.watermark'));
			for (const r of rows)
				expect(r.pop()!.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/, 'AT')).toBe(
					tr('export.exportedBy', { user: 'planner', at: 'AT' })
				);
			const lon = header.indexOf(tr('plan.lon'));
			const lat = header.indexOf(tr('plan.lat'));
			expect(lon).toBeGreaterThan(-1);
			expect(lat).toBeGreaterThan(-1);
			const geo = await download(planner, `scenario=${id}&format=geojson`, locale, 'planning');
			expect(geo.status).toBe(200);
			const fc = JSON.parse(
				geo.bytes.toString('utf8')
			) as GeoJSON.FeatureCollection<GeoJSON.Point> & {
				name: string;
				exported: { by: string };
			};
			expect(fc.name).toBe('QA三处');
			expect((await audits('planning.scenario.geojson')).at(-1)).toMatchObject({
				username: 'planner',
				detail: { rows: 3, file: geo.name }
			});
			expect(fc.exported.by).toBe('planner');
			expect(fc.features).toHaveLength(3);
			const keys = header.filter((_, i) => i !== lon && i !== lat);
			fc.features.forEach((f, i) => {
				// the same headings and the same values as the CSV's row, the place as the geometry
				expect(Object.keys(f.properties!), locale).toEqual(keys);
				expect(keys.map((k) => String(f.properties![k]))).toEqual(
					rows[i].filter((_, j) => j !== lon && j !== lat)
				);
				expect(f.geometry.coordinates).toEqual([Number(rows[i][lon]), Number(rows[i][lat])]);
			});
			const g = ogrinfo(geo.bytes, 'geojson');
			expect(g.count).toBe(3);
			expect(g.geometry).toBe('Point');
			expect(g.fields.get(tr('plan.gain'))).toBe('Integer');
			expect(g.fields.get(tr('plan.site'))).toBe('String');
			expect(g.fields.get(tr('plan.radius'))).toBe('Integer');
		}
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
