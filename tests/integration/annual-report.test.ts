// The annual report (年度工作进展情况) on both engines: every figure it shows equals an
// independent SQL count written here, for the county and for one of its townships, with
// campaigns of this year, of last year and of the year before (which must count in neither);
// children only ever as the released figures, "—" (null) where none was released; an area
// outside the viewer's jurisdiction is "not found".
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { createCampaign } from '../../src/lib/server/services/campaigns';
import { annualReport, annualReportPdfFor } from '../../src/lib/server/services/annual-report';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotFoundError } from '../../src/lib/server/errors';
import { formatRatePct } from '../../src/lib/charts/rate';
import { ogrinfo } from '../support/ogr';
import { readXlsx, unzip } from '../support/xlsx';
import { download, routeEvent } from '../support/route-event';
import { GET as annualGET } from '../../src/routes/api/exports/annual-report/+server';

// the export route reads the database through $lib/server/db: this test's
const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const DAY = 86400_000;
/** The Beijing year of an instant, written out here independently of the app's helper. */
const bjYear = (t: number) => new Date(t + 8 * 3600_000).getUTCFullYear();

describe.each(testEngines())('annual report on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let staff: Principal;
	const now = new Date();
	const year = bjYear(now.getTime());

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		const db = d.db;
		admin = await principalOf(db, 'county.admin');
		staff = await principalOf(db, 'township.staff');
		// three campaigns over the county, then moved back 0, 1 and 2 years
		for (const [back, name] of [
			[0, '今年行动'],
			[1, '去年行动'],
			[2, '前年行动']
		] as const) {
			const id = (
				await createCampaign(
					db,
					admin,
					{
						name,
						areaCode: admin.jurisdiction,
						startsAt: new Date(now.getTime() - DAY),
						endsAt: new Date(now.getTime() + 20 * DAY)
					},
					meta
				)
			).id;
			// from Beijing midnight on 1 June, which is 31 May in UTC
			if (back)
				await sql`UPDATE campaigns
					SET starts_at = make_date(${year - back}, 6, 1)::timestamp AT TIME ZONE 'Asia/Shanghai',
						ends_at = make_date(${year - back}, 9, 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
					WHERE id = ${id}`.execute(db);
			// checks and hazards on a few targets, the staff's township among them
			const picks = (
				await sql<{ id: number }>`
					SELECT id::float8 AS id FROM campaign_targets WHERE campaign_id = ${id}
					ORDER BY (left(area_code, 9) = left(${staff.jurisdiction}, 9)) DESC, id
					LIMIT ${6 + back * 3}`.execute(db)
			).rows.map((r) => r.id);
			expect(picks.length).toBeGreaterThan(5);
			for (const [i, t] of picks.entries()) {
				await sql`INSERT INTO target_checks (client_uuid, target_id, user_id, recorded_at)
					VALUES (${randomUUID()}::uuid, ${t}, ${staff.userId}, ${new Date(now.getTime() - 3600_000)})`.execute(
					db
				);
				const state = ['found', 'registered', 'fixed', 'closed'][i % 4];
				const at = new Date(now.getTime() - 7200_000);
				await sql`INSERT INTO hazards (target_id, item, description, state, found_by, found_at,
						severity, responsible, deadline, registered_by, registered_at, fixed_by, fixed_at,
						closed_by, closed_at)
					VALUES (${t}, 'water', '', ${state}, ${staff.userId}, ${at},
						${state === 'found' ? null : 'general'}, ${state === 'found' ? null : '责任人'},
						${state === 'found' ? null : new Date(now.getTime() + 5 * DAY)},
						${state === 'found' ? null : admin.userId}, ${state === 'found' ? null : at},
						${state === 'fixed' || state === 'closed' ? staff.userId : null},
						${state === 'fixed' || state === 'closed' ? at : null},
						${state === 'closed' ? admin.userId : null}, ${state === 'closed' ? at : null})`.execute(db);
			}
		}
	}, 240_000);
	afterAll(async () => {
		await d?.close();
	});

	/** Every figure of the report of `code` against plain SQL. */
	async function expectParity(code: string, who: Principal) {
		const db = d.db;
		const r = await annualReport(db, who, code, year, now);
		const prefix = code.endsWith('000000') ? code.slice(0, 6) : code.slice(0, 9);
		const like = prefix + '%';

		// children: the released figures of the unit and its subdivisions, nothing computed anew
		const kids = await sql<{
			code: string;
			total: number | null;
			lb: number | null;
			idf: number | null;
		}>`
			SELECT a.code, c.total_released AS total, c.left_behind_released AS lb,
				c.in_difficulty_released AS idf
			FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
			WHERE a.code = ${code} OR a.parent_code = ${code} ORDER BY a.code`.execute(db);
		const shown = [r.children.area, ...r.children.bySubunit];
		expect(shown.map((c) => c.code).sort()).toEqual(kids.rows.map((k) => k.code));
		for (const k of kids.rows) {
			const c = shown.find((s) => s.code === k.code)!;
			expect([c.total, c.leftBehind, c.inDifficulty]).toEqual([k.total, k.lb, k.idf]);
		}
		expect(r.children.area.code).toBe(code);
		expect(r.children.area.total).toBeGreaterThan(0);

		const homes = await sql<{ total: number; large: number }>`
			SELECT count(*)::int AS total, count(*) FILTER (WHERE area_m2 >= 30)::int AS large
			FROM children_homes WHERE village_code LIKE ${like}`.execute(db);
		expect(r.homes.total).toBe(homes.rows[0].total);
		expect(r.homes.large).toBe(homes.rows[0].large);
		expect(r.homes.total).toBeGreaterThan(0);
		expect(r.homes.largeShare).toBeCloseTo(homes.rows[0].large / homes.rows[0].total, 10);

		const st = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM sunshine_stations WHERE admin_code LIKE ${like}`.execute(db);
		expect(r.stations).toBe(st.rows[0].n);

		const items = await sql<{ required: number; complete: number }>`
			SELECT count(*)::int AS required,
				count(*) FILTER (WHERE (SELECT count(*) FROM safety_equipment e WHERE e.waterway_id = w.id
					AND e.item IN ('sign', 'buoy', 'rope', 'pole') AND e.status = 'present') = 4)::int AS complete
			FROM waterways w JOIN segment_requirements s ON s.waterway_id = w.id
			WHERE s.required AND w.township_code LIKE ${like}`.execute(db);
		expect({ required: r.items.required, complete: r.items.complete }).toEqual(items.rows[0]);
		expect(r.items.required).toBeGreaterThan(0);

		// villages with a usable home (open, ≥ 30 m²) or a station within 1 km of the centre, on
		// the sphere the app measures on
		const cov = await sql<{ villages: number; covered: number }>`
			SELECT count(*)::int AS villages, count(*) FILTER (WHERE EXISTS (
				SELECT 1 FROM (
					SELECT geom FROM children_homes WHERE status = 'open' AND area_m2 >= 30
					UNION ALL SELECT geom FROM sunshine_stations
				) s WHERE ST_Distance(s.geom::geography, v.center::geography, false) <= 1000
			))::int AS covered
			FROM admin_units v WHERE v.level = 'village' AND v.code LIKE ${like}`.execute(db);
		expect({ villages: r.coverage.villages, covered: r.coverage.covered }).toEqual(cov.rows[0]);
		expect(r.coverage.villages).toBeGreaterThan(0);

		// campaigns that started in a Beijing year, their work inside the area
		const campaigns = async (y: number) =>
			(
				await sql<{
					id: number;
					targets: number;
					visited: number;
					found: number;
					fixed: number;
					closed: number;
				}>`
				SELECT c.id::float8 AS id,
					(SELECT count(*) FROM campaign_targets t WHERE t.campaign_id = c.id
						AND t.area_code LIKE ${like})::int AS targets,
					(SELECT count(*) FROM campaign_targets t WHERE t.campaign_id = c.id
						AND t.area_code LIKE ${like}
						AND t.id IN (SELECT target_id FROM target_checks))::int AS visited,
					(SELECT count(*) FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = c.id AND t.area_code LIKE ${like})::int AS found,
					(SELECT count(*) FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = c.id AND t.area_code LIKE ${like}
						AND (h.fixed_at IS NOT NULL OR h.closed_at IS NOT NULL))::int AS fixed,
					(SELECT count(*) FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = c.id AND t.area_code LIKE ${like}
						AND h.closed_at IS NOT NULL)::int AS closed
				FROM campaigns c
				WHERE c.starts_at >= (${`${y}-01-01 00:00:00+08`})::timestamptz
					AND c.starts_at < (${`${y + 1}-01-01 00:00:00+08`})::timestamptz
				ORDER BY c.starts_at, c.id`.execute(db)
			).rows;
		for (const [got, y] of [
			[r.campaigns, year],
			[r.lastYear, year - 1]
		] as const) {
			const want = await campaigns(y);
			expect(got.year).toBe(y);
			expect(
				got.campaigns.map(({ id, targets, visited, found, fixed, closed }) => ({
					id,
					targets,
					visited,
					found,
					fixed,
					closed
				}))
			).toEqual(want);
			const sum = (k: 'targets' | 'visited' | 'found' | 'fixed' | 'closed') =>
				want.reduce((a, c) => a + c[k], 0);
			expect(got.totals).toEqual({
				campaigns: want.length,
				targets: sum('targets'),
				visited: sum('visited'),
				found: sum('found'),
				fixed: sum('fixed'),
				closed: sum('closed')
			});
			expect(got.totals.campaigns).toBe(1);
			expect(got.totals.found).toBeGreaterThan(0);
		}
		return r;
	}

	it('equals independent SQL counts for the county', async () => {
		const r = await expectParity(admin.jurisdiction, admin);
		expect(r.area.level).toBe('county');
		expect(r.children.bySubunit.length).toBeGreaterThan(5);
		expect(r.items.bySubunit.length).toBe(r.children.bySubunit.length);
		// last year's campaign had more hazards (9 targets with one each, against 6)
		expect(r.lastYear.totals.found).toBe(9);
		expect(r.campaigns.totals.found).toBe(6);
		// the year before last counts in neither year
		const names = [...r.campaigns.campaigns, ...r.lastYear.campaigns].map((c) => c.name);
		expect(names.sort()).toEqual(['今年行动', '去年行动'].sort());
		// its first day as Beijing has it, on the page and in the PDF
		expect(r.lastYear.campaigns[0].startDay).toBe(`${year - 1}-06-01`);
	});

	it('equals independent SQL counts for a township, for its own staff', async () => {
		const r = await expectParity(staff.jurisdiction, staff);
		expect(r.area.level).toBe('township');
		expect(r.campaigns.totals.targets).toBeGreaterThan(0);
	});

	it('refuses an area outside the viewer jurisdiction as not found', async () => {
		await expect(annualReport(d.db, staff, admin.jurisdiction, year, now)).rejects.toBeInstanceOf(
			NotFoundError
		);
		await expect(annualReport(d.db, admin, '420102000000', year, now)).rejects.toBeInstanceOf(
			NotFoundError
		);
	});

	it('keeps a year’s stock figures when its report is made, shows them for that year later, and compares the next year with them', async () => {
		const db = d.db;
		const code = admin.jurisdiction;
		const like = code.slice(0, 6) + '%';
		await sql`DELETE FROM annual_figures`.execute(db);
		// last year's report, made in November and again on 8 December (Beijing)
		const november = new Date(Date.UTC(year - 1, 10, 1, 2));
		const december = new Date(Date.UTC(year - 1, 11, 8, 2));
		await annualReport(db, admin, code, year - 1, november);
		const made = await annualReport(db, admin, code, year - 1, december);
		expect(made.stockFrom).toEqual({ source: 'live', at: december.toISOString() });
		// a report made earlier in the year, arriving late, does not replace the later record
		await annualReport(db, admin, code, year - 1, november);
		const keptRows = async (y: number) =>
			(
				await sql<{ taken_at: Date; total: number; large: number; stations: number }>`
					SELECT taken_at, (figures->'homes'->>'total')::int AS total,
						(figures->'homes'->>'large')::int AS large, (figures->>'stations')::int AS stations
					FROM annual_figures WHERE area_code = ${code} AND year = ${y}`.execute(db)
			).rows;
		const homesNow = async () =>
			(
				await sql<{ total: number; large: number }>`
					SELECT count(*)::int AS total, count(*) FILTER (WHERE area_m2 >= 30)::int AS large
					FROM children_homes WHERE village_code LIKE ${like}`.execute(db)
			).rows[0];
		const before = await keptRows(year - 1);
		expect(before).toHaveLength(1);
		expect(new Date(before[0].taken_at).getTime()).toBe(december.getTime());
		// the record holds what independent SQL counted then
		const then = await homesNow();
		expect({ total: before[0].total, large: before[0].large }).toEqual(then);
		expect(then.large).toBeGreaterThan(0);

		// in the meantime a home was found to be under 30 m²
		const home = (
			await sql<{ id: number; area_m2: number }>`
				SELECT id::float8 AS id, area_m2 FROM children_homes
				WHERE village_code LIKE ${like} AND area_m2 >= 30 ORDER BY id LIMIT 1`.execute(db)
		).rows[0];
		await sql`UPDATE children_homes SET area_m2 = 12 WHERE id = ${home.id}`.execute(db);
		try {
			const r = await annualReport(db, admin, code, year, now);
			expect(r.stockFrom.source).toBe('live');
			expect(r.lastYearAt).toBe(december.toISOString());
			const c = Object.fromEntries(r.stockChanges.map((x) => [x.key, x]));
			expect(c.homesLarge).toEqual({
				key: 'homesLarge',
				kind: 'count',
				now: then.large - 1,
				before: then.large,
				change: -1
			});
			expect(c.homes).toMatchObject({ now: then.total, change: 0 });
			expect(c.homesLargeShare.change).toBeCloseTo(-1 / then.total, 12);
			expect(c.stations).toMatchObject({ now: before[0].stations, change: 0 });
			// this year's record is what this year's report showed
			const thisYear = await keptRows(year);
			expect(thisYear).toHaveLength(1);
			expect(thisYear[0].large).toBe((await homesNow()).large);

			// last year's report opened today is last year's record, not today's figures
			const past = await annualReport(db, admin, code, year - 1, now);
			expect(past.stockFrom).toEqual({ source: 'kept', at: december.toISOString() });
			expect(past.homes.large).toBe(then.large);
			expect(past.homes.largeShare).toBeCloseTo(then.large / then.total, 12);
			expect(new Date((await keptRows(year - 1))[0].taken_at).getTime()).toBe(december.getTime());
			// a year with no record: today's figures, and nothing to compare with
			const older = await annualReport(db, admin, code, year - 2, now);
			expect(older.stockFrom.source).toBe('live');
			expect(older.homes.large).toBe(then.large - 1);
			expect(older.lastYearAt).toBeNull();
			expect(older.stockChanges.every((x) => x.change === null)).toBe(true);
			expect(await keptRows(year - 2)).toHaveLength(0);
		} finally {
			await sql`UPDATE children_homes SET area_m2 = ${home.area_m2} WHERE id = ${home.id}`.execute(
				db
			);
		}
	});

	/** The text of a PDF as poppler reads it (pdftotext, the outside reader), line by line. */
	function pdfLines(bytes: Buffer): { lines: string[]; info: string; fonts: string } {
		const file = path.join(mkdtempSync(path.join(tmpdir(), 'annual-pdf-')), 'r.pdf');
		writeFileSync(file, bytes);
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		return {
			lines: text.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')),
			info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
			fonts: execFileSync('pdffonts', [file], { encoding: 'utf8' })
		};
	}
	const zh = (n: number | null) => (n === null ? '—' : n.toLocaleString('zh-CN'));

	it('writes the county report as an A4 PDF with its own Chinese font, every figure as independent SQL counts it, and audits the download', async () => {
		const db = d.db;
		const code = admin.jurisdiction;
		const like = code.slice(0, 6) + '%';
		const { report: r, bytes } = await annualReportPdfFor(db, admin, code, year, {
			locale: 'zh-CN',
			projectRoot: process.cwd(),
			file: '洪湖市-2026年度工作进展情况.pdf',
			meta,
			now
		});
		expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
		const { lines, info, fonts } = pdfLines(bytes);
		// A4 (595 × 842 pt) on every sheet, the CJK font embedded, so no reader substitutes one
		expect(info).toMatch(/Page size:\s+595\.\d* x 841\.\d* pts \(A4\)/);
		expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(1);
		expect(fonts).toMatch(/NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
		const row = (label: string) => {
			const found = lines.filter((l) => l.startsWith(label + ' '));
			expect(found.length, `a line for ${label}`).toBeGreaterThan(0);
			return found[0].slice(label.length + 1);
		};
		expect(lines).toContain(`洪湖市${year}年度工作进展情况`);

		// children: every unit's row, none cut, with the released figures
		const kids = await sql<{
			name: string;
			total: number | null;
			lb: number | null;
			idf: number | null;
		}>`
			SELECT a.name, c.total_released AS total, c.left_behind_released AS lb,
				c.in_difficulty_released AS idf
			FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
			WHERE a.code = ${code} OR a.parent_code = ${code}`.execute(db);
		expect(kids.rows.length).toBeGreaterThan(10);
		for (const k of kids.rows) expect(row(k.name)).toBe(`${zh(k.total)} ${zh(k.lb)} ${zh(k.idf)}`);

		const homes = (
			await sql<{ total: number; large: number }>`
				SELECT count(*)::int AS total, count(*) FILTER (WHERE area_m2 >= 30)::int AS large
				FROM children_homes WHERE village_code LIKE ${like}`.execute(db)
		).rows[0];
		expect(row('儿童之家数量')).toBe(zh(homes.total));
		expect(row('面积不小于 30 平方米的儿童之家')).toBe(zh(homes.large));
		// written as the page writes a rate (formatRatePct), which toFixed does not at half-tenths
		expect(row('面积不小于 30 平方米的占比')).toBe(formatRatePct(homes.large / homes.total));
		const stations = (
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM sunshine_stations WHERE admin_code LIKE ${like}`.execute(db)
		).rows[0].n;
		expect(row('阳光驿站数量')).toBe(zh(stations));
		const items = (
			await sql<{ required: number; complete: number }>`
				SELECT count(*)::int AS required,
					count(*) FILTER (WHERE (SELECT count(*) FROM safety_equipment e
						WHERE e.waterway_id = w.id AND e.item IN ('sign', 'buoy', 'rope', 'pole')
						AND e.status = 'present') = 4)::int AS complete
				FROM waterways w JOIN segment_requirements s ON s.waterway_id = w.id
				WHERE s.required AND w.township_code LIKE ${like}`.execute(db)
		).rows[0];
		expect(row('需配备“四个一”的河段')).toBe(zh(items.required));
		expect(row('已配齐')).toBe(zh(items.complete));
		// each township's items, in the table under the chart
		for (const s of r.items.bySubunit)
			expect(lines).toContain(
				`${s.name} ${zh(s.required)} ${zh(s.complete)} ${
					s.required ? formatRatePct(s.complete / s.required) : '—'
				}`
			);
		expect(row('行政村（社区）总数')).toBe(zh(r.coverage.villages));
		// the main figures beside last year's record, at the end: each figure's second line
		expect(lines).toContain('五、主要指标与上年比较');
		const compared = (label: string) => {
			const found = lines.filter((l) => l.startsWith(label + ' '));
			expect(found.length, `two lines for ${label}`).toBe(2);
			return found[1].slice(label.length + 1);
		};
		const large = r.stockChanges.find((c) => c.key === 'homesLarge')!;
		expect(compared('面积不小于 30 平方米的儿童之家')).toBe(
			r.lastYearAt
				? `${zh(homes.large)} ${zh(large.before)} ${large.change! > 0 ? '+' : ''}${zh(large.change)}`
				: `${zh(homes.large)} — —`
		);
		expect(row('1000 米内有可用儿童之家或阳光驿站的村')).toBe(zh(r.coverage.covered));

		// campaigns: this year, last year and the change, as the parity test above counted them
		const sign = (n: number) => (n > 0 ? `+${zh(n)}` : zh(n));
		for (const [label, k] of [
			['排查活动数', 'campaigns'],
			['排查对象', 'targets'],
			['已排查', 'visited'],
			['发现隐患', 'found'],
			['已整改', 'fixed'],
			['已销号', 'closed']
		] as const) {
			const a = r.campaigns.totals[k];
			const b = r.lastYear.totals[k];
			expect(row(label)).toBe(`${zh(a)} ${zh(b)} ${sign(a - b)}`);
		}
		expect(r.campaigns.totals.found).toBe(6);
		expect(row('今年行动')).toMatch(/^\d{4}-\d{2}-\d{2} /);
		// the totals say they add campaigns up (a target in two campaigns counts in each)
		expect(lines.join('')).toContain('同一对象列入多次活动的，每次活动各计一次');
		// every sheet says who exported it: the person's name, not the login
		const person = (
			await sql<{ display_name: string }>`
				SELECT display_name FROM users WHERE username = 'county.admin'`.execute(db)
		).rows[0].display_name;
		expect(person).not.toBe('');
		expect(lines.filter((l) => l.startsWith(`由 ${person} 于`)).length).toBe(
			Number(/Pages:\s+(\d+)/.exec(info)![1])
		);
		expect(lines.some((l) => l.includes('county.admin'))).toBe(false);

		const audit = await sql<{ username: string; detail: { file: string; year: number } }>`
			SELECT username, detail FROM audit_log WHERE action = 'export'
				AND resource = 'annual-report.pdf' AND jurisdiction_code = ${code}`.execute(db);
		expect(audit.rows).toHaveLength(1);
		expect(audit.rows[0]).toMatchObject({
			username: 'county.admin',
			detail: { file: '洪湖市-2026年度工作进展情况.pdf', year }
		});
	});

	it('names the login on the foot of a user without a name', async () => {
		const before = (
			await sql<{
				n: string;
			}>`SELECT display_name AS n FROM users WHERE id = ${admin.userId}`.execute(d.db)
		).rows[0].n;
		await sql`UPDATE users SET display_name = ' ' WHERE id = ${admin.userId}`.execute(d.db);
		try {
			const o = { locale: 'en' as const, projectRoot: process.cwd(), file: 'x.pdf', meta, now };
			const { bytes } = await annualReportPdfFor(d.db, admin, admin.jurisdiction, year, o);
			const { lines } = pdfLines(bytes);
			expect(lines.some((l) => l.startsWith(`Exported by ${admin.username} at `))).toBe(true);
		} finally {
			await sql`UPDATE users SET display_name = ${before} WHERE id = ${admin.userId}`.execute(d.db);
		}
	});

	it('writes no PDF and logs nothing for an area outside the viewer jurisdiction', async () => {
		const o = { locale: 'zh-CN' as const, projectRoot: process.cwd(), file: 'x.pdf', meta, now };
		await expect(
			annualReportPdfFor(d.db, staff, admin.jurisdiction, year, o)
		).rejects.toBeInstanceOf(NotFoundError);
		const n = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE resource = 'annual-report.pdf'
				AND username = ${staff.username}`.execute(d.db);
		expect(n.rows[0].n).toBe(0);
	});

	it('shows no figure (null, printed "—") for a unit whose children were never released', async () => {
		const sub = (
			await sql<{ code: string }>`
				SELECT code FROM admin_units WHERE parent_code = ${admin.jurisdiction} ORDER BY code LIMIT 1`.execute(
				d.db
			)
		).rows[0].code;
		await sql`DELETE FROM child_counts WHERE code = ${sub}`.execute(d.db);
		const r = await annualReport(d.db, admin, admin.jurisdiction, year, now);
		const row = r.children.bySubunit.find((c) => c.code === sub)!;
		expect(row).toMatchObject({ total: null, leftBehind: null, inDifficulty: null });
		expect(r.children.bySubunit.filter((c) => c.total !== null).length).toBeGreaterThan(3);
	});
	/** Each layer GDAL reads in a file: its feature count and its fields' types. */
	function layers(bytes: Buffer, ext: string) {
		const { out } = ogrinfo(bytes, ext, '--config', 'OGR_XLSX_HEADERS', 'FORCE');
		return new Map(
			out
				.split(/^Layer name: /m)
				.slice(1)
				.map((block) => {
					const fields = new Map(
						[...block.matchAll(/^(.+): (\w+) \(\d+\.\d+\)$/gm)].map((m) => [m[1].trim(), m[2]])
					);
					const count = Number(/^Feature Count: (\d+)$/m.exec(block)?.[1] ?? NaN);
					return [block.split('\n')[0].trim(), { fields, count }] as const;
				})
		);
	}
	const ROUTE = '/api/exports/annual-report';
	const SHEETS = [
		'报告说明',
		'一、儿童情况（按类别和区划）',
		'二、儿童之家与阳光驿站',
		'三、“四个一”配备情况',
		'四、汛期安全排查',
		'四、各次排查活动',
		'五、主要指标与上年比较'
	];
	const pctText = (v: unknown) => `${(v as number).toFixed(1)}%`;

	it('writes the county report’s tables as XLSX, a sheet for each, and as CSV, with the page’s figures (independent SQL counts), watermarked and audited', async () => {
		const db = d.db;
		const code = admin.jurisdiction;
		// a township whose children were never released (as the test above leaves it)
		await sql`DELETE FROM child_counts WHERE code = (SELECT min(code) FROM admin_units
			WHERE parent_code = ${code})`.execute(db);
		// the page's own report, each figure checked against plain SQL
		const r = await expectParity(code, admin);
		// a campaign named like a formula: text in both files, never run
		await sql`UPDATE campaigns SET name = '=今年行动' WHERE name = '今年行动'`.execute(db);
		try {
			const q = `code=${code}&year=${year}`;
			const xlsx = await download(annualGET, ROUTE, admin, `${q}&format=xlsx`, 'zh-CN');
			expect(xlsx.status).toBe(200);
			expect(xlsx.type).toContain('spreadsheetml');
			expect(xlsx.name).toMatch(
				new RegExp(
					`^洪湖市-${year}年度工作进展情况-\\d{4}-\\d\\d-\\d\\d-\\d{4}-county\\.admin\\.xlsx$`
				)
			);
			const book = readXlsx(xlsx.bytes);
			expect(book.sheets).toEqual(SHEETS);
			const sheet = (n: number) => readXlsx(xlsx.bytes, n).rows;
			const v = (row: (import('../support/xlsx').XlsxCell | undefined)[]) =>
				row.map((c) => c?.value ?? null);

			// the watermark: the person's name in the workbook's properties and its first sheet
			const person = (
				await sql<{ display_name: string }>`
					SELECT display_name FROM users WHERE username = 'county.admin'`.execute(db)
			).rows[0].display_name;
			const core = unzip(xlsx.bytes).get('docProps/core.xml')!.toString('utf8');
			expect(core).toContain(`<dc:creator>${person}</dc:creator>`);
			const about = sheet(1).map(v);
			expect(about[0]).toEqual(['项目', '数值']);
			expect(about.find((row) => row[0] === '导出')![1]).toMatch(new RegExp(`^${person} 导出于 `));
			expect(about.find((row) => row[0] === '区划代码')![1]).toBe(code);

			// children: the released figures, "—" where none was released, as on the page
			const kids = [r.children.area, ...r.children.bySubunit];
			expect(sheet(2).slice(1).map(v)).toEqual(
				kids.map((c) => [
					c.code,
					c.name,
					...[c.total, c.leftBehind, c.inDifficulty].map((n) => (n === null ? '—' : n))
				])
			);
			expect(kids.some((c) => c.total === null)).toBe(true);

			const sites = new Map(
				sheet(3)
					.slice(1)
					.map((row) => [row[0]!.value, row[1]!.value])
			);
			expect(sites.get('儿童之家数量')).toBe(r.homes.total);
			expect(sites.get('阳光驿站数量')).toBe(r.stations);
			expect(pctText(sites.get('面积不小于 30 平方米的占比（%）'))).toBe(
				formatRatePct(r.homes.largeShare!)
			);
			expect(sites.get('行政村（社区）总数')).toBe(r.coverage.villages);

			// the four items: the area's totals, then each township, rates as the page writes them
			const items = sheet(4).map(v);
			expect(items[0]).toEqual(['区划代码', '区划', '需配备河段', '已配齐', '配齐率（%）']);
			expect(items[1].slice(0, 4)).toEqual([code, '洪湖市', r.items.required, r.items.complete]);
			expect(pctText(items[1][4])).toBe(formatRatePct(r.items.share!));
			expect(items.slice(2).map((row) => row.slice(0, 4))).toEqual(
				r.items.bySubunit.map((s) => [s.code, s.name, s.required, s.complete])
			);

			const totals = sheet(5).map(v);
			expect(totals[0]).toEqual(['项目', `${year}年`, `${year - 1}年`, '比上年增减']);
			expect(totals.slice(1).map((row) => row.slice(1))).toEqual(
				(['campaigns', 'targets', 'visited', 'found', 'fixed', 'closed'] as const).map((k) => [
					r.campaigns.totals[k],
					r.lastYear.totals[k],
					r.campaigns.totals[k] - r.lastYear.totals[k]
				])
			);
			// last year found more hazards: the change is a negative number
			expect(totals[4]).toEqual(['发现隐患', 6, 9, -3]);

			const list = readXlsx(xlsx.bytes, 6).rows;
			expect(list.slice(1).map(v)).toEqual(
				r.campaigns.campaigns.map((c) => [
					c.id,
					c.name === '今年行动' ? '=今年行动' : c.name,
					c.startDay,
					c.targets,
					c.visited,
					c.found,
					c.fixed,
					c.closed
				])
			);
			// a shared string, not a formula
			expect(list[1][1]!.t).toBe('s');
			expect(sheet(7)).toHaveLength(r.stockChanges.length + 1);

			// GDAL reads every sheet as a layer, the figures as numbers
			const got = layers(xlsx.bytes, 'xlsx');
			expect([...got.keys()]).toEqual(SHEETS);
			expect(got.get(SHEETS[3])!.fields.get('需配备河段')).toBe('Integer');
			expect(got.get(SHEETS[3])!.fields.get('配齐率（%）')).toBe('Real');
			expect(got.get(SHEETS[3])!.count).toBe(r.items.bySubunit.length + 1);
			expect(got.get(SHEETS[4])!.fields.get('比上年增减')).toBe('Integer');
			expect(got.get(SHEETS[5])!.fields.get('编号')).toBe('Integer');
			expect(got.get(SHEETS[5])!.fields.get('发现隐患')).toBe('Integer');
			expect(got.get(SHEETS[5])!.count).toBe(r.campaigns.campaigns.length);

			const rows = [1, 2, 3, 4, 5, 6, 7].reduce((n, i) => n + sheet(i).length - 1, 0);
			const audit = await sql<{ username: string; detail: unknown }>`
				SELECT username, detail FROM audit_log WHERE action = 'export'
					AND resource = 'annual-report.xlsx' AND jurisdiction_code = ${code}`.execute(db);
			expect(audit.rows).toEqual([
				{ username: 'county.admin', detail: { file: xlsx.name, year, rows } }
			]);

			// the CSV: BOM, the title, then each table under its section's name
			const csv = await download(annualGET, ROUTE, admin, `${q}&format=csv`, 'zh-CN');
			expect(csv.type).toContain('text/csv');
			expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
			expect(csv.name).toMatch(/-county\.admin\.csv$/);
			const lines = csv.bytes.toString('utf8').slice(1).split('\r\n');
			expect(lines[0]).toBe(`洪湖市${year}年度工作进展情况`);
			// the watermark under the title: who exported it and when
			expect(lines[1]).toMatch(
				/^导出标记,县民政局管理员 导出于 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）$/
			);
			const section = (name: string) => {
				const at = lines.indexOf(name);
				expect(at, name).toBeGreaterThan(0);
				expect(lines[at - 1]).toBe('');
				const end = lines.indexOf('', at);
				return lines.slice(at + 1, end);
			};
			expect(section(SHEETS[3])).toEqual(
				items.map((row) =>
					row.map((c) => (typeof c === 'number' ? String(c) : (c as string))).join(',')
				)
			);
			expect(section(SHEETS[4])[4]).toBe('发现隐患,6,9,-3');
			const campaignLines = section(SHEETS[5]);
			expect(campaignLines).toHaveLength(r.campaigns.campaigns.length + 1);
			// the formula as text
			expect(campaignLines.some((l) => l.includes(",'=今年行动,"))).toBe(true);
			for (const s of SHEETS) section(s);
			const csvAudit = await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'
					AND resource = 'annual-report.csv' AND username = 'county.admin'`.execute(db);
			expect(csvAudit.rows[0].n).toBe(1);
		} finally {
			await sql`UPDATE campaigns SET name = '今年行动' WHERE name = '=今年行动'`.execute(db);
		}
	});

	it('writes a township’s tables for its own staff, and for an area outside or bad input writes nothing: 404, or 400 in Chinese', async () => {
		const db = d.db;
		const r = await expectParity(staff.jurisdiction, staff);
		const own = await download(annualGET, ROUTE, staff, `year=${year}&format=xlsx`, 'zh-CN');
		expect(own.status).toBe(200);
		expect(readXlsx(own.bytes, 2).rows[1]![0]!.value).toBe(staff.jurisdiction);
		expect(
			readXlsx(own.bytes, 5)
				.rows[3]!.slice(1, 3)
				.map((c) => c!.value)
		).toEqual([r.campaigns.totals.visited, r.lastYear.totals.visited]);
		const logged = async () =>
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'
						AND resource LIKE 'annual-report.%' AND username = ${staff.username}`.execute(db)
			).rows[0].n;
		// in English: the sections' names cut to Excel's 31 characters, still one a sheet
		const en = await download(annualGET, ROUTE, staff, `year=${year}&format=xlsx`, 'en');
		const sheets = readXlsx(en.bytes).sheets;
		expect(sheets).toHaveLength(7);
		expect(new Set(sheets).size).toBe(7);
		for (const name of sheets) expect(Array.from(name).length).toBeLessThanOrEqual(31);
		expect(sheets[0]).toBe('About this report');
		expect([...layers(en.bytes, 'xlsx').keys()]).toEqual(sheets);
		expect(await logged()).toBe(2);
		for (const f of ['xlsx', 'csv'])
			expect(
				(await download(annualGET, ROUTE, staff, `code=${admin.jurisdiction}&format=${f}`)).status
			).toBe(404);
		expect((await download(annualGET, ROUTE, admin, 'code=420102000000&format=xlsx')).status).toBe(
			404
		);
		for (const [query, text] of [
			['format=docx', /[\u4e00-\u9fff]/],
			[`year=20x6&format=csv`, /年度须为四位年份（如 2026）/],
			[`year=2099&format=xlsx`, /年度须在 2024 年/],
			[`code=abc&format=csv`, /[\u4e00-\u9fff]/]
		] as const) {
			let status = 0;
			let message = '';
			try {
				await annualGET(
					routeEvent(staff, new Request(`http://localhost${ROUTE}?${query}`), 'zh-CN')
				);
			} catch (e) {
				status = (e as { status: number }).status;
				message = (e as { body: { message: string } }).body.message;
			}
			expect(status, query).toBe(400);
			expect(message, query).toMatch(text);
		}
		expect(await logged()).toBe(2);
	});
});
