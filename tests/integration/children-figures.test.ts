// The children of one county appear on many pages. Those that give the county's own figure (the
// map's overview, the dashboard's exposure panel, the annual report) read the one released
// figure (child_counts), each checked here against the protection of a true count written
// here in SQL; the figures that add up smaller released figures (a drawn place's sum of its
// villages, the planning grid's sum of its cells) are other quantities, and are labelled as
// sums so that an official does not read them as the county's count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { scopeFor } from '../../src/lib/server/auth/scope';
import { areaSummary } from '../../src/lib/server/services/map';
import { closeAnalysis, exposure } from '../../src/lib/server/services/exposure';
import { annualReport } from '../../src/lib/server/services/annual-report';
import { nearPlace } from '../../src/lib/server/services/emergency-place';
import { MAX_DEVIATION } from '../../src/lib/domain/disclosure';
import { translator } from '../../src/lib/i18n';

describe.each(testEngines())('a county children figure on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		admin = await principalOf(d.db, 'county.admin');
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	it('the overview, the dashboard and the annual report show the same released figure', async () => {
		const code = admin.jurisdiction;
		const prefix = code.slice(0, 6);
		const raw = Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children WHERE village_code LIKE ${prefix + '%'}`.execute(d.db)
			).rows[0].n
		);
		expect(raw).toBeGreaterThan(100);
		const overview = (await areaSummary(d.db, scopeFor(code), code)).counts.children.total;
		const dashboard = (await exposure(d.db, admin, code)).total.children;
		const report = (await annualReport(d.db, admin, code, new Date().getFullYear())).children.area
			.total;
		expect(dashboard).toBe(overview);
		expect(report).toBe(overview);
		// the released figure: within the protection's bound of the true count, never the sum of
		// the townships' figures computed on the fly
		expect(Math.abs(overview - raw)).toBeLessThanOrEqual(MAX_DEVIATION);
	});

	it("a place's children are the sum of its villages' figures, and are labelled as such", async () => {
		// a township's outline as a drawn place (a county is larger than a place may be)
		const town = (
			await sql<{ code: string; w: number; s: number; e: number; n: number }>`
				SELECT code, ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n
				FROM admin_units WHERE level = 'township' AND parent_code = ${admin.jurisdiction}
				ORDER BY code LIMIT 1`.execute(d.db)
		).rows[0];
		const [w, s, e, n] = [town.w, town.s, town.e, town.n].map(Number);
		const ring: [number, number][] = [
			[w, s],
			[e, s],
			[e, n],
			[w, n],
			[w, s]
		];
		const answer = await nearPlace(d.db, admin, { kind: 'area', ring });
		const sum = Number(
			(
				await sql<{ n: number }>`
					SELECT coalesce(sum(c.total_released), 0)::int AS n
					FROM admin_units a JOIN child_counts c ON c.code = a.code
					WHERE a.level = 'village' AND a.code LIKE ${admin.jurisdiction.slice(0, 6) + '%'}
						AND ST_X(a.center) BETWEEN ${w} AND ${e} AND ST_Y(a.center) BETWEEN ${s} AND ${n}`.execute(d.db)
			).rows[0].n
		);
		expect(sum).toBeGreaterThan(0);
		expect(answer.children.total).toBe(sum);
		// shown under a label that says it is a sum of the villages' figures, unlike the label of
		// a unit's own released figure
		for (const locale of ['zh-CN', 'en'] as const) {
			const t = translator(locale);
			const label = t('emp.near.childrenSum');
			expect(label).toMatch(locale === 'en' ? /sum of the villages/ : /各村发布数之和/);
			for (const own of ['exp.children', 'annual.col.total', 'emp.near.childrenTotal'] as const)
				expect(label).not.toBe(t(own));
			expect(t('emp.near.leftBehindSum')).toMatch(locale === 'en' ? /sum/ : /之和/);
			expect(t('emp.near.inDifficultySum')).toMatch(locale === 'en' ? /sum/ : /之和/);
			// the planning grid's total says it is a sum of cells, not the area's count
			expect(t('plan.gridSum', { covered: 1, all: 2 })).toMatch(
				locale === 'en' ? /cell|grid/i : /网格合计/
			);
		}
	});
});
