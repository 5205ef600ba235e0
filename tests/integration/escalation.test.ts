// The database's own guard on a hazard's steps (migration 0014's trigger: a raw UPDATE cannot skip
// a state or close without an after photo and a second person), and 挂牌督办: overdue hazards
// escalated to the county, then the prefecture, recorded and audited once however many read at
// once, and shown to the prefecture they were escalated to and to no other. On both engines.
// The fixture is two prefectures of their own (4298…, 4297…) far from the demo data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { escalateDue, hazardsPage } from '../../src/lib/server/services/escalation';
import { campaignPage, hazardPage } from '../../src/lib/server/services/campaigns';
import { supervisionOf } from '../../src/lib/server/services/escalation';

const P1 = '429800000000';
const C1 = '429801000000';
const T1 = '429801001000';
const P2 = '429700000000';
const C2 = '429701000000';
const T2 = '429701001000';
const DAY = 86400_000;
/** every read below is "now" = this instant, so the test does not depend on the clock */
const NOW = new Date('2026-07-15T04:00:00Z');
const days = (n: number) => new Date(NOW.getTime() + n * DAY);

describe.each(testEngines())('hazard guard and escalation on %s', (engine) => {
	let d: TestDatabase;
	let p1: Principal;
	let p2: Principal;
	let c1: Principal;
	let staff: Principal;
	let staff2: Principal;
	const h: Record<string, number> = {};

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		const db = d.db;
		const unit = (code: string, level: string, name: string, parent: string | null) =>
			sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(111::float8, 31::float8), 4326))`.execute(
				db
			);
		await unit(P1, 'prefecture', '甲市', null);
		await unit(C1, 'county', '甲县', P1);
		await unit(T1, 'township', '甲镇', C1);
		await unit(P2, 'prefecture', '乙市', null);
		await unit(C2, 'county', '乙县', P2);
		await unit(T2, 'township', '乙镇', C2);
		const user = async (username: string, role: string, code: string) => {
			const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}) RETURNING id::float8 AS id`.execute(db);
			return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
		};
		p1 = await user('esc.p1', 'prefecture_admin', P1);
		p2 = await user('esc.p2', 'prefecture_admin', P2);
		c1 = await user('esc.c1', 'county_admin', C1);
		staff = await user('esc.staff', 'township_staff', T1);
		staff2 = await user('esc.staff2', 'township_staff', T1);
		const c2 = await user('esc.c2', 'county_admin', C2);
		const target = async (county: Principal, area: string, township: string) => {
			const c = await sql<{ id: number }>`
				INSERT INTO campaigns (name, area_code, starts_at, ends_at, rules, created_by)
				VALUES (${'汛期排查 ' + area}, ${area}, ${days(-60)}, ${days(60)}, '{}', ${county.userId})
				RETURNING id::float8 AS id`.execute(db);
			const t = await sql<{ id: number }>`
				INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason)
				VALUES (${c.rows[0].id}, 'field', ${'工地 ' + township}, ${township},
					ST_SetSRID(ST_MakePoint(111::float8, 31::float8), 4326), 'field', '{}')
				RETURNING id::float8 AS id`.execute(db);
			return { campaign: c.rows[0].id, target: t.rows[0].id };
		};
		const a = await target(c1, C1, T1);
		const b = await target(c2, C2, T2);
		h.campaignA = a.campaign;
		const hazard = async (
			targetId: number,
			state: string,
			deadlineDays: number | null,
			extra: { fixedBy?: number; closedBy?: number } = {}
		) => {
			const reg = deadlineDays !== null;
			const r = await sql<{ id: number }>`
				INSERT INTO hazards (target_id, item, description, state, found_by, found_at, severity,
					responsible, deadline, registered_by, registered_at, fixed_by, fixed_at, closed_by, closed_at)
				VALUES (${targetId}, 'secured', '', ${state}, ${staff.userId}, ${days(-30)},
					${reg ? 'major' : null}, ${reg ? '张三' : null},
					${reg ? days(deadlineDays) : null}, ${reg ? c1.userId : null}, ${reg ? days(-29) : null},
					${extra.fixedBy ?? null}, ${extra.fixedBy ? days(-1) : null},
					${extra.closedBy ?? null}, ${extra.closedBy ? days(-1) : null})
				RETURNING id::float8 AS id`.execute(db);
			return r.rows[0].id;
		};
		// ten days late: county and prefecture; two days late: county only
		h.late10 = await hazard(a.target, 'registered', -10);
		h.late2 = await hazard(a.target, 'registered', -2);
		// fixed but not yet verified: still open, so it escalates like any other
		h.fixedLate = await hazard(a.target, 'fixed', -10, { fixedBy: staff.userId });
		// closed (after its deadline): never escalated
		h.closedLate = await hazard(a.target, 'closed', -10, {
			fixedBy: staff.userId,
			closedBy: c1.userId
		});
		h.onTime = await hazard(a.target, 'registered', 3);
		h.found = await hazard(a.target, 'found', null);
		// the other prefecture's late hazard
		h.otherLate = await hazard(b.target, 'registered', -10);
		// for the guard: one hazard taken step by step with raw SQL
		h.guard = await hazard(a.target, 'found', null);
	});
	afterAll(async () => {
		await d?.close();
	});

	const stateOf = async (id: number) =>
		(await sql<{ state: string }>`SELECT state FROM hazards WHERE id = ${id}`.execute(d.db)).rows[0]
			.state;

	it('refuses a raw UPDATE that skips a state, and a close without photo or second person', async () => {
		const db = d.db;
		const id = h.guard;
		// found → fixed skips 登记, even with every field a fixed row needs
		await expect(
			sql`UPDATE hazards SET state = 'fixed', severity = 'general', responsible = '李四',
				deadline = ${days(5)}, registered_by = ${c1.userId}, fixed_by = ${staff.userId}
				WHERE id = ${id}`.execute(db)
		).rejects.toThrow(/hazards_transition/);
		expect(await stateOf(id)).toBe('found');
		await sql`UPDATE hazards SET state = 'registered', severity = 'general', responsible = '李四',
			deadline = ${days(5)}, registered_by = ${c1.userId}, registered_at = ${NOW}
			WHERE id = ${id}`.execute(db);
		// registered → closed skips 整改
		await expect(
			sql`UPDATE hazards SET state = 'closed', fixed_by = ${staff.userId}, closed_by = ${c1.userId}
				WHERE id = ${id}`.execute(db)
		).rejects.toThrow(/hazards_transition/);
		// a fix needs its after photo
		await expect(
			sql`UPDATE hazards SET state = 'fixed', fixed_by = ${staff.userId} WHERE id = ${id}`.execute(
				db
			)
		).rejects.toThrow(/hazards_after_photo/);
		expect(await stateOf(id)).toBe('registered');
		await sql`INSERT INTO hazard_photos (hazard_id, stage, mime, bytes, width, height, user_id)
			VALUES (${id}, 'after', 'image/jpeg', ${Buffer.from([0xff, 0xd8, 0xff])}, 1, 1, ${staff.userId})`.execute(
			db
		);
		await sql`UPDATE hazards SET state = 'fixed', fixed_by = ${staff.userId}, fixed_at = ${NOW}
			WHERE id = ${id}`.execute(db);
		// the fixer cannot verify their own fix
		await expect(
			sql`UPDATE hazards SET state = 'closed', closed_by = ${staff.userId} WHERE id = ${id}`.execute(
				db
			)
		).rejects.toThrow(/hazards_verifier/);
		expect(await stateOf(id)).toBe('fixed');
		await sql`UPDATE hazards SET state = 'closed', closed_by = ${staff2.userId}, closed_at = ${NOW}
			WHERE id = ${id}`.execute(db);
		expect(await stateOf(id)).toBe('closed');
		// closed is final: no way back, not even a quiet edit
		await expect(
			sql`UPDATE hazards SET state = 'registered' WHERE id = ${id}`.execute(db)
		).rejects.toThrow(/hazards_transition/);
		await expect(
			sql`UPDATE hazards SET responsible = '王五' WHERE id = ${id}`.execute(db)
		).rejects.toThrow(/hazards_transition/);
		expect(await stateOf(id)).toBe('closed');
	});

	it('escalates once per hazard and level, even when read twice at once, and audits each once', async () => {
		const db = d.db;
		// two readers of the same prefecture at the same moment (on PostgreSQL, two connections)
		const [a, b] = await Promise.all([hazardsPage(db, p1, {}, NOW), hazardsPage(db, p1, {}, NOW)]);
		expect(a.hazards.map((r) => r.id)).toEqual(b.hazards.map((r) => r.id));
		const rows = await sql<{
			hazard_id: number;
			level: number;
			supervisor_code: string;
			due_at: Date;
		}>`
			SELECT hazard_id::float8 AS hazard_id, level::int AS level, supervisor_code, due_at
			FROM hazard_escalations ORDER BY hazard_id, level`.execute(db);
		const got = rows.rows.map((r) => [r.hazard_id, r.level, r.supervisor_code]);
		expect(got).toEqual(
			[
				[h.late10, 1, C1],
				[h.late10, 2, P1],
				[h.late2, 1, C1],
				[h.fixedLate, 1, C1],
				[h.fixedLate, 2, P1]
			].sort((x, y) => (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number))
		);
		// the times are those of the rule, not of the read: the deadline, and 7 days after it
		const late10 = rows.rows.filter((r) => r.hazard_id === h.late10);
		expect(new Date(late10[0].due_at).getTime()).toBe(days(-10).getTime());
		expect(new Date(late10[1].due_at).getTime()).toBe(days(-3).getTime());
		const audits = async () =>
			(
				await sql<{ resource: string; n: number }>`
					SELECT resource, count(*)::int AS n FROM audit_log WHERE action = 'hazard_escalated'
					GROUP BY resource ORDER BY resource`.execute(db)
			).rows;
		const expectedAudits = [
			{ resource: `hazard:${h.late10}`, n: 2 },
			{ resource: `hazard:${h.late2}`, n: 1 },
			{ resource: `hazard:${h.fixedLate}`, n: 2 }
		].sort((x, y) => x.resource.localeCompare(y.resource));
		expect(await audits()).toEqual(expectedAudits);
		// read again, and a pass over the prefecture as at start: nothing new
		await hazardsPage(db, p1, {}, NOW);
		expect(await escalateDue(db, NOW, '4298')).toBe(0);
		expect(await audits()).toEqual(expectedAudits);
	});

	it('lists supervised first and shows the prefecture what was escalated to it, and no other', async () => {
		const db = d.db;
		const mine = await hazardsPage(db, p1, {}, NOW);
		expect(mine.supervisorLevel).toBe('prefecture');
		const ids = mine.hazards.map((r) => r.id);
		// open hazards of the prefecture only; the closed one and the other prefecture's are absent
		expect(new Set(ids)).toEqual(new Set([h.late10, h.late2, h.fixedLate, h.onTime, h.found]));
		const levels = mine.hazards.map((r) => r.level);
		expect(levels).toEqual([...levels].sort((x, y) => y - x));
		expect(mine.hazards.find((r) => r.id === h.late2)?.level).toBe(1);
		expect(mine.toMe.map((r) => r.id).sort()).toEqual([h.late10, h.fixedLate].sort());
		// the county supervises all three of its late hazards
		const county = await hazardsPage(db, c1, {}, NOW);
		expect(county.toMe.map((r) => r.id).sort()).toEqual([h.late10, h.late2, h.fixedLate].sort());
		// the other prefecture: its own late hazard escalates when it reads, and it sees only that
		const other = await hazardsPage(db, p2, {}, NOW);
		expect(other.toMe.map((r) => r.id)).toEqual([h.otherLate]);
		expect(other.hazards.map((r) => r.id)).toEqual([h.otherLate]);
		expect(other.hazards.map((r) => r.id)).not.toContain(h.late10);
		// supervised only
		const only = await hazardsPage(db, p1, { supervisedOnly: true }, NOW);
		expect(only.hazards.map((r) => r.id).sort()).toEqual([h.late10, h.late2, h.fixedLate].sort());
		// a township worker has no unit to supervise, and sees its township's list
		const worker = await hazardsPage(db, staff, {}, NOW);
		expect(worker.supervisorLevel).toBeNull();
		expect(worker.toMe).toEqual([]);
		// the campaign's and the hazard's pages read the same record
		const page = await campaignPage(db, c1, h.campaignA, NOW);
		const sup = await supervisionOf(
			db,
			c1,
			page.hazards.map((x) => x.id),
			NOW
		);
		expect(sup.get(h.late10)?.map((e) => e.level)).toEqual([1, 2]);
		expect(sup.get(h.late10)?.[1].supervisor_name).toBe('甲市');
		expect(sup.get(h.onTime)).toBeUndefined();
		expect((await hazardPage(db, p1, h.late10, NOW)).hazard.overdue).toBe(true);
	});

	it('escalates to the prefecture seven days after the deadline, and a closed hazard never', async () => {
		const db = d.db;
		const level = async (id: number) =>
			(
				await sql<{ n: number }>`SELECT coalesce(max(level), 0)::int AS n FROM hazard_escalations
					WHERE hazard_id = ${id}`.execute(db)
			).rows[0].n;
		// the on-time hazard (deadline in three days) escalates once that has passed, by the
		// start-up pass over everything as well as by a read
		expect(await escalateDue(db, days(4))).toBe(1);
		expect(await level(h.onTime)).toBe(1);
		// late2's deadline was two days ago: the prefecture takes it in five days, not before
		await hazardsPage(db, c1, {}, new Date(days(5).getTime() - 60_000));
		expect(await level(h.late2)).toBe(1);
		await hazardsPage(db, c1, {}, new Date(days(5).getTime() + 60_000));
		expect(await level(h.late2)).toBe(2);
		expect(await level(h.closedLate)).toBe(0);
		// the record is history: it cannot be changed or removed
		await expect(
			sql`UPDATE hazard_escalations SET level = 2 WHERE hazard_id = ${h.onTime}`.execute(db)
		).rejects.toThrow(/append-only/);
		await expect(
			sql`DELETE FROM hazard_escalations WHERE hazard_id = ${h.onTime}`.execute(db)
		).rejects.toThrow(/append-only/);
	});
});
