// The bench removes the campaigns it launches (bench/lib/campaign-cleanup.ts), and only those:
// on both engines, launches through the campaign service as the bench makes them (named
// "bench …", audited with the bench's user agent) and as anyone else might (another name or
// another agent); one of the bench's with a check and a registered hazard, so that the removal
// goes through every table that hangs off a campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	createCampaign,
	recordTargetCheck,
	stepHazard
} from '../../src/lib/server/services/campaigns';
import { DEFAULT_CHECKLIST_ITEMS, type Checklist } from '../../src/lib/domain/campaign';
import { BENCH_AGENT, benchCampaignIds, removeCampaigns } from '../../bench/lib/campaign-cleanup';
import { activateStaff, deactivateStaff } from '../../bench/lib/campaign-staff';

const days = (n: number) => new Date(Date.now() + n * 86400_000);

describe.each(testEngines())('the bench removes its own campaigns on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let township: string;
	const launch = async (name: string, userAgent: string) =>
		(
			await createCampaign(
				d.db,
				admin,
				{ name, areaCode: township, startsAt: days(-1), endsAt: days(60) },
				{ ip: '127.0.0.1', userAgent }
			)
		).id;
	const counts = async (ids: number[]) => {
		const r = await sql<{ campaigns: number; targets: number; checks: number; hazards: number }>`
			SELECT
				(SELECT count(*)::int FROM campaigns WHERE id = ANY(${ids}::bigint[])) AS campaigns,
				(SELECT count(*)::int FROM campaign_targets WHERE campaign_id = ANY(${ids}::bigint[])) AS targets,
				(SELECT count(*)::int FROM target_checks k JOIN campaign_targets t ON t.id = k.target_id
					WHERE t.campaign_id = ANY(${ids}::bigint[])) AS checks,
				(SELECT count(*)::int FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
					WHERE t.campaign_id = ANY(${ids}::bigint[])) AS hazards`.execute(d.db);
		return r.rows[0];
	};

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		admin = await principalOf(d.db, 'county.admin');
		// the fixture county's township with the most segments: a launch with targets of each kind
		const t = await sql<{ code: string }>`
			SELECT township_code AS code FROM waterways WHERE county_code = ${admin.jurisdiction}
			GROUP BY township_code ORDER BY count(*) DESC, township_code LIMIT 1`.execute(d.db);
		township = t.rows[0].code;
	});
	afterAll(async () => {
		await d?.close();
	});

	it('finds the campaigns it launched, removes them with everything under them, and nothing else', async () => {
		const ours = [
			await launch('bench 全省 0', BENCH_AGENT),
			await launch('bench 县 1', BENCH_AGENT)
		];
		const others = [
			// named like the bench's, launched by someone through the app
			await launch('bench 演练', 'Mozilla/5.0'),
			// the bench's agent, but not a name the bench gives
			await launch('2027年汛期隐患排查', BENCH_AGENT)
		];
		// a season's work in one of the bench's: a check finding a hazard, registered
		const target = await sql<{ id: number; checklist: string }>`
			SELECT id::float8 AS id, checklist FROM campaign_targets
			WHERE campaign_id = ${ours[1]} ORDER BY id LIMIT 1`.execute(d.db);
		const items = DEFAULT_CHECKLIST_ITEMS[target.rows[0].checklist as Checklist];
		const check = await recordTargetCheck(
			d.db,
			admin,
			{
				clientUuid: randomUUID(),
				targetId: target.rows[0].id,
				recordedAt: new Date(),
				answers: items.map((item, k) => ({ item, answer: k === 0 ? 'hazard' : 'ok' }))
			},
			{ ip: '127.0.0.1', userAgent: BENCH_AGENT }
		);
		expect(check.hazards).toHaveLength(1);
		await stepHazard(
			d.db,
			admin,
			check.hazards[0],
			{ action: 'register', severity: 'general', responsible: '负责人', deadline: days(10) },
			null,
			{ ip: '127.0.0.1', userAgent: BENCH_AGENT }
		);
		const before = await counts(ours);
		expect(before).toMatchObject({ campaigns: 2, checks: 1, hazards: 1 });
		expect(before.targets).toBeGreaterThan(0);
		const othersBefore = await counts(others);
		expect(othersBefore.targets).toBeGreaterThan(0);

		expect(await benchCampaignIds(d.db)).toEqual(ours);
		// asked to remove every campaign, it removes only its own
		expect(await removeCampaigns(d.db, [...ours, ...others])).toBe(2);
		expect(await counts(ours)).toEqual({ campaigns: 0, targets: 0, checks: 0, hazards: 0 });
		expect(await counts(others)).toEqual(othersBefore);
		expect(await benchCampaignIds(d.db)).toEqual([]);
		// what was done stays on record (the audit log is append-only)
		const audited = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log
			WHERE action = 'campaign_created' AND resource = ANY(${ours.map((id) => `campaign:${id}`)}::text[])`.execute(
			d.db
		);
		expect(audited.rows[0].n).toBe(2);
	});

	it('staffs every township and village for a launch, then leaves its accounts inactive', async () => {
		const places = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM admin_units
			WHERE level IN ('township', 'village') AND code LIKE ${township.slice(0, 9) + '%'}`.execute(d.db);
		expect(await activateStaff(d.db, township.slice(0, 9))).toBe(places.rows[0].n);
		const id = await launch('bench 全省 有人 0', BENCH_AGENT);
		const held = await sql<{ n: number; held: number }>`
			SELECT count(*)::int AS n, count(assignee_id)::int AS held FROM campaign_targets
			WHERE campaign_id = ${id}`.execute(d.db);
		expect(held.rows[0].n).toBeGreaterThan(0);
		expect(held.rows[0].held).toBe(held.rows[0].n);
		expect(await removeCampaigns(d.db, [id])).toBe(1);
		expect(await deactivateStaff(d.db)).toBe(places.rows[0].n);
		const active = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM users
			WHERE active AND (username LIKE 'bench.staff.%' OR username LIKE 'bench.director.%')`.execute(d.db);
		expect(active.rows[0].n).toBe(0);
		// a second launch finds them again, as many as before
		expect(await activateStaff(d.db, township.slice(0, 9))).toBe(places.rows[0].n);
		expect(await deactivateStaff(d.db)).toBe(places.rows[0].n);
	});
});
