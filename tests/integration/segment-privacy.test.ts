// What a segment page says about the children near it, by role: a counts-only role (river
// chief, planner) learns only the released count and that a child lives within the rule's
// distance — no "nearest" at all, since "the nearest is a school 418 m away" says every home is
// farther and its absence that a home is nearest; the roles whose duty the homes are read the
// nearest other thing and the nearest home as a band, never its exact distance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, principalOf, type TestDatabase } from '../support/template';
import { segmentPage } from '../../src/lib/server/services/waterways';
import { distanceBand } from '../../src/lib/domain/disclosure';

describe.each(testEngines())('segment pages and children on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('tells counts-only roles no nearest thing, and duty roles the nearest home as a band', async () => {
		const chief = await principalOf(d.db, 'river.chief');
		const planner = await principalOf(d.db, 'planner');
		const staff = await principalOf(d.db, 'township.staff');
		// a segment whose nearest thing is not a home, with a home within the distance
		const r = await sql<{ id: number; m: number; kind: string }>`
			SELECT sr.waterway_id::float8 AS id, sr.nearest_m AS m, sr.nearest_kind AS kind
			FROM segment_requirements sr JOIN waterways w ON w.id = sr.waterway_id
			WHERE sr.required AND sr.nearest_kind <> 'children' AND 'children' = ANY(sr.near_kinds)
				AND w.township_code LIKE ${staff.jurisdiction.slice(0, 9) + '%'}
			ORDER BY sr.waterway_id LIMIT 1`.execute(d.db);
		const seg = r.rows[0];
		expect(seg).toBeTruthy();
		const home = await sql<{ m: number }>`
			SELECT min(ST_Distance(w.geom::geography, c.residence::geography, false)) AS m
			FROM waterways w, children c WHERE w.id = ${seg.id}`.execute(d.db);
		for (const who of [chief, planner]) {
			const req = (await segmentPage(d.db, who, seg.id)).requirement!;
			expect(req.childHomeWithin).toBe(true);
			expect(req.nearest).toBeNull();
			expect(req.nearestHomeBand).toBeNull();
			expect(JSON.stringify(req)).not.toContain(String(seg.m));
		}
		const forStaff = (await segmentPage(d.db, staff, seg.id)).requirement!;
		expect(forStaff.nearest).toEqual({ m: seg.m, kind: seg.kind });
		expect(forStaff.nearestHomeBand).toBe(distanceBand(home.rows[0].m));
		expect(JSON.stringify(forStaff)).not.toContain(String(home.rows[0].m));
	});
});
