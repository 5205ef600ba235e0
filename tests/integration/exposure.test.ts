// Children at risk by area: the counts the dashboard shows equal the plain PostGIS counts, per
// township and in total, on both engines; only counts leave the service, small ones suppressed;
// an area outside the viewer's jurisdiction does not exist for them.
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
import { NotFoundError } from '../../src/lib/server/services/map';
import {
	ensureGeographyIndexes,
	plainExposureCount,
	plainUncoveredCount
} from '../../src/lib/server/analysis/reference';
import { suppress, suppressPart, type SuppressedCount } from '../../src/lib/domain/children';

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

	it('counts per township and in total what plain PostGIS counts', async () => {
		const who = await principalOf(d.db, 'county.admin');
		const e = await exposure(d.db, who, COUNTY);
		expect(e.area.code).toBe(COUNTY);
		expect(e.radiusM).toBe(500);

		const kids = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM children WHERE village_code LIKE ${FIXTURE_AREA + '%'}`.execute(
			d.db
		);
		expect(e.total.children).toEqual(suppress(kids.rows[0].n));
		const near = await plainExposureCount(d.db, FIXTURE_AREA, 500);
		const uncovered = await plainUncoveredCount(d.db, FIXTURE_AREA, 1000);
		expect(near).toBeGreaterThan(5);
		expect(uncovered).toBeGreaterThan(5);
		expect(e.total.nearIncomplete).toEqual(suppressPart(near, kids.rows[0].n));
		expect(e.total.uncovered).toEqual(suppressPart(uncovered, kids.rows[0].n));
		expect(e.total.nearShare).toBeCloseTo(near / kids.rows[0].n, 10);

		// every township of the county is listed; the three with most children checked one by one
		const towns = await sql<{ code: string; n: number }>`
			SELECT rpad(left(village_code, 9), 12, '0') AS code, count(*)::int AS n FROM children
			WHERE village_code LIKE ${FIXTURE_AREA + '%'} GROUP BY 1 ORDER BY 2 DESC, 1`.execute(d.db);
		const listed = new Map(e.bySubunit.map((r) => [r.code, r]));
		for (const t of towns.rows) expect(listed.has(t.code)).toBe(true);
		for (const t of towns.rows.slice(0, 3)) {
			const prefix = t.code.slice(0, 9);
			const r = listed.get(t.code)!;
			shownOrProtected(r.children, suppress(t.n));
			shownOrProtected(
				r.nearIncomplete,
				suppressPart(await plainExposureCount(d.db, prefix, 500), t.n)
			);
			shownOrProtected(
				r.uncovered,
				suppressPart(await plainUncoveredCount(d.db, prefix, 1000), t.n)
			);
		}
		// no single hidden count among the townships, which the total minus the others would give
		for (const k of ['children', 'nearIncomplete', 'uncovered'] as const)
			expect(e.bySubunit.filter((r) => r[k].suppressed).length).not.toBe(1);
	});

	/** What a row shows is the true count, hidden where its own rule hides it or to protect another. */
	function shownOrProtected(actual: SuppressedCount, own: SuppressedCount) {
		if (own.suppressed || !actual.suppressed) expect(actual).toEqual(own);
		// hidden only to protect another: marked so, never "<5" by mistake
		else expect(actual).toEqual({ suppressed: true, protects: true });
	}

	it('returns counts only, and nothing outside the jurisdiction', async () => {
		const township = await principalOf(d.db, 'township.staff');
		const own = await exposure(d.db, township, township.jurisdiction);
		// a township lists its villages; a village with under 5 children shows no number
		expect(own.bySubunit.length).toBeGreaterThan(0);
		for (const r of own.bySubunit) {
			if (r.children.suppressed) expect(r.nearShare).toBeNull();
		}
		const text = JSON.stringify(own);
		expect(text).not.toMatch(/"ids"|"lon"|"lat"|residence/);
		await expect(exposure(d.db, township, COUNTY)).rejects.toBeInstanceOf(NotFoundError);
		const county = await principalOf(d.db, 'county.admin');
		await expect(exposure(d.db, county, '420100000000')).rejects.toBeInstanceOf(NotFoundError);
		await expect(exposure(d.db, county, 'x')).rejects.toBeInstanceOf(NotFoundError);
	});
});
