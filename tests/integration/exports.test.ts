// The segment list export through its endpoint, on a seeded database: the real file bytes read
// back (date cells in Beijing time, sheet name, the missing items in words, the village and a
// point on the segment), the file name sent in Content-Disposition (with who and when), the
// audit log, and the files opened by GDAL (ogrinfo), the outside reader GIS users have.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { readXlsx, shownDateTime } from '../support/xlsx';
import { ogrinfo } from '../support/ogr';
import type { Principal } from '../../src/lib/server/auth/policy';
import { routeEvent } from '../support/route-event';
import type { Locale } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/segments/+server';
import { dryRunImport, prepareImport } from '../../src/lib/server/services/imports';
import { translator } from '../../src/lib/i18n';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

/** Today in Beijing, as the file name should carry it. */
const beijingDay = () =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The file's name: the area and filters, the Beijing day, then the hour and minute and the user. */
function stamped(stem: string, day: string, user: string, ext: string): RegExp {
	return new RegExp(`^${esc(stem)}-${day}-\\d{4}-${esc(user)}\\.${ext}$`);
}

async function download(who: Principal, query: string, locale: Locale = 'zh-CN') {
	const url = new URL(`http://localhost/api/exports/segments?${query}`);
	const res = await GET(routeEvent<Parameters<typeof GET>[0]>(who, new Request(url), locale));
	const cd = res.headers.get('content-disposition') ?? '';
	return {
		res,
		bytes: Buffer.from(await res.arrayBuffer()),
		cd,
		ascii: /(?:^|;\s*)filename="([^"]*)"/.exec(cd)?.[1],
		name: decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/.exec(cd)?.[1] ?? '')
	};
}

