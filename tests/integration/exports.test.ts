// The segment list export through its endpoint, on a seeded database: the real file bytes read
// back (date cells in Beijing time, sheet name, the missing items in words) and the file name
// sent in Content-Disposition.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { readXlsx, shownDateTime } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { scopeFor } from '../../src/lib/server/auth/scope';
import type { Locale } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/segments/+server';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

/** Today in Beijing, as the file name should carry it. */
const beijingDay = () =>
	new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

async function download(who: Principal, query: string, locale: Locale = 'zh-CN') {
	const url = new URL(`http://localhost/api/exports/segments?${query}`);
	const event = {
		url,
		locals: {
			locale,
			user: {
				principal: who,
				displayName: who.username,
				sessionId: 'test',
				secondFactorOk: true,
				totpEnabled: true
			},
			scope: scopeFor(who.jurisdiction)
		},
		request: new Request(url),
		getClientAddress: () => '127.0.0.1'
	};
	const res = await GET(event as unknown as Parameters<typeof GET>[0]);
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
				INSERT INTO safety_equipment (waterway_id, item, status, checked_at)
				VALUES (${pond}, ${item}, ${status}, '2026-05-15T01:00:00Z')
				ON CONFLICT (waterway_id, item)
				DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at`.execute(d.db);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('writes an XLSX with date cells in Beijing time, a named sheet and the items missing', async () => {
		const r = await download(staff, 'format=xlsx&mine=0&kind=pond&completeness=partial');
		expect(r.res.status).toBe(200);
		expect(r.res.headers.get('content-type')).toContain('spreadsheetml');
		const day = beijingDay();
		expect(r.name).toBe(`${townName}-河段-坑塘-部分缺失-${day}.xlsx`);
		expect(r.ascii).toBe(`segments-${staff.jurisdiction}-pond-partial-${day}.xlsx`);
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
		expect(r.name).toBe(`${countyName}-${townName}-Segments-${day}.csv`);
		expect(r.ascii).toBe(`segments-${county.jurisdiction}-${staff.jurisdiction}-${day}.csv`);
		const lines = r.bytes.toString('utf8').slice(1).trim().split('\r\n');
		expect(lines[0]).toContain('Items missing or unusable (of the four),Items missing or unusable');
		expect(lines[0]).toContain('Last checked (Beijing time)');
		const line = lines.find((l) => l.startsWith(`${pond},`))!;
		expect(line).toContain(',2,"Rescue rope, Rescue pole",');
		expect(line.endsWith(',2026-05-15T09:00:00+08:00')).toBe(true);
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
		expect(r.name).toBe(`${countyName}-河段-河长${chief.name}-需配备-${day}.csv`);
		expect(r.ascii).toBe(`segments-${county.jurisdiction}-chief${chief.id}-required-${day}.csv`);
		const lines = r.bytes.toString('utf8').slice(1).trim().split('\r\n');
		const at = lines[0].split(',').indexOf('河长');
		expect(lines.length).toBeGreaterThan(1);
		for (const l of lines.slice(1)) {
			expect(l.split(',')[at]).toBe(chief.name);
			expect(l).toMatch(/,是,/);
		}
	});
});
