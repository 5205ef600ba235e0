// Children at risk by area: the figures the dashboard shows are the released (perturbed) counts
// of what plain PostGIS counts, per township and in total, on both engines, recomputed
// independently; only counts leave the service; an area outside the viewer's jurisdiction does
// not exist for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	principalOf,
	type TestDatabase
} from '../support/template';
import { closeAnalysis, exposure } from '../../src/lib/server/services/exposure';
import { NotFoundError } from '../../src/lib/server/errors';
import {
	ensureGeographyIndexes,
	plainExposureIds,
	plainUncoveredIds
} from '../support/analysis-reference';
import { MAX_DEVIATION } from '../../src/lib/domain/disclosure';
import { releasedPerUnit } from '../support/released';

const COUNTY = FIXTURE_AREA.padEnd(12, '0');

describe.each(testEngines())('children at risk on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		await ensureGeographyIndexes(d.db);
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	it('releases per township and in total the perturbed counts of what plain PostGIS counts', async () => {
		const who = await principalOf(d.db, 'county.admin');
		const e = await exposure(d.db, who, COUNTY);
		expect(e.area.code).toBe(COUNTY);
		expect(e.radiusM).toBe(500);

		// the children of the county: its released count, the one every page reads
		const kids = await sql<{ n: number; r: number }>`
			SELECT total AS n, total_released AS r FROM child_counts WHERE code = ${COUNTY}`.execute(d.db);
		expect(e.total.children).toBe(kids.rows[0].r);
		expect(Math.abs(kids.rows[0].r - kids.rows[0].n)).toBeLessThanOrEqual(MAX_DEVIATION);

		// the children near incomplete water and those without a home nearby, chosen by plain
		// PostGIS and released independently (SQL key sums, summed up the levels)
		const nearIds = (await plainExposureIds(d.db, FIXTURE_AREA, 500)).map(Number);
		const uncoveredIds = (await plainUncoveredIds(d.db, FIXTURE_AREA, 1000)).map(Number);
		expect(nearIds.length).toBeGreaterThan(5);
		expect(uncoveredIds.length).toBeGreaterThan(5);
		const near = await releasedPerUnit(d.db, nearIds, FIXTURE_AREA);
		const uncovered = await releasedPerUnit(d.db, uncoveredIds, FIXTURE_AREA);
		expect(e.total.nearIncomplete).toBe(near.get(FIXTURE_AREA));
		expect(e.total.uncovered).toBe(uncovered.get(FIXTURE_AREA));
		expect(Math.abs(e.total.nearIncomplete - nearIds.length)).toBeLessThanOrEqual(MAX_DEVIATION);
		expect(e.total.nearShare).toBeCloseTo(
			Math.min(1, e.total.nearIncomplete / e.total.children),
			10
		);

		// every township of the county is listed, each with its released figures
		const towns = await sql<{ code: string; r: number }>`
			SELECT c.code, c.total_released AS r FROM child_counts c JOIN admin_units a ON a.code = c.code
			WHERE a.parent_code = ${COUNTY}`.execute(d.db);
		const listed = new Map(e.bySubunit.map((r) => [r.code, r]));
		expect(towns.rows.length).toBeGreaterThan(3);
		for (const t of towns.rows) {
			const r = listed.get(t.code)!;
			expect(r.children).toBe(t.r);
			expect(r.nearIncomplete).toBe(near.get(t.code.slice(0, 9)) ?? 0);
			expect(r.uncovered).toBe(uncovered.get(t.code.slice(0, 9)) ?? 0);
		}

		// a township's own page gives its figure as its county's page does: the same children
		// are never released as two numbers
		const [first] = towns.rows;
		const own = await exposure(d.db, who, first.code);
		expect(own.total.nearIncomplete).toBe(listed.get(first.code)!.nearIncomplete);
		expect(own.total.children).toBe(listed.get(first.code)!.children);
		// asking again changes nothing
		expect((await exposure(d.db, who, COUNTY)).bySubunit).toEqual(e.bySubunit);
	});

	it('returns counts only, and nothing outside the jurisdiction', async () => {
		const township = await principalOf(d.db, 'township.staff');
		const own = await exposure(d.db, township, township.jurisdiction);
		// a township lists its villages, with released counts (a village without children has
		// no share)
		expect(own.bySubunit.length).toBeGreaterThan(0);
		for (const r of own.bySubunit) {
			if (r.children === 0) expect(r.nearShare).toBeNull();
			else expect(r.nearShare).toBeLessThanOrEqual(1);
		}
		const text = JSON.stringify(own);
		expect(text).not.toMatch(/"ids"|"lon"|"lat"|residence/);
		await expect(exposure(d.db, township, COUNTY)).rejects.toBeInstanceOf(NotFoundError);
		const county = await principalOf(d.db, 'county.admin');
		await expect(exposure(d.db, county, '420100000000')).rejects.toBeInstanceOf(NotFoundError);
		await expect(exposure(d.db, county, 'x')).rejects.toBeInstanceOf(NotFoundError);
	});
});
