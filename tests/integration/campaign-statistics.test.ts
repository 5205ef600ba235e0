// A launched campaign's targets are known to the planner at once, on both engines: neither the
// embedded engine nor a server with autovacuum off analyses a table by itself, and a province's
// bulletin planned its 79,000 targets as a handful (row-by-row loops, seconds of SQL). After the
// launch the table's statistics count every target, and the estimate of one campaign's targets
// is the number generated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { createCampaign } from '../../src/lib/server/services/campaigns';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const DAY = 86400_000;

describe.each(testEngines())("a campaign's targets' statistics on %s", (engine) => {
	let d: TestDatabase;

	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('count every target generated, and the planner expects as many for the campaign', async () => {
		const db = d.db;
		const admin = await principalOf(db, 'county.admin');
		const now = new Date();
		const launch = (name: string) =>
			createCampaign(
				db,
				admin,
				{
					name,
					areaCode: admin.jurisdiction,
					startsAt: new Date(now.getTime() - DAY),
					endsAt: new Date(now.getTime() + 20 * DAY)
				},
				meta
			);
		// two launches: the second's rows come on top of statistics taken after the first
		for (const name of ['统计一', '统计二']) {
			const c = await launch(name);
			expect(c.targets).toBeGreaterThan(100);
			const stored = (
				await sql<{ n: number; reltuples: number }>`
					SELECT (SELECT count(*) FROM campaign_targets)::float8 AS n, reltuples::float8 AS reltuples
					FROM pg_class WHERE oid = 'campaign_targets'::regclass`.execute(db)
			).rows[0];
			expect(stored.reltuples, name).toBe(stored.n);
			const plan = (
				await sql<{ 'QUERY PLAN': unknown }>`
					EXPLAIN (FORMAT JSON) SELECT id FROM campaign_targets WHERE campaign_id = ${c.id}`.execute(db)
			).rows[0]['QUERY PLAN'];
			const top = (typeof plan === 'string' ? JSON.parse(plan) : plan) as {
				Plan: { 'Plan Rows': number };
			}[];
			const estimate = top[0].Plan['Plan Rows'];
			// a small table is sampled whole: its most common values, the campaigns, are exact
			expect(estimate / c.targets, `${name}: ${estimate} for ${c.targets}`).toBeGreaterThan(0.8);
			expect(estimate / c.targets, `${name}: ${estimate} for ${c.targets}`).toBeLessThan(1.25);
		}
	});
});