describe.each(testEngines())('segment list export on %s', (engine) => {
	let d: TestDatabase;
	let staff: Principal;
	let county: Principal;
	let townName: string;
	let countyName: string;
	let pond: number;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		staff = (await principalOf(d.db, 'township.staff')) as Principal;
		county = (await principalOf(d.db, 'county.admin')) as Principal;
		const name = async (code: string) =>
			(
				await sql<{
					name: string;
				}>`SELECT name FROM admin_units WHERE code = ${code}`.execute(d.db)
			).rows[0].name;
		townName = await name(staff.jurisdiction);
		countyName = await name(county.jurisdiction);
		// a pond of the staff's township with two of the four items, checked at 09:00 Beijing time
		pond = (
			await sql<{ id: number }>`
				SELECT id FROM waterways WHERE township_code = ${staff.jurisdiction} AND kind = 'pond'
				ORDER BY id LIMIT 1`.execute(d.db)
		).rows[0].id;
		for (const [item, status] of [
			['sign', 'present'],
			['buoy', 'present'],
			['rope', 'missing'],
			['pole', 'damaged']
		])
			await sql`
				INSERT INTO safety_equipment (waterway_id, item, status, checked_at, inspected_at)
				VALUES (${pond}, ${item}, ${status}, '2026-05-15T01:00:00Z', '2026-05-15T01:00:00Z')
				ON CONFLICT (waterway_id, item)
				DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at,
					inspected_at = excluded.inspected_at`.execute(d.db);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('writes an XLSX with date cells in Beijing time, a named sheet and the items missing', async () => {
		const r = await download(staff, 'format=xlsx&mine=0&kind=pond&completeness=partial');
		expect(r.res.status).toBe(200);
		expect(r.res.headers.get('content-type')).toContain('spreadsheetml');
		const day = beijingDay();
		expect(r.name).toMatch(stamped(`${townName}-河段-坑塘-部分缺失`, day, staff.username, 'xlsx'));
		expect(r.ascii).toMatch(
			stamped(`segments-${staff.jurisdiction}-pond-partial`, day, staff.username, 'xlsx')
		);
		expect(r.cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[\x21-\x7e]+$/);

		const x = readXlsx(r.bytes);
		expect(x.sheets).toEqual(['河段']);
		const header = x.rows[0].map((c) => c?.value);
		const col = (name: string) => {
			expect(header).toContain(name);
			return header.indexOf(name);
		};
		const row = x.rows.slice(1).find((cells) => cells[0]?.value === pond)!;
		expect(row).toBeDefined();
		expect(row[0]).toMatchObject({ t: 'n' });
		expect(row[col('最近检查（北京时间）')]).toMatchObject({ t: 'n', format: 'yyyy-mm-dd hh:mm' });
		expect(shownDateTime(row[col('最近检查（北京时间）')]!.value as number)).toBe(
			'2026-05-15 09:00'
		);
		expect(row[col('缺少或不可用的项数（四个一）')]).toMatchObject({ t: 'n', value: 2 });
		expect(row[col('缺少或不可用的项目')]).toMatchObject({ t: 's', value: '救生绳、救生杆' });
		expect(row[col('完整度')]?.value).toBe('部分缺失');
		expect(row[col('类型')]?.value).toBe('坑塘');
		expect(row[col('长度 (m)')]).toMatchObject({ t: 'n' });
		// where it is: the nearest village of its township and a point on the line
		const village = (
			await sql<{ name: string }>`
				SELECT name FROM admin_units WHERE parent_code = ${staff.jurisdiction} AND level = 'village'`.execute(
				d.db
			)
		).rows.map((v) => v.name);
		expect(village).toContain(row[col('最近的村')]?.value);
		const onLine = (
			await sql<{ d: number }>`
				SELECT ST_Distance(geom::geography,
					ST_SetSRID(ST_MakePoint(${row[col('经度')]!.value as number}, ${row[col('纬度')]!.value as number}), 4326)::geography,
					false) AS d
				FROM waterways WHERE id = ${pond}`.execute(d.db)
		).rows[0].d;
		// six decimals of a degree: within 0.1 m of the line
		expect(onLine).toBeLessThan(0.2);
		// every row is a pond with some items missing, as filtered
		for (const cells of x.rows.slice(1)) {
			expect(cells[col('类型')]?.value).toBe('坑塘');
			expect([1, 2, 3]).toContain(cells[col('缺少或不可用的项数（四个一）')]?.value);
		}
	});

	it('keeps ISO 8601 at +08:00 in the CSV and names the county and township in English', async () => {
		const r = await download(county, `format=csv&township=${staff.jurisdiction}`, 'en');
		expect(r.res.status).toBe(200);
		const day = beijingDay();
		expect(r.name).toMatch(
			stamped(`${countyName}-${townName}-Segments`, day, county.username, 'csv')
		);
		expect(r.ascii).toMatch(
			stamped(`segments-${county.jurisdiction}-${staff.jurisdiction}`, day, county.username, 'csv')
		);
		const lines = r.bytes.toString('utf8').slice(1).trim().split('\r\n');
		expect(lines[0]).toContain('Items missing or unusable (of the four),Items missing or unusable');
		expect(lines[0]).toContain('Last checked (Beijing time)');
		const line = lines.find((l) => l.startsWith(`${pond},`))!;
		expect(line).toContain(',2,"Rescue rope, Rescue pole",');
		// the time, the source's id and the township's code (what an import reads), the point on
		// the segment (lon, lat), then the watermark: who exported it and when
		expect(line).toMatch(
			new RegExp(
				`,2026-05-15T09:00:00\\+08:00,[^,]+,${staff.jurisdiction},1\\d\\d\\.\\d{1,6},[23]\\d\\.\\d{1,6},Exported by county\\.admin at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(Beijing time\\)$`
			)
		);
		expect(lines[0].endsWith(',Watermark')).toBe(true);
		expect(new Set(lines.slice(1).map((l) => l.split(',')[1]))).toEqual(new Set([townName]));
	});

	it('applies the river chief filter of the list page and names the chief', async () => {
		const chief = (
			await sql<{ id: number; name: string }>`
				SELECT u.id, u.display_name AS name FROM users u
				WHERE u.role = 'river_chief' AND EXISTS (SELECT 1 FROM waterways w WHERE w.river_chief_id = u.id)
				ORDER BY u.id LIMIT 1`.execute(d.db)
		).rows[0];
		expect(chief).toBeDefined();
		const r = await download(county, `format=csv&mine=0&chief=${chief.id}&required=1`);
		const day = beijingDay();
		expect(r.name).toMatch(
			stamped(`${countyName}-河段-河长${chief.name}-需配备`, day, county.username, 'csv')
		);
		expect(r.ascii).toMatch(
			stamped(
				`segments-${county.jurisdiction}-chief${chief.id}-required`,
				day,
				county.username,
				'csv'
			)
		);
		const lines = r.bytes.toString('utf8').slice(1).trim().split('\r\n');
		const at = lines[0].split(',').indexOf('河长');
		expect(lines.length).toBeGreaterThan(1);
		for (const l of lines.slice(1)) {
			expect(l.split(',')[at]).toBe(chief.name);
			expect(l).toMatch(/,是,/);
		}
	});

	it('writes files GDAL reads: XLSX date cells as DateTime, CSV with a BOM, GeoJSON lines', async () => {
		const rows = Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM waterways WHERE township_code LIKE ${county.jurisdiction.slice(0, 6) + '%'}`.execute(
					d.db
				)
			).rows[0].n
		);
		const xlsx = await download(county, 'format=xlsx&mine=0', 'en');
		const x = ogrinfo(xlsx.bytes, 'xlsx');
		expect(x.count).toBe(rows);
		expect(x.fields.get('Last checked (Beijing time)')).toBe('DateTime');
		expect(x.fields.get('No.')).toBe('Integer');
		expect(x.fields.get('Longitude')).toBe('Real');
		expect(x.fields.get('Latitude')).toBe('Real');
		// the watermark: who exported it and when, in the workbook's properties
		const props = readXlsx(xlsx.bytes);
		expect(props.rows[0].map((c) => c?.value)).toContain('Nearest village');

		const csv = await download(county, 'format=csv&mine=0', 'en');
		expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const c = ogrinfo(
			csv.bytes,
			'csv',
			'-oo',
			'X_POSSIBLE_NAMES=Longitude',
			'-oo',
			'Y_POSSIBLE_NAMES=Latitude'
		);
		expect(c.count).toBe(rows);
		expect(c.geometry).toBe('Point');

		const geo = await download(county, 'format=geojson&mine=0', 'en');
		expect(geo.res.headers.get('content-type')).toContain('geo+json');
		const g = ogrinfo(geo.bytes, 'geojson');
		expect(g.count).toBe(rows);
		// each segment's own line, its shape kept; the point on it stays as two properties
		expect(g.geometry).toBe('Line String');
		expect(g.fields.get('Nearest village')).toBe('String');
		expect(g.fields.get('Longitude')).toBe('Real');
		expect(g.fields.get('Latitude')).toBe('Real');
		const fc = JSON.parse(geo.bytes.toString('utf8')) as {
			exported: { by: string; at: string };
			features: { geometry: GeoJSON.Geometry; properties: Record<string, unknown> }[];
		};
		// the line is the stored one: equal to the database's geometry of the same segment
		const first = fc.features[0];
		const same = await sql<{ same: boolean }>`
			SELECT ST_Equals(geom, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(first.geometry)}), 4326)) AS same
			FROM waterways WHERE id = ${Number(first.properties['No.'])}`.execute(d.db);
		expect(same.rows[0].same).toBe(true);
		expect(fc.exported.by).toBe(county.username);
		expect(fc.exported.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
	});

	it('writes a GeoJSON that an import of waterways maps by itself and finds unchanged', async () => {
		const n = Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM waterways
					WHERE township_code LIKE ${county.jurisdiction.slice(0, 6) + '%'}`.execute(d.db)
			).rows[0].n
		);
		expect(n).toBeGreaterThan(0);
		for (const locale of ['zh-CN', 'en'] as const) {
			const t = translator(locale);
			const geo = await download(county, 'format=geojson&mine=0', locale);
			const p = await prepareImport(
				d.db,
				county,
				{ name: 'segments.geojson', bytes: new Uint8Array(geo.bytes) },
				{ kind: 'waterways', encoding: 'auto', crs: 'auto', swap: false, mapping: null }
			);
			// every field to its own column, none by hand: the source's id, not the app's row number
			expect(p.mapping, locale).toEqual({
				sourceId: t('export.sourceId'),
				name: t('export.segmentName'),
				kind: t('detail.kind'),
				townshipCode: t('export.townshipCode')
			});
			const r = await dryRunImport(d.db, county, p);
			expect({ ...r, problems: r.problems.slice(0, 3) }, locale).toMatchObject({
				rows: n,
				unchanged: n,
				inserts: 0,
				updates: 0,
				rejected: 0
			});
		}
	});

	it('escapes cells a spreadsheet would run as a formula, and logs every export', async () => {
		await sql`UPDATE waterways SET name = '=HYPERLINK("http://x","y")' WHERE id = ${pond}`.execute(
			d.db
		);
		// a rename changes what lists show: the data version moves, as the app's writes move it
		await sql`
			INSERT INTO app_meta (key, value, updated_at) VALUES ('data_version', '1', now())
			ON CONFLICT (key) DO UPDATE SET value = (app_meta.value::bigint + 1)::text`.execute(d.db);
		const before = (
			await sql<{
				n: number;
			}>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`.execute(d.db)
		).rows[0].n;
		const r = await download(staff, 'format=csv&mine=0&kind=pond');
		const line = r.bytes
			.toString('utf8')
			.split('\r\n')
			.find((l) => l.startsWith(`${pond},`))!;
		expect(line).toContain(`,"'=HYPERLINK(""http://x"",""y"")",`);
		const logged = (
			await sql<{ resource: string; detail: { rows: number; file: string } }>`
				SELECT resource, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1`.execute(
				d.db
			)
		).rows[0];
		const after = (
			await sql<{
				n: number;
			}>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`.execute(d.db)
		).rows[0].n;
		expect(after).toBe(before + 1);
		expect(logged.resource).toBe('segments.csv');
		expect(logged.detail.file).toBe(r.name);
		expect(logged.detail.rows).toBe(r.bytes.toString('utf8').trim().split('\r\n').length - 1);
	});
});
