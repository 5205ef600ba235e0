// The dashboard's tables and the campaign lists as files, through their endpoints on a seeded
// database: each format opened by GDAL (field types, feature counts, places), the rows equal to
// independent SQL counts within the viewer's scope, the released counts as on screen, the
// watermark (file name, workbook properties, GeoJSON member) and one audit row per export.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { download, routeEvent } from '../support/route-event';
import { translator } from '../../src/lib/i18n';
import { GET as dashboardGET } from '../../src/routes/api/exports/dashboard/+server';
import { GET as campaignsGET } from '../../src/routes/api/exports/campaigns/+server';
import { createCampaign } from '../../src/lib/server/services/campaigns';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const csvRows = (b: Buffer) => b.toString('utf8').slice(1).trim().split('\r\n');

describe.each(testEngines())('list exports on %s', (engine) => {
	let d: TestDatabase;
	let county: Principal;
	let staff: Principal;
	let campaignId: number;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		county = (await principalOf(d.db, 'county.admin')) as Principal;
		staff = (await principalOf(d.db, 'township.staff')) as Principal;
		campaignId = (
			await createCampaign(
				d.db,
				county,
				{
					name: '汛期排查=导出',
					areaCode: county.jurisdiction,
					startsAt: new Date(Date.now() - 86400_000),
					endsAt: new Date(Date.now() + 30 * 86400_000),
					rules: {}
				},
				{ ip: '127.0.0.1', userAgent: 'vitest' }
			)
		).id;
		// one hazard found at a target in the staff's township, one elsewhere in the county
		await sql`
			INSERT INTO hazards (target_id, item, description, found_by, found_at)
			SELECT t.id, 'water', '=cmd|x', ${county.userId}, '2026-06-01T02:30:00Z'
			FROM campaign_targets t WHERE t.campaign_id = ${campaignId}
				AND t.area_code LIKE ${staff.jurisdiction.slice(0, 9) + '%'}
			ORDER BY t.id LIMIT 1`.execute(d.db);
		await sql`
			INSERT INTO hazards (target_id, item, description, found_by, found_at)
			SELECT t.id, 'water', 'b', ${county.userId}, '2026-06-02T02:30:00Z'
			FROM campaign_targets t WHERE t.campaign_id = ${campaignId}
				AND t.area_code NOT LIKE ${staff.jurisdiction.slice(0, 9) + '%'}
			ORDER BY t.id LIMIT 1`.execute(d.db);
	});
	afterAll(async () => {
		await d?.close();
	});

	const audits = async (resource: string) =>
		(
			await sql<{ username: string; detail: { file: string; rows: number } }>`
				SELECT username, detail FROM audit_log WHERE action = 'export' AND resource = ${resource}
				ORDER BY id`.execute(d.db)
		).rows;

	it('writes the completion table as CSV, XLSX and GeoJSON with one row per township', async () => {
		const towns = (
			await sql<{ code: string; name: string; lon: number; lat: number }>`
				SELECT code, name, ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units
				WHERE parent_code = ${county.jurisdiction}`.execute(d.db)
		).rows;
		expect(towns.length).toBeGreaterThan(1);
		const route = '/api/exports/dashboard';
		const csv = await download(dashboardGET, route, county, 'table=completion&format=csv');
		expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(csvRows(csv.bytes)).toHaveLength(towns.length + 1);
		expect(csv.name).toMatch(/-\d{4}-\d\d-\d\d-\d{4}-county\.admin\.csv$/);

		const xlsx = await download(dashboardGET, route, county, 'table=completion&format=xlsx');
		const x = ogrinfo(xlsx.bytes, 'xlsx');
		expect(x.count).toBe(towns.length);
		expect(x.fields.get('Segments needing items')).toBe('Integer');
		expect(x.fields.get('Longitude')).toBe('Real');
		const book = readXlsx(xlsx.bytes);
		expect(book.rows).toHaveLength(towns.length + 1);

		const geo = await download(dashboardGET, route, county, 'table=completion&format=geojson');
		expect(geo.type).toContain('geo+json');
		const g = ogrinfo(geo.bytes, 'geojson');
		expect(g.count).toBe(towns.length);
		expect(g.geometry).toBe('Point');
		const fc = JSON.parse(geo.bytes.toString('utf8')) as GeoJSON.FeatureCollection & {
			exported: { by: string };
		};
		expect(fc.exported.by).toBe(county.username);
		// each row at its township's centre
		const at = new Map(towns.map((t) => [t.name, [t.lon, t.lat]]));
		for (const f of fc.features) {
			const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
			const want = at.get(String(f.properties!['Area']))!;
			expect(lon).toBeCloseTo(want[0], 5);
			expect(lat).toBeCloseTo(want[1], 5);
		}
		const logged = await audits('dashboard.completion.geojson');
		expect(logged.at(-1)!.username).toBe(county.username);
		expect(logged.at(-1)!.detail.rows).toBe(towns.length);
		expect(logged.at(-1)!.detail.file).toBe(geo.name);
	});

	it('writes the exposure table with the released counts, as on screen', async () => {
		const released = new Map(
			(
				await sql<{ name: string; n: number }>`
					SELECT a.name, coalesce(c.total_released, 0)::int AS n
					FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
					WHERE a.parent_code = ${county.jurisdiction}`.execute(d.db)
			).rows.map((r) => [r.name, r.n])
		);
		const csv = await download(
			dashboardGET,
			'/api/exports/dashboard',
			county,
			'table=exposure&format=csv'
		);
		const [head, ...rows] = csvRows(csv.bytes).map((l) => l.split(','));
		const col = head.indexOf('Children');
		expect(col).toBeGreaterThan(0);
		expect(rows).toHaveLength(released.size);
		for (const r of rows) {
			const shown = r[col];
			expect(shown === '—' ? null : Number(shown)).toBe(shown === '—' ? null : released.get(r[0]));
		}
		// every column its own name: the GeoJSON keys properties by it, and two "Share (%)"
		// columns were one property there, the near-water share lost under the other's name
		const names = head.slice(0, -1);
		expect(new Set(names).size).toBe(names.length);
		const geo = await download(
			dashboardGET,
			'/api/exports/dashboard',
			county,
			'table=exposure&format=geojson',
			'zh-CN'
		);
		const fc = JSON.parse(geo.bytes.toString('utf8')) as GeoJSON.FeatureCollection;
		const zhCsv = await download(
			dashboardGET,
			'/api/exports/dashboard',
			county,
			'table=exposure&format=csv',
			'zh-CN'
		);
		const [zhHead, ...zhRows] = csvRows(zhCsv.bytes).map((l) => l.split(','));
		const zt = translator('zh-CN');
		const geoKeys = zhHead.filter(
			(h) => h !== zt('export.lon') && h !== zt('export.lat') && h !== zt('export.watermark')
		);
		expect(fc.features).toHaveLength(zhRows.length);
		for (const f of fc.features) {
			expect(Object.keys(f.properties!)).toEqual(geoKeys);
			const row = zhRows.find((r) => r[0] === f.properties![geoKeys[0]])!;
			expect(geoKeys.map((k) => String(f.properties![k]))).toEqual(
				geoKeys.map((k) => row[zhHead.indexOf(k)])
			);
		}
	});

	it('writes a campaign’s targets and hazards within the viewer’s scope, placed and dated', async () => {
		const route = '/api/exports/campaigns';
		const n = async (prefix: string) =>
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM campaign_targets
					WHERE campaign_id = ${campaignId} AND area_code LIKE ${prefix + '%'}`.execute(d.db)
			).rows[0].n;
		const all = await n(county.jurisdiction.slice(0, 6));
		const mine = await n(staff.jurisdiction.slice(0, 9));
		expect(all).toBeGreaterThan(mine);
		expect(mine).toBeGreaterThan(0);

		const geo = await download(
			campaignsGET,
			route,
			county,
			`list=targets&campaign=${campaignId}&format=geojson`
		);
		const g = ogrinfo(geo.bytes, 'geojson');
		expect(g.count).toBe(all);
		expect(g.geometry).toBe('Point');
		// in Chinese, every property is named as the CSV's heading: no English key left (编号, not ID)
		for (const list of ['targets', 'hazards'] as const) {
			const q = `list=${list}&campaign=${campaignId}`;
			const zhGeo = await download(campaignsGET, route, county, `${q}&format=geojson`, 'zh-CN');
			const zhCsv = await download(campaignsGET, route, county, `${q}&format=csv`, 'zh-CN');
			const head = csvRows(zhCsv.bytes)[0].split(',');
			const zt = translator('zh-CN');
			// the CSV's watermark is its last column; the GeoJSON has it as `exported`
			expect(head.at(-1)).toBe(zt('export.watermark'));
			const keys = head
				.slice(0, -1)
				.filter((h) => h !== zt('export.lon') && h !== zt('export.lat'));
			expect(keys).toHaveLength(head.length - 3);
			const fc = JSON.parse(zhGeo.bytes.toString('utf8')) as GeoJSON.FeatureCollection;
			expect(fc.features.length, list).toBeGreaterThan(0);
			for (const f of fc.features) expect(Object.keys(f.properties!), list).toEqual(keys);
			expect(
				keys.filter((k) => /^[\x20-\x7e]+$/.test(k)),
				list
			).toEqual([]);
			expect(ogrinfo(zhGeo.bytes, 'geojson').fields.get(zt('export.id')), list).toBe('Integer');
		}
		const staffCsv = await download(
			campaignsGET,
			route,
			staff,
			`list=targets&campaign=${campaignId}&format=csv`
		);
		expect(csvRows(staffCsv.bytes)).toHaveLength(mine + 1);

		const hz = await download(
			campaignsGET,
			route,
			county,
			`list=hazards&campaign=${campaignId}&format=xlsx`
		);
		const x = ogrinfo(hz.bytes, 'xlsx');
		expect(x.count).toBe(2);
		// custom date format from 164 up: GDAL reads the cells as dates
		expect(x.fields.get('Found')).toBe('DateTime');
		expect(x.fields.get('Longitude')).toBe('Real');
		expect(hz.name).toMatch(/-county\.admin\.xlsx$/);
		const staffHz = await download(
			campaignsGET,
			route,
			staff,
			`list=hazards&campaign=${campaignId}&format=csv`,
			'zh-CN'
		);
		const lines = csvRows(staffHz.bytes);
		expect(lines).toHaveLength(2);
		// a formula is written as text
		expect(lines[1]).toContain("'=cmd|x");
		expect(staffHz.name).toContain('隐患清单');
		expect((await audits('campaigns.hazards.csv')).at(-1)!.detail.rows).toBe(1);

		const list = await download(campaignsGET, route, county, 'list=campaigns&format=csv');
		expect(
			csvRows(list.bytes)
				.slice(1)
				.some((l) => l.includes(String(campaignId)))
		).toBe(true);
	});

	it('refuses a campaign out of reach and a bad query, writing nothing', async () => {
		const before = (await audits('campaigns.targets.csv')).length;
		const other = (await principalOf(d.db, 'village.director')) as Principal;
		// a campaign the viewer cannot see is not found
		const outside = { ...staff, jurisdiction: '420100000000' } as Principal;
		const r = await download(
			campaignsGET,
			'/api/exports/campaigns',
			outside,
			`list=targets&campaign=${campaignId}&format=csv`
		);
		expect(r.status).toBe(404);
		const bad = await download(
			campaignsGET,
			'/api/exports/campaigns',
			other,
			'list=targets&format=pdf'
		);
		expect(bad.status).toBe(400);
		const bad2 = await download(
			dashboardGET,
			'/api/exports/dashboard',
			county,
			'table=completion&format=kml'
		);
		expect(bad2.status).toBe(400);
		// a bad campaign id is named with what is wrong with it (it said "类型不对（收到 Object）")
		for (const q of ['list=targets&campaign=-1', 'list=hazards&campaign=1e99']) {
			let message = '';
			try {
				await campaignsGET(
					routeEvent(county, new Request(`http://localhost/api/exports/campaigns?${q}`), 'zh-CN')
				);
			} catch (e) {
				message = (e as { body: { message: string } }).body.message;
			}
			expect(message, q).toMatch(/^请求参数有误：campaign：应为正整数编号/);
		}
		expect((await audits('campaigns.targets.csv')).length).toBe(before);
	});
});
