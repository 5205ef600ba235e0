// The dashboard's numbers equal an independent SQL count on the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	type TestDatabase,
	principalOf
} from '../support/template';
import { dashboard } from '../../src/lib/server/services/waterways';
import { NotFoundError } from '../../src/lib/server/errors';
import type { Principal } from '../../src/lib/server/auth/policy';

describe.each(testEngines())('dashboard on %s', (engine) => {
	let d: TestDatabase;
	let planner: Principal;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		planner = await principalOf(d.db, 'planner');
	});
	afterAll(async () => {
		await d?.close();
	});

	it('counts required and complete segments, per township, as plain SQL does', async () => {
		const dash = await dashboard(d.db, planner, planner.jurisdiction);
		const q = await sql<{ township: string; required: number; complete: number }>`
			SELECT w.township_code AS township, count(*)::int AS required,
				count(*) FILTER (WHERE (SELECT count(*) FROM safety_equipment e WHERE e.waterway_id = w.id
					AND e.item IN ('sign', 'buoy', 'rope', 'pole') AND e.status = 'present') = 4)::int AS complete
			FROM waterways w JOIN segment_requirements r ON r.waterway_id = w.id
			WHERE r.required AND w.township_code LIKE ${FIXTURE_AREA + '%'}
			GROUP BY w.township_code`.execute(d.db);
		const total = q.rows.reduce(
			(a, r) => ({ required: a.required + r.required, complete: a.complete + r.complete }),
			{ required: 0, complete: 0 }
		);
		expect(dash.totals).toEqual(total);
		for (const row of dash.bySubunit) {
			const e = q.rows.find((r) => r.township === row.code) ?? { required: 0, complete: 0 };
			expect({ code: row.code, required: row.required, complete: row.complete }).toEqual({
				code: row.code,
				required: e.required,
				complete: e.complete
			});
		}
		expect(dash.bySubunit.length).toBeGreaterThan(5);
		// the last week of the trend is today's state
		const last = dash.trend[dash.trend.length - 1];
		expect(last).toMatchObject({ required: total.required, complete: total.complete });
		// …dated now, not at the end of the current week (which lies in the future)
		expect(Date.parse(last.week)).toBeLessThanOrEqual(Date.now());
		expect(Date.now() - Date.parse(last.week)).toBeLessThan(120_000);
		expect(Date.parse(dash.trend[0].week)).toBeLessThan(Date.parse(dash.trend[1].week));
		// the top list: incomplete segments only, riskiest first
		expect(dash.top.length).toBe(20);
		expect(dash.top.every((s) => s.usable < 4)).toBe(true);
		// shown as levels, never as the score (which would reveal small child counts)
		const rank = { high: 3, medium: 2, low: 1, none: 0 } as const;
		for (let i = 1; i < dash.top.length; i++) {
			expect(rank[dash.top[i - 1].risk]).toBeGreaterThanOrEqual(rank[dash.top[i].risk]);
		}
	});

	it('names the township whose waterways a village dashboard counts', async () => {
		const village = await sql<{ code: string; township: string; name: string }>`
			SELECT v.code, t.code AS township, t.name FROM admin_units v
			JOIN admin_units t ON t.code = substr(v.code, 1, 9) || '000' AND t.level = 'township'
			WHERE v.level = 'village' AND v.code LIKE ${FIXTURE_AREA + '%'} ORDER BY v.code LIMIT 1`.execute(
			d.db
		);
		const { code, township, name } = village.rows[0];
		const [ofVillage, ofTownship] = [
			await dashboard(d.db, planner, code),
			await dashboard(d.db, planner, township)
		];
		expect(ofVillage.area.code).toBe(code);
		expect(ofVillage.sitesArea).toEqual({ code: township, name });
		expect(ofVillage.totals).toEqual(ofTownship.totals);
		expect(ofTownship.sitesArea.code).toBe(township);
	});

	it('refuses an area outside the viewer’s jurisdiction', async () => {
		await expect(dashboard(d.db, planner, '420100000000')).rejects.toBeInstanceOf(NotFoundError);
	});
});
