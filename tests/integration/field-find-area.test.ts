// The boundary a phone tests a field find against (services/field.ts `fieldFindArea`, Turf in the
// browser) answers as the server's own test does (`unitHolding`, ST_Intersects), on the demo
// county's real township polygons: a grid of points over each worker's area and its
// surroundings, every point judged the same by both. The demo's villages are points, with no
// boundary: a child director's finds are theirs anywhere in their village's township (they
// could add none before: every point was "outside"). Too large an area is not sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { addFieldTarget, fieldFindArea } from '../../src/lib/server/services/field';
import { createCampaign } from '../../src/lib/server/services/campaigns';
import { CampaignRejected } from '../../src/lib/server/errors';
import type { Principal } from '../../src/lib/server/auth/policy';
import { insideFindArea, parseFindArea, type FindArea } from '../../src/lib/geo/find-area';
import { jurisdictionPrefix, townshipPrefix } from '../../src/lib/domain/admin';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

/** A 60 × 60 grid over the area's box widened by a fifth each way. */
function grid(area: FindArea): [number, number][] {
	const flat = (area.type === 'Polygon' ? [area.coordinates] : area.coordinates).flat(2);
	const xs = flat.map((p) => p[0]);
	const ys = flat.map((p) => p[1]);
	const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
	const [dx, dy] = [(e - w) / 5, (n - s) / 5];
	const out: [number, number][] = [];
	for (let i = 0; i < 60; i++)
		for (let j = 0; j < 60; j++)
			out.push([w - dx + ((e - w + 2 * dx) * i) / 59, s - dy + ((n - s + 2 * dy) * j) / 59]);
	return out;
}

describe.each(testEngines())('the field-find boundary on the phone on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it.each([
		['township.staff', jurisdictionPrefix],
		// no village boundary in the demo: the village's township
		['village.director', townshipPrefix],
		['county.admin', jurisdictionPrefix]
	] as const)(
		'%s: Turf on the phone judges every point as PostGIS does',
		async (username, prefixOf) => {
			const who = await principalOf(d.db, username);
			const level = 'township';
			const area = parseFindArea(await fieldFindArea(d.db, who));
			expect(area).not.toBeNull();
			const points = grid(area!);
			// the server's own question, asked of PostGIS for every point at once
			const r = await sql<{ i: number; inside: boolean }>`
			SELECT p.i::int AS i, EXISTS (
				SELECT 1 FROM admin_units u
				WHERE u.level = ${level} AND u.code LIKE ${prefixOf(who.jurisdiction) + '%'}
					AND u.geom IS NOT NULL
					AND ST_Intersects(u.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326))
			) AS inside
			FROM unnest(${points.map((p) => p[0])}::float8[], ${points.map((p) => p[1])}::float8[])
				WITH ORDINALITY AS p(x, y, i)
			ORDER BY p.i`.execute(d.db);
			const postgis = r.rows.map((x) => x.inside);
			const phone = points.map((p) => insideFindArea(p, area));
			// both sides of the boundary are in the grid, so agreement is not agreement on "all in"
			expect(postgis.filter(Boolean).length).toBeGreaterThan(100);
			expect(postgis.filter((x) => !x).length).toBeGreaterThan(100);
			const disagree = points.filter((_, i) => phone[i] !== postgis[i]);
			expect(disagree).toEqual([]);
		}
	);

	it("takes a child director's find anywhere in their village's township, under their village", async () => {
		const director = await principalOf(d.db, 'village.director');
		const county = await principalOf(d.db, 'county.admin');
		await createCampaign(
			d.db,
			county,
			{
				name: '村级发现测试',
				areaCode: county.jurisdiction,
				startsAt: new Date(Date.now() - 86400_000),
				endsAt: new Date(Date.now() + 30 * 86400_000),
				rules: { villages: false, segments: false, homes: false, stations: false }
			},
			meta
		);
		// a point of the township away from the village's own location, and one in the next township
		const r = await sql<{ inside: [number, number]; outside: [number, number] }>`
			SELECT
				(SELECT ARRAY[ST_X(p), ST_Y(p)] FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_units
					WHERE code = ${townshipPrefix(director.jurisdiction).padEnd(12, '0')}) x) AS inside,
				(SELECT ARRAY[ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))]
					FROM admin_units WHERE level = 'township'
						AND code LIKE ${jurisdictionPrefix(county.jurisdiction) + '%'}
						AND code NOT LIKE ${townshipPrefix(director.jurisdiction) + '%'}
					ORDER BY code LIMIT 1) AS outside`.execute(d.db);
		const { inside, outside } = r.rows[0];
		const area = parseFindArea(await fieldFindArea(d.db, director));
		expect(insideFindArea(inside, area)).toBe(true);
		expect(insideFindArea(outside, area)).toBe(false);
		const added = await addFieldTarget(
			d.db,
			director,
			{
				clientUuid: crypto.randomUUID(),
				fieldKind: 'well',
				name: '村头废井',
				lon: inside[0],
				lat: inside[1]
			},
			meta
		);
		const t = await sql<{ area_code: string; assignee: number }>`
			SELECT area_code, assignee_id::float8 AS assignee FROM campaign_targets WHERE id = ${added.id}`.execute(
			d.db
		);
		expect(t.rows[0]).toEqual({ area_code: director.jurisdiction, assignee: director.userId });
		await expect(
			addFieldTarget(
				d.db,
				director,
				{
					clientUuid: crypto.randomUUID(),
					fieldKind: 'well',
					name: '邻镇废井',
					lon: outside[0],
					lat: outside[1]
				},
				meta
			)
		).rejects.toBeInstanceOf(CampaignRejected);
	});

	it('sends no boundary for more units than a phone should carry', async () => {
		// a made-up county of 61 small townships: one more than a phone is sent
		const COUNTY = '429900000000';
		const codes = Array.from(
			{ length: 61 },
			(_, i) => `429900${String(i + 1).padStart(3, '0')}000`
		);
		await sql`
			INSERT INTO admin_units (code, level, name, parent_code, center)
			VALUES (${COUNTY}, 'county', '测试县', '420000000000', ST_SetSRID(ST_MakePoint(110.3, 31), 4326))`.execute(
			d.db
		);
		await sql`
			INSERT INTO admin_units (code, level, name, parent_code, geom, center)
			SELECT c, 'township', '测试镇' || i, ${COUNTY},
				ST_Multi(ST_MakeEnvelope(110 + i * 0.01, 31, 110.01 + i * 0.01, 31.01, 4326)),
				ST_SetSRID(ST_MakePoint(110.005 + i * 0.01, 31.005), 4326)
			FROM unnest(${codes}::text[]) WITH ORDINALITY AS t(c, i)`.execute(d.db);
		const who = {
			userId: 0,
			username: 'x',
			role: 'county_admin',
			jurisdiction: COUNTY
		} as Principal;
		expect(await fieldFindArea(d.db, who)).toBeNull();
		// without a boundary the phone does not judge: the server does
		expect(insideFindArea([110.005, 31.005], null)).toBeNull();
		await sql`DELETE FROM admin_units WHERE code = ${codes[60]}`.execute(d.db);
		const sixty = parseFindArea(await fieldFindArea(d.db, who));
		expect(insideFindArea([110.015, 31.005], sixty)).toBe(true);
		expect(insideFindArea([110.615, 31.005], sixty)).toBe(false);
	});
});
