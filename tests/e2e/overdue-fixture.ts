// An overdue hazard for the 挂牌督办 e2e (escalation.spec.ts). The server decides "overdue" by its
// own clock and the app refuses a deadline in the past, so no journey through the pages can make
// one: it is written into the server's private copy of the database before the server starts
// (serve.ts). A campaign of its own, with no assignee, so no other spec sees it in its lists.
import { sql } from 'kysely';
import { openPglite } from '../../src/lib/server/db/engine';
import { ROOT } from '../support/template';

export const OVERDUE_CAMPAIGN = '督办演示行动';
/** ten days late: supervised by the prefecture */
export const LATE_PREFECTURE = '督办演示：施工基坑';
/** two days late: supervised by the county */
export const LATE_COUNTY = '督办演示：破损护栏';
/** due in five days: not supervised */
export const ON_TIME = '督办演示：井盖缺失';

const DAY = 86400_000;

export async function writeOverdueFixture(dataDir: string): Promise<void> {
	const d = await openPglite({ dataDir, projectRoot: ROOT });
	try {
		const db = d.db;
		const u = await sql<{ id: number; jurisdiction_code: string }>`
			SELECT id::float8 AS id, jurisdiction_code FROM users
			WHERE username IN ('county.admin', 'township.staff') ORDER BY username`.execute(db);
		const [county, staff] = u.rows;
		const now = Date.now();
		const c = await sql<{ id: number }>`
			INSERT INTO campaigns (name, area_code, starts_at, ends_at, rules, created_by)
			VALUES (${OVERDUE_CAMPAIGN}, ${county.jurisdiction_code}, ${new Date(now - 40 * DAY)},
				${new Date(now + 60 * DAY)}, '{}', ${county.id}) RETURNING id::float8 AS id`.execute(db);
		for (const [name, deadlineDays] of [
			[LATE_PREFECTURE, -10],
			[LATE_COUNTY, -2],
			[ON_TIME, 5]
		] as const) {
			const t = await sql<{ id: number }>`
				INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason)
				SELECT ${c.rows[0].id}, 'field', ${name}, ${staff.jurisdiction_code}, center, 'field', '{}'
				FROM admin_units WHERE code = ${staff.jurisdiction_code}
				RETURNING id::float8 AS id`.execute(db);
			await sql`
				INSERT INTO hazards (target_id, item, description, state, found_by, found_at, severity,
					responsible, deadline, registered_by, registered_at)
				VALUES (${t.rows[0].id}, 'secured', '', 'registered', ${staff.id}, ${new Date(now - 30 * DAY)},
					'major', '镇安全员', ${new Date(now + deadlineDays * DAY)}, ${county.id},
					${new Date(now - 29 * DAY)})`.execute(db);
		}
	} finally {
		await d.close();
	}
}
