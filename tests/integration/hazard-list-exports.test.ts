// The lists of /hazards (挂牌督办) as files, through their endpoint on both engines: the rows
// equal an independent SQL count within the viewer's scope and the page's own service (same ids,
// same order, the ?supervised=1 filter), the escalated list a county's or prefecture's only, each
// format opened by GDAL (field types, places at the hazard's target), CSV with its BOM and
// formula-safe cells, one audit row per export and none for a refused one.
// The fixture is two prefectures of their own (4296…, 4295…) far from the demo data, with
// deadlines relative to now (the route reads the clock, as the page does).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import { download, routeEvent } from '../support/route-event';
import type { Principal } from '../../src/lib/server/auth/policy';
import { hazardsPage } from '../../src/lib/server/services/escalation';
import { translator } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/hazards/+server';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const P1 = '429600000000';
const C1 = '429601000000';
const T1 = '429601001000';
const P2 = '429500000000';
const C2 = '429501000000';
const T2 = '429501001000';
const DAY = 86400_000;
const ROUTE = '/api/exports/hazards';
const csvRows = (b: Buffer) => b.toString('utf8').slice(1).trim().split('\r\n');

describe.each(testEngines())('hazard list exports on %s', (engine) => {
	let d: TestDatabase;
	let p1: Principal;
	let p2: Principal;
	let c1: Principal;
	let staff: Principal;
	const place = { lon: 111.123456, lat: 31.654321 };

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		const db = d.db;
		const now = Date.now();
		const days = (n: number) => new Date(now + n * DAY);
		const unit = (code: string, level: string, name: string, parent: string | null) =>
			sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(111::float8, 31::float8), 4326))`.execute(
				db
			);
		await unit(P1, 'prefecture', '丙市', null);
		await unit(C1, 'county', '丙县', P1);
		await unit(T1, 'township', '丙镇', C1);
		await unit(P2, 'prefecture', '丁市', null);
		await unit(C2, 'county', '丁县', P2);
		await unit(T2, 'township', '丁镇', C2);
		const user = async (username: string, role: string, code: string) => {
			const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}) RETURNING id::float8 AS id`.execute(db);
			return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
		};
		p1 = await user('hx.p1', 'prefecture_admin', P1);
		p2 = await user('hx.p2', 'prefecture_admin', P2);
		c1 = await user('hx.c1', 'county_admin', C1);
		staff = await user('hx.staff', 'township_staff', T1);
		const c2 = await user('hx.c2', 'county_admin', C2);
		const target = async (county: Principal, area: string, township: string) => {
			const c = await sql<{ id: number }>`
				INSERT INTO campaigns (name, area_code, starts_at, ends_at, rules, created_by)
				VALUES (${'汛期排查 ' + area}, ${area}, ${days(-60)}, ${days(60)}, '{}', ${county.userId})
				RETURNING id::float8 AS id`.execute(db);
			const t = await sql<{ id: number }>`
				INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason)
				VALUES (${c.rows[0].id}, 'field', ${'工地 ' + township}, ${township},
					ST_SetSRID(ST_MakePoint(${place.lon}::float8, ${place.lat}::float8), 4326), 'field', '{}')
				RETURNING id::float8 AS id`.execute(db);
			return t.rows[0].id;
		};
		const a = await target(c1, C1, T1);
		const b = await target(c2, C2, T2);
		const hazard = async (
			targetId: number,
			state: string,
			deadlineDays: number | null,
			responsible = '张三',
			closed = false
		) => {
			const reg = deadlineDays !== null;
			await sql`
				INSERT INTO hazards (target_id, item, description, state, found_by, found_at, severity,
					responsible, deadline, registered_by, registered_at, fixed_by, fixed_at, closed_by, closed_at)
				VALUES (${targetId}, 'secured', '', ${state}, ${staff.userId}, ${days(-30)},
					${reg ? 'major' : null}, ${reg ? responsible : null},
					${reg ? days(deadlineDays) : null}, ${reg ? c1.userId : null}, ${reg ? days(-29) : null},
					${closed ? staff.userId : null}, ${closed ? days(-1) : null},
					${closed ? c1.userId : null}, ${closed ? days(-1) : null})`.execute(db);
		};
		// ten days late: county and prefecture; two days late: county only (its responsible a
		// formula, which the CSV must write as text)
		await hazard(a, 'registered', -10);
		await hazard(a, 'registered', -2, '=HYPERLINK("http://x")');
		await hazard(a, 'registered', 3);
		await hazard(a, 'found', null);
		// closed after its deadline: in no list
		await hazard(a, 'closed', -10, '李四', true);
		// the other prefecture's late hazard
		await hazard(b, 'registered', -10);
	});
	afterAll(async () => {
		await d?.close();
	});

	const audits = async (resource: string) =>
		(
			await sql<{
				username: string;
				jurisdiction_code: string;
				detail: { file: string; rows: number };
			}>`
				SELECT username, jurisdiction_code, detail FROM audit_log
				WHERE action = 'export' AND resource = ${resource} ORDER BY id`.execute(d.db)
		).rows;
	/** Open hazards under an area, independently of the app: those escalated at all, if asked. */
	const openUnder = async (prefix: string, supervised = false) =>
		(
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
				WHERE h.state <> 'closed' AND t.area_code LIKE ${prefix + '%'}
					AND (${!supervised} OR EXISTS (SELECT 1 FROM hazard_escalations e WHERE e.hazard_id = h.id))`.execute(
				d.db
			)
		).rows[0].n;
	const ids = (b: Buffer) =>
		csvRows(b)
			.slice(1)
			.map((l) => Number(l.split(',')[0]));

	it('writes the open list as the page shows it: CSV with its BOM, formula-safe, audited', async () => {
		const csv = await download(GET, ROUTE, c1, 'format=csv');
		expect(csv.status).toBe(200);
		expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(csv.type).toContain('text/csv');
		const page = await hazardsPage(d.db, c1);
		const want = await openUnder(C1.slice(0, 6));
		expect(want).toBe(4);
		expect(page.hazards).toHaveLength(want);
		// the page's rows, in its order (supervised first)
		expect(ids(csv.bytes)).toEqual(page.hazards.map((h) => h.id));
		const lines = csvRows(csv.bytes);
		expect(lines[0].split(',')).toEqual([
			'No.',
			'Supervision',
			'Target',
			'Area',
			'Item',
			'State',
			'Overdue',
			'Severity',
			'Responsible person',
			'Deadline (last day)',
			'Campaign',
			'Longitude',
			'Latitude',
			'Watermark'
		]);
		expect(lines[1]).toContain('Prefecture supervision');
		// the watermark: who exported it and when, in every row (a CSV has no properties)
		for (const l of lines.slice(1))
			expect(l).toMatch(/,Exported by hx\.c1 at \d{4}-\d\d-\d\d \d\d:\d\d \(Beijing time\)$/);
		// a formula is written as text
		expect(csv.bytes.toString('utf8')).toContain(`"'=HYPERLINK(""http://x"")"`);
		expect(csv.name).toMatch(/^丙县-Open hazards-\d{4}-\d\d-\d\d-\d{4}-hx\.c1\.csv$/);
		const logged = (await audits('hazards.open.csv')).at(-1)!;
		expect(logged.username).toBe(c1.username);
		expect(logged.jurisdiction_code).toBe(C1);
		expect(logged.detail).toEqual({ file: csv.name, rows: want });
	});

	it('honours ?supervised=1 as the page does, in an XLSX GDAL reads with typed fields', async () => {
		const xlsx = await download(GET, ROUTE, c1, 'supervised=1&format=xlsx', 'zh-CN');
		expect(xlsx.status).toBe(200);
		const want = await openUnder(C1.slice(0, 6), true);
		expect(want).toBe(2);
		const page = await hazardsPage(d.db, c1, { supervisedOnly: true });
		expect(page.hazards.map((h) => h.id)).toHaveLength(want);
		const t = translator('zh-CN');
		const x = ogrinfo(xlsx.bytes, 'xlsx');
		expect(x.count).toBe(want);
		expect(x.fields.get(t('export.id'))).toBe('Integer');
		expect(x.fields.get(t('export.lon'))).toBe('Real');
		expect(x.fields.get(t('esc.supervision'))).toBe('String');
		const book = readXlsx(xlsx.bytes);
		expect(book.sheets).toEqual([t('lists.hazardsSupervised')]);
		expect(book.rows.slice(1).map((r) => r[0]!.value)).toEqual(page.hazards.map((h) => h.id));
		expect(xlsx.name).toMatch(/^丙县-挂牌督办隐患-.*-hx\.c1\.xlsx$/);
		expect((await audits('hazards.supervised.xlsx')).at(-1)!.detail.rows).toBe(want);
	});

	it('places each hazard at its target in the GeoJSON', async () => {
		const geo = await download(GET, ROUTE, c1, 'format=geojson');
		expect(geo.type).toContain('geo+json');
		const g = ogrinfo(geo.bytes, 'geojson');
		expect(g.count).toBe(await openUnder(C1.slice(0, 6)));
		expect(g.geometry).toBe('Point');
		expect(g.fields.get('No.')).toBe('Integer');
		const fc = JSON.parse(geo.bytes.toString('utf8')) as GeoJSON.FeatureCollection & {
			exported: { by: string };
		};
		expect(fc.exported.by).toBe(c1.username);
		for (const f of fc.features)
			expect((f.geometry as GeoJSON.Point).coordinates).toEqual([place.lon, place.lat]);
		expect((await audits('hazards.open.geojson')).at(-1)!.detail.rows).toBe(g.count);
	});

	it('writes the hazards escalated to a prefecture for it alone, and none of another area', async () => {
		const mine = await download(GET, ROUTE, p1, 'list=escalated&format=csv');
		const escalated = (
			await sql<{ id: number }>`
				SELECT h.id::float8 AS id FROM hazards h
				WHERE h.state <> 'closed' AND EXISTS (SELECT 1 FROM hazard_escalations e
					WHERE e.hazard_id = h.id AND e.supervisor_code = ${P1})`.execute(d.db)
		).rows.map((r) => r.id);
		expect(escalated).toHaveLength(1);
		expect(ids(mine.bytes)).toEqual(escalated);
		expect((await hazardsPage(d.db, p1)).toMe.map((h) => h.id)).toEqual(escalated);
		expect(mine.name).toContain('Hazards escalated to this prefecture');
		expect((await audits('hazards.escalated.csv')).at(-1)!.detail.rows).toBe(1);
		// the other prefecture sees its own, none of this one's
		const other = await download(GET, ROUTE, p2, 'list=escalated&format=csv');
		expect(ids(other.bytes)).toHaveLength(1);
		expect(ids(other.bytes)).not.toContain(escalated[0]);
		const otherOpen = await download(GET, ROUTE, p2, 'format=csv');
		expect(ids(otherOpen.bytes)).toHaveLength(await openUnder(P2.slice(0, 4)));
		for (const id of ids((await download(GET, ROUTE, c1, 'format=csv')).bytes))
			expect(ids(otherOpen.bytes)).not.toContain(id);
	});

	it('writes every hazard to the file where the page shows the first 500 and says so', async () => {
		// a prefecture of its own with 505 late hazards: the open list and the county's escalated list
		const [P3, C3, T3] = ['429400000000', '429401000000', '429401001000'];
		const db = d.db;
		for (const [code, level, parent] of [
			[P3, 'prefecture', null],
			[C3, 'county', P3],
			[T3, 'township', C3]
		] as const)
			await sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${'戊' + level}, ${parent},
					ST_SetSRID(ST_MakePoint(111::float8, 31::float8), 4326))`.execute(db);
		const u = await sql<{ id: number }>`
			INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
			VALUES ('hx.c3', 'hx.c3', 'x', 'county_admin', ${C3}) RETURNING id::float8 AS id`.execute(db);
		const c3 = {
			userId: u.rows[0].id,
			username: 'hx.c3',
			role: 'county_admin',
			jurisdiction: C3
		} as Principal;
		const c = await sql<{ id: number }>`
			INSERT INTO campaigns (name, area_code, starts_at, ends_at, rules, created_by)
			VALUES ('汛期排查 戊', ${C3}, now() - interval '60 days', now() + interval '60 days', '{}', ${c3.userId})
			RETURNING id::float8 AS id`.execute(db);
		const t = await sql<{ id: number }>`
			INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason)
			VALUES (${c.rows[0].id}, 'field', '工地 戊', ${T3},
				ST_SetSRID(ST_MakePoint(111.5::float8, 31.5::float8), 4326), 'field', '{}')
			RETURNING id::float8 AS id`.execute(db);
		await sql`
			INSERT INTO hazards (target_id, item, description, state, found_by, found_at, severity,
				responsible, deadline, registered_by, registered_at)
			SELECT ${t.rows[0].id}, 'secured', '', 'registered', ${c3.userId}, now() - interval '30 days',
				'major', '王五', now() - interval '10 days' + g * interval '1 minute', ${c3.userId},
				now() - interval '29 days'
			FROM generate_series(1, 505) g`.execute(db);
		const want = await openUnder(C3.slice(0, 6));
		expect(want).toBe(505);
		const page = await hazardsPage(db, c3);
		expect(page.hazards).toHaveLength(500);
		expect(page.limited).toBe(true);
		expect(page.toMe).toHaveLength(500);
		expect(page.toMeLimited).toBe(true);
		// the file: every row, the page's 500 first in the page's order
		const open = await download(GET, ROUTE, c3, 'format=csv');
		expect(ids(open.bytes)).toHaveLength(want);
		expect(ids(open.bytes).slice(0, 500)).toEqual(page.hazards.map((h) => h.id));
		expect((await audits('hazards.open.csv')).at(-1)!.detail.rows).toBe(want);
		const escalated = await download(GET, ROUTE, c3, 'list=escalated&format=xlsx');
		expect(ogrinfo(escalated.bytes, 'xlsx').count).toBe(want);
	});

	it('refuses the escalated list to a township, and bad input with a Chinese 400, logging nothing', async () => {
		const before = (
			await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
				WHERE action = 'export' AND resource LIKE 'hazards.%'`.execute(d.db)
		).rows[0].n;
		expect((await download(GET, ROUTE, staff, 'list=escalated&format=csv')).status).toBe(404);
		for (const q of ['format=pdf', 'list=all', 'supervised=2', 'format=csv&format=xlsx']) {
			let status = 0;
			let message = '';
			try {
				await GET(routeEvent(staff, new Request(`http://localhost${ROUTE}?${q}`), 'zh-CN'));
			} catch (e) {
				status = (e as { status: number }).status;
				message = (e as { body: { message: string } }).body.message;
			}
			expect(status, q).toBe(400);
			expect(message, q).toMatch(/[\u4e00-\u9fff]/);
		}
		const after = (
			await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
				WHERE action = 'export' AND resource LIKE 'hazards.%'`.execute(d.db)
		).rows[0].n;
		expect(after).toBe(before);
	});
});
