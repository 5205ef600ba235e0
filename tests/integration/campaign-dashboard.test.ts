// The campaign dashboard and daily bulletin on both engines: on a county campaign over the
// demo county with checks and hazards in every state spread over past days, every figure the
// dashboard and the bulletin show equals an independent SQL count written here (states from the
// hazards' own state column for now, from the step times for a past day), and a township's staff
// see their township only. Exports are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { campaignPage, createCampaign } from '../../src/lib/server/services/campaigns';
import { townshipRowName } from '../../src/lib/domain/campaign-dashboard';
import { translator } from '../../src/lib/i18n';
import { overdueTable } from '../../src/lib/server/exports-campaign';
import {
	campaignBulletin,
	campaignDashboard,
	campaignDashboardTable
} from '../../src/lib/server/services/campaign-dashboard';
import { NotFoundError } from '../../src/lib/server/errors';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const DAY = 86400_000;
/** The Beijing calendar day of an instant, written out independently of the app's helper. */
const bjDay = (t: number) => {
	const d = new Date(t + 8 * 3600_000);
	return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
};

describe.each(testEngines())('campaign dashboard on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let staff: Principal;
	let other: Principal;
	let campaignId: number;
	const now = new Date();
	/** noon in Beijing `n` days ago; for 0, a minute ago (today's noon may be still to come) */
	const daysAgo = (n: number) =>
		n === 0
			? new Date(now.getTime() - 60_000)
			: new Date(Date.parse(`${bjDay(now.getTime() - n * DAY)}T12:00:00+08:00`));

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		const db = d.db;
		admin = await principalOf(db, 'county.admin');
		staff = await principalOf(db, 'township.staff');
		other = await principalOf(db, 'prefecture.admin');
		campaignId = (
			await createCampaign(
				db,
				admin,
				{
					name: '通报测试行动',
					areaCode: admin.jurisdiction,
					startsAt: daysAgo(8),
					endsAt: new Date(now.getTime() + 30 * DAY)
				},
				meta
			)
		).id;
		// targets in several townships, the staff's own among them
		const targets = (
			await sql<{ id: number; township: string }>`
				SELECT DISTINCT ON (left(area_code, 9)) id::float8 AS id, left(area_code, 9) AS township
				FROM campaign_targets WHERE campaign_id = ${campaignId}
				ORDER BY left(area_code, 9), (left(area_code, 9) = left(${staff.jurisdiction}, 9)) DESC, id`.execute(
				db
			)
		).rows;
		const own = (
			await sql<{ id: number }>`
				SELECT id::float8 AS id FROM campaign_targets
				WHERE campaign_id = ${campaignId} AND left(area_code, 9) = left(${staff.jurisdiction}, 9)
				ORDER BY id LIMIT 4`.execute(db)
		).rows.map((r) => r.id);
		const pick = [...new Set([...own, ...targets.slice(0, 8).map((t) => t.id)])];
		expect(pick.length).toBeGreaterThan(6);
		// one check a target, on days 7..1 ago; a second check of the first does not count twice
		for (const [i, id] of pick.entries())
			await sql`INSERT INTO target_checks (client_uuid, target_id, user_id, recorded_at)
				VALUES (${randomUUID()}::uuid, ${id}, ${staff.userId}, ${daysAgo(7 - (i % 7))})`.execute(db);
		await sql`INSERT INTO target_checks (client_uuid, target_id, user_id, recorded_at)
			VALUES (${randomUUID()}::uuid, ${pick[0]}, ${staff.userId}, ${daysAgo(0)})`.execute(db);
		// hazards in every state, some overdue
		const hazard = async (
			target: number,
			found: number,
			step: { reg?: number; deadline?: number; fixed?: number; closed?: number; severity?: string }
		) => {
			const state =
				step.closed !== undefined
					? 'closed'
					: step.fixed !== undefined
						? 'fixed'
						: step.reg !== undefined
							? 'registered'
							: 'found';
			const at = (n: number | undefined) => (n === undefined ? null : daysAgo(n));
			await sql`INSERT INTO hazards (target_id, item, description, state, found_by, found_at,
					severity, responsible, deadline, registered_by, registered_at, fixed_by, fixed_at,
					closed_by, closed_at)
				VALUES (${target}, 'water', '', ${state}, ${staff.userId}, ${daysAgo(found)},
					${step.reg !== undefined ? (step.severity ?? 'general') : null},
					${step.reg !== undefined ? '责任人' : null},
					${step.deadline !== undefined ? new Date(now.getTime() + step.deadline * DAY) : null},
					${step.reg !== undefined ? admin.userId : null}, ${at(step.reg)},
					${step.fixed !== undefined ? staff.userId : null}, ${at(step.fixed)},
					${step.closed !== undefined ? admin.userId : null}, ${at(step.closed)})`.execute(db);
		};
		await hazard(pick[0], 6, {});
		await hazard(pick[0], 6, { reg: 5, deadline: -2, severity: 'serious' });
		await hazard(pick[1], 5, { reg: 4, deadline: 5, severity: 'major' });
		await hazard(pick[2], 5, { reg: 4, deadline: -1, fixed: 2 });
		await hazard(pick[3], 4, { reg: 3, deadline: -3, fixed: 3, closed: 1 });
		await hazard(pick[4], 3, { reg: 2, deadline: 4, fixed: 1, closed: 0 });
		await hazard(pick[5], 2, { reg: 1, deadline: -0.5, severity: 'major' });
		await hazard(pick[6], 0, {});
	});
	afterAll(async () => {
		await d?.close();
	});

	/** Independent counts, by township (code prefix of 9 digits), of what is true now. */
	async function countsNow(prefix: string) {
		const r = await sql<{
			township: string;
			targets: number;
			visited: number;
			found: number;
			fixed: number;
			closed: number;
			open: number;
			overdue: number;
		}>`
			SELECT left(t.area_code, 9) AS township, count(DISTINCT t.id)::int AS targets,
				count(DISTINCT t.id) FILTER (WHERE EXISTS (SELECT 1 FROM target_checks k WHERE k.target_id = t.id))::int AS visited,
				count(h.id)::int AS found,
				count(h.id) FILTER (WHERE h.state IN ('fixed', 'closed'))::int AS fixed,
				count(h.id) FILTER (WHERE h.state = 'closed')::int AS closed,
				count(h.id) FILTER (WHERE h.state <> 'closed')::int AS open,
				count(h.id) FILTER (WHERE h.state <> 'closed' AND h.deadline < now())::int AS overdue
			FROM campaign_targets t LEFT JOIN hazards h ON h.target_id = t.id
			WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${prefix + '%'}
			GROUP BY 1
			-- the county's own units (their area is the county: no township digits) after the townships
			ORDER BY substr(left(t.area_code, 9), 7, 3) = '000', 1`.execute(d.db);
		return r.rows;
	}

	it('shows figures, townships, overdue list and open hazards equal to SQL counts', async () => {
		const dash = await campaignDashboard(d.db, admin, campaignId);
		const expected = await countsNow(admin.jurisdiction.slice(0, 6));
		expect(dash.townships.map((r) => r.code.slice(0, 9))).toEqual(expected.map((r) => r.township));
		// the demo county has county-level institutions: their row comes last, keyed by the county
		expect(dash.townships.at(-1)?.code).toBe(admin.jurisdiction);
		for (const [i, r] of dash.townships.entries()) {
			const { township, ...e } = expected[i];
			expect(township).toBe(r.code.slice(0, 9));
			expect({
				targets: r.targets,
				visited: r.visited,
				found: r.found,
				fixed: r.fixed,
				closed: r.closed,
				open: r.open,
				overdue: r.overdue
			}).toEqual(e);
		}
		const sum = (k: keyof (typeof expected)[number]) =>
			expected.reduce((a, r) => a + Number(r[k]), 0);
		expect(dash.totals).toEqual({
			targets: sum('targets'),
			visited: sum('visited'),
			found: sum('found'),
			fixed: sum('fixed'),
			closed: sum('closed'),
			open: sum('open'),
			overdue: sum('overdue')
		});
		// the fixture has each kind: the test would fail on an empty dashboard
		expect(dash.totals).toMatchObject({ found: 8, closed: 2, fixed: 3, overdue: 3 });

		const overdue = await sql<{ id: number }>`
			SELECT h.id::float8 AS id FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
			WHERE t.campaign_id = ${campaignId} AND h.state <> 'closed' AND h.deadline < now()
			ORDER BY h.id`.execute(d.db);
		expect(dash.overdue.map((r) => r.id).sort((a, b) => a - b)).toEqual(
			overdue.rows.map((r) => r.id)
		);
		const open = await sql<{ id: number; severity: string | null }>`
			SELECT h.id::float8 AS id, h.severity FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
			WHERE t.campaign_id = ${campaignId} AND h.state <> 'closed' ORDER BY h.id`.execute(d.db);
		expect(dash.open.map((h) => ({ id: h.id, severity: h.severity }))).toEqual(open.rows);

		// the series end at today's figures, and each day's value is the count up to its end
		expect(dash.days[0]).toBe(bjDay(daysAgo(8).getTime()));
		expect(dash.days[dash.days.length - 1]).toBe(bjDay(now.getTime()));
		for (const [i, day] of dash.days.entries()) {
			const end = new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY);
			const r = await sql<{ found: number; fixed: number; closed: number; visited: number }>`
				SELECT
					(SELECT count(*)::int FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = ${campaignId} AND h.found_at < ${end}) AS found,
					(SELECT count(*)::int FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = ${campaignId} AND h.state IN ('fixed', 'closed') AND h.fixed_at < ${end}) AS fixed,
					(SELECT count(*)::int FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
						WHERE t.campaign_id = ${campaignId} AND h.closed_at < ${end}) AS closed,
					(SELECT count(DISTINCT k.target_id)::int FROM target_checks k
						JOIN campaign_targets t ON t.id = k.target_id
						WHERE t.campaign_id = ${campaignId} AND k.recorded_at < ${end}) AS visited`.execute(d.db);
			const e = r.rows[0];
			expect([
				dash.hazardSeries.found[i],
				dash.hazardSeries.fixed[i],
				dash.hazardSeries.closed[i]
			]).toEqual([e.found, e.fixed, e.closed]);
			expect(dash.visitsByTownship.reduce((a, t) => a + t.visited[i], 0)).toBe(e.visited);
		}
	});

	it('shows on the campaign page the figures its dashboard shows, open ones by state', async () => {
		// QA: the campaign page said 已登记待整改 0 beside the dashboard's 未销号 2 for the same
		// two hazards; both now give the dashboard's totals, equal to an independent count
		for (const who of [admin, staff]) {
			const page = await campaignPage(d.db, who, campaignId);
			const dash = await campaignDashboard(d.db, who, campaignId);
			const prefix = who === admin ? who.jurisdiction.slice(0, 6) : who.jurisdiction.slice(0, 9);
			const e = (await countsNow(prefix)).reduce(
				(a, r) => ({
					targets: a.targets + r.targets,
					visited: a.visited + r.visited,
					hazards: a.hazards + r.found,
					remedied: a.remedied + r.fixed,
					closed: a.closed + r.closed,
					open: a.open + r.open,
					overdue: a.overdue + r.overdue
				}),
				{ targets: 0, visited: 0, hazards: 0, remedied: 0, closed: 0, open: 0, overdue: 0 }
			);
			const p = page.progress;
			expect({
				targets: p.targets,
				visited: p.visited,
				hazards: p.hazards,
				remedied: p.remedied,
				closed: p.closed,
				open: p.open,
				overdue: p.overdue
			}).toEqual(e);
			const t = dash.totals;
			expect([t.targets, t.visited, t.found, t.fixed, t.closed, t.open, t.overdue]).toEqual([
				e.targets,
				e.visited,
				e.hazards,
				e.remedied,
				e.closed,
				e.open,
				e.overdue
			]);
			// the open ones are those found, registered or fixed (not yet closed)
			expect(p.found + p.registered + p.fixed).toBe(p.open);
		}
		expect((await campaignPage(d.db, admin, campaignId)).progress.open).toBeGreaterThan(2);
	});

	it("labels a county-level target's township as the county's own units in every list", async () => {
		// an open, overdue hazard at a county-level target (its area is the county itself)
		const direct = (
			await sql<{ id: number }>`
				SELECT id::float8 AS id FROM campaign_targets
				WHERE campaign_id = ${campaignId} AND area_code = ${admin.jurisdiction}
				ORDER BY id LIMIT 1`.execute(d.db)
		).rows[0];
		expect(direct).toBeDefined();
		await sql`INSERT INTO hazards (target_id, item, description, state, found_by, found_at,
				severity, responsible, deadline, registered_by, registered_at)
			VALUES (${direct.id}, 'water', '', 'registered', ${staff.userId}, ${daysAgo(2)}, 'general',
				'责任人', ${new Date(now.getTime() - DAY)}, ${admin.userId}, ${daysAgo(2)})`.execute(d.db);
		const county = (
			await sql<{
				name: string;
			}>`SELECT name FROM admin_units WHERE code = ${admin.jurisdiction}`.execute(d.db)
		).rows[0].name;
		const dash = await campaignDashboard(d.db, admin, campaignId);
		const b = await campaignBulletin(d.db, admin, campaignId, bjDay(now.getTime()));
		const rows = [
			...dash.overdue.map((r) => ({ code: r.townshipCode, name: r.township })),
			...b.open.map((r) => ({ code: r.townshipCode, name: r.township })),
			...b.unvisited.map((r) => ({ code: r.township_code, name: r.township_name }))
		];
		for (const [locale, label] of [
			['zh-CN', `县级（直属）单位 · ${county}`],
			['en', `County-level units · ${county}`]
		] as const) {
			const names = rows.map((r) => townshipRowName(r, translator(locale)));
			// in each of the three lists, and never the county's bare name as if it were a township
			expect(names.filter((n) => n === label).length).toBeGreaterThanOrEqual(3);
			expect(names).not.toContain(county);
		}
		// and in the overdue list's file
		const file = overdueTable(dash.overdue, undefined, 'zh-CN');
		const col = file.header.indexOf(translator('zh-CN')('cd.township'));
		expect(file.rows.map((r) => r[col])).toContain(`县级（直属）单位 · ${county}`);
		expect(file.rows.map((r) => r[col])).not.toContain(county);
		const overdueHere = dash.overdue.filter((r) => r.townshipCode === admin.jurisdiction);
		expect(overdueHere.map((r) => r.name)).toContain(
			(
				await sql<{
					name: string;
				}>`SELECT name FROM campaign_targets WHERE id = ${direct.id}`.execute(d.db)
			).rows[0].name
		);
		// a township's rows keep the township's own name
		const other = dash.overdue.find((r) => r.townshipCode !== admin.jurisdiction)!;
		expect(
			townshipRowName({ code: other.townshipCode, name: other.township }, translator('zh-CN'))
		).toBe(other.township);
	});

	it('makes a bulletin only for a day of the campaign up to today, moving another to the nearest', async () => {
		const today = bjDay(now.getTime());
		const first = bjDay(daysAgo(8).getTime());
		// a day after today (the campaign still runs): today's figures, said to be today's
		const later = await campaignBulletin(d.db, admin, campaignId, bjDay(now.getTime() + 10 * DAY));
		expect(later).toMatchObject({ day: today, moved: true, minDay: first, maxDay: today });
		expect(later.dayEnded).toBe(false);
		expect(later.at.getTime()).toBeLessThanOrEqual(Date.now());
		// a day after the campaign ends: the same
		const after = await campaignBulletin(d.db, admin, campaignId, bjDay(now.getTime() + 60 * DAY));
		expect(after).toMatchObject({ day: today, moved: true });
		// a day before it starts: its first day, at that day's end, with that day's figures
		const before = await campaignBulletin(d.db, admin, campaignId, bjDay(daysAgo(20).getTime()));
		expect(before).toMatchObject({ day: first, moved: true, dayEnded: true });
		expect(before.at.toISOString()).toBe(
			new Date(Date.parse(`${first}T00:00:00+08:00`) + DAY).toISOString()
		);
		const firstDay = await campaignBulletin(d.db, admin, campaignId, first);
		expect(firstDay.moved).toBe(false);
		expect(before.totals).toEqual(firstDay.totals);
		// no day asked: today, nothing moved
		expect(await campaignBulletin(d.db, admin, campaignId, null)).toMatchObject({
			day: today,
			moved: false
		});
	});

	it("prints a past day's bulletin with the figures at that day's end", async () => {
		const day = bjDay(daysAgo(3).getTime());
		const end = new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY);
		const b = await campaignBulletin(d.db, admin, campaignId, day);
		const r = await sql<{
			visited: number;
			found: number;
			fixed: number;
			closed: number;
			overdue: number;
		}>`
			SELECT
				(SELECT count(DISTINCT k.target_id)::int FROM target_checks k JOIN campaign_targets t ON t.id = k.target_id
					WHERE t.campaign_id = ${campaignId} AND k.recorded_at < ${end}) AS visited,
				count(*)::int AS found,
				count(*) FILTER (WHERE h.fixed_at < ${end})::int AS fixed,
				count(*) FILTER (WHERE h.closed_at < ${end})::int AS closed,
				count(*) FILTER (WHERE h.registered_at < ${end} AND h.deadline < ${end}
					AND (h.closed_at IS NULL OR h.closed_at >= ${end}))::int AS overdue
			FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
			WHERE t.campaign_id = ${campaignId} AND h.found_at < ${end}`.execute(d.db);
		expect(b.totals).toMatchObject(r.rows[0]);
		expect(b.totals.open).toBe(r.rows[0].found - r.rows[0].closed);
		// what the day added
		const today = await sql<{ found: number; fixed: number; closed: number }>`
			SELECT count(*) FILTER (WHERE h.found_at >= ${new Date(end.getTime() - DAY)} AND h.found_at < ${end})::int AS found,
				count(*) FILTER (WHERE h.fixed_at >= ${new Date(end.getTime() - DAY)} AND h.fixed_at < ${end})::int AS fixed,
				count(*) FILTER (WHERE h.closed_at >= ${new Date(end.getTime() - DAY)} AND h.closed_at < ${end})::int AS closed
			FROM hazards h JOIN campaign_targets t ON t.id = h.target_id WHERE t.campaign_id = ${campaignId}`.execute(
			d.db
		);
		expect(b.today).toMatchObject(today.rows[0]);
		// every target without a check by then, each once
		const unvisited = await sql<{ id: number }>`
			SELECT t.id::float8 AS id FROM campaign_targets t
			WHERE t.campaign_id = ${campaignId} AND NOT EXISTS (
				SELECT 1 FROM target_checks k WHERE k.target_id = t.id AND k.recorded_at < ${end})
			ORDER BY t.id`.execute(d.db);
		expect(b.unvisited.map((u) => u.id).sort((a, c) => a - c)).toEqual(
			unvisited.rows.map((u) => u.id)
		);
		expect(b.unvisited.length).toBeGreaterThan(100);
	});

	it("scopes to the viewer's jurisdiction and audits exports", async () => {
		const mine = await campaignDashboard(d.db, staff, campaignId);
		const expected = await countsNow(staff.jurisdiction.slice(0, 9));
		expect(mine.townships.map((r) => r.code.slice(0, 9))).toEqual(expected.map((r) => r.township));
		expect(mine.totals.found).toBe(expected.reduce((a, r) => a + r.found, 0));
		const all = await campaignDashboard(d.db, admin, campaignId);
		expect(mine.totals.targets).toBeLessThan(all.totals.targets);
		// another prefecture's administrator: the campaign does not exist for them
		const far = { ...other, jurisdiction: '420100000000' } as Principal;
		await expect(campaignDashboard(d.db, far, campaignId)).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			campaignBulletin(d.db, far, campaignId, bjDay(now.getTime()))
		).rejects.toBeInstanceOf(NotFoundError);

		const before = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'
				AND resource = ${`campaign:${campaignId}.overdue.csv`}`.execute(d.db);
		const f = await campaignDashboardTable(d.db, staff, campaignId, 'overdue', 'csv', meta);
		expect(f.overdue.length).toBe(mine.overdue.length);
		const after = await sql<{ n: number; user_id: number }>`
			SELECT count(*)::int AS n, max(user_id)::float8 AS user_id FROM audit_log WHERE action = 'export'
				AND resource = ${`campaign:${campaignId}.overdue.csv`}`.execute(d.db);
		expect(after.rows[0].n).toBe(before.rows[0].n + 1);
		expect(after.rows[0].user_id).toBe(staff.userId);
	});

	it('places each row of a table for its GeoJSON: a township at its centre, a hazard at its target', async () => {
		const t = await campaignDashboardTable(d.db, admin, campaignId, 'townships', 'geojson', meta);
		const centres = await sql<{ code: string; lon: number; lat: number }>`
			SELECT code, ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units
			WHERE code = ANY(${t.townships.map((r) => r.code)}::text[])`.execute(d.db);
		expect(t.townships.length).toBeGreaterThan(0);
		expect(t.places.size).toBe(t.townships.length);
		for (const c of centres.rows) expect(t.places.get(c.code)).toEqual({ lon: c.lon, lat: c.lat });
		const o = await campaignDashboardTable(d.db, admin, campaignId, 'overdue', 'geojson', meta);
		expect(o.overdue.length).toBeGreaterThan(0);
		const at = await sql<{ id: number; lon: number; lat: number }>`
			SELECT h.id::float8 AS id, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
			FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
			WHERE h.id = ANY(${o.overdue.map((r) => r.id)}::bigint[])`.execute(d.db);
		expect(at.rows.length).toBe(o.overdue.length);
		for (const r of at.rows) expect(o.places.get(String(r.id))).toEqual({ lon: r.lon, lat: r.lat });
		const audited = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'
				AND resource = ${`campaign:${campaignId}.overdue.geojson`}`.execute(d.db);
		expect(audited.rows[0].n).toBe(1);
	});
});
