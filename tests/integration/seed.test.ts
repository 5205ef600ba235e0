import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	type TestDatabase
} from '../support/template';
import { DEMO_REFERENCE_DATE } from '../../src/lib/server/seed/synthesize';

describe.each(testEngines())('seeded fixture area on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('holds the fixture county with its townships, villages and the chain up to the province', async () => {
		const r = await sql<{ level: string; n: number }>`
			SELECT level, count(*)::int AS n FROM admin_units GROUP BY level`.execute(d.db);
		const by = Object.fromEntries(r.rows.map((x) => [x.level, x.n]));
		expect(by.province).toBe(1);
		expect(by.prefecture).toBe(1);
		expect(by.county).toBe(1);
		expect(by.township).toBeGreaterThan(5);
		expect(by.village).toBeGreaterThan(100);
		const orphans = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM admin_units a
			WHERE a.level <> 'province' AND NOT EXISTS (SELECT 1 FROM admin_units p WHERE p.code = a.parent_code)`.execute(
			d.db
		);
		expect(orphans.rows[0].n).toBe(0);
	});

	it('places every village inside its county and every township polygon inside its county', async () => {
		const r = await sql<{ outside: number }>`
			SELECT count(*)::int AS outside FROM admin_units v
			JOIN admin_units c ON c.code = rpad(left(v.code, 6), 12, '0')
			WHERE v.level = 'village' AND NOT ST_Intersects(c.geom, v.center)`.execute(d.db);
		expect(r.rows[0].outside).toBe(0);
	});

	it('keeps every synthetic point inside its own unit (a village: its township)', async () => {
		// the unit whose polygon holds a point: a village has none, so its township's
		const r = await sql<{ what: string; n: number; outside: number }>`
			WITH pts AS (
				SELECT 'village' AS what, parent_code AS unit, center AS g FROM admin_units
					WHERE level = 'village'
				UNION ALL
				SELECT 'child', rpad(left(village_code, 9), 12, '0'), residence FROM children
					WHERE synthetic
				UNION ALL
				SELECT 'children_home', rpad(left(village_code, 9), 12, '0'), geom FROM children_homes
					WHERE synthetic
				UNION ALL
				SELECT 'station', admin_code, geom FROM sunshine_stations WHERE synthetic
				UNION ALL
				SELECT 'institution', CASE WHEN a.level = 'village' THEN a.parent_code ELSE a.code END,
					i.geom
				FROM institutions i JOIN admin_units a ON a.code = i.admin_code WHERE i.synthetic
			)
			SELECT what, count(*)::int AS n,
				count(*) FILTER (WHERE u.geom IS NULL OR NOT ST_Within(p.g, u.geom))::int AS outside
			FROM pts p LEFT JOIN admin_units u ON u.code = p.unit
			GROUP BY what ORDER BY what`.execute(d.db);
		const by = Object.fromEntries(r.rows.map((x) => [x.what, x]));
		for (const what of ['child', 'children_home', 'institution', 'village']) {
			expect(by[what]?.n, what).toBeGreaterThan(0);
			expect(by[what].outside, what).toBe(0);
		}
		// the fixture county has no Sunshine Station (tests/unit/synthesize.test.ts places all 60)
		expect(by.station?.outside ?? 0).toBe(0);
	});

	it('cuts waterways into inspectable segments of at most about 1 km, each with its township', async () => {
		const r = await sql<{ n: number; max_m: number; bad_code: number }>`
			SELECT count(*)::int AS n, max(length_m) AS max_m,
				count(*) FILTER (WHERE township_code NOT LIKE ${FIXTURE_AREA + '%'} OR left(township_code, 6) <> left(county_code, 6))::int AS bad_code
			FROM waterways`.execute(d.db);
		expect(r.rows[0].n).toBeGreaterThan(100);
		expect(r.rows[0].max_m).toBeLessThanOrEqual(1010);
		expect(r.rows[0].bad_code).toBe(0);
		const kinds = await sql<{ kind: string }>`SELECT DISTINCT kind FROM waterways`.execute(d.db);
		expect(kinds.rows.map((k) => k.kind)).toEqual(expect.arrayContaining(['river', 'pond']));
	});

	it('gives every segment the four item slots and the optional barrier', async () => {
		const r = await sql<{ bad: number }>`
			SELECT count(*)::int AS bad FROM waterways w
			WHERE (SELECT count(*) FROM safety_equipment e WHERE e.waterway_id = w.id) <> 5`.execute(d.db);
		expect(r.rows[0].bad).toBe(0);
	});

	it('keeps child categories within the age limits of the plan', async () => {
		const r = await sql<{ bad_lb: number; bad_df: number; n: number }>`
			SELECT count(*)::int AS n,
				count(*) FILTER (WHERE categories && ARRAY['left_behind_rural','left_behind_urban']
					AND age(${DEMO_REFERENCE_DATE.toISOString().slice(0, 10)}::date, birth_date) >= interval '16 years')::int AS bad_lb,
				count(*) FILTER (WHERE age(${DEMO_REFERENCE_DATE.toISOString().slice(0, 10)}::date, birth_date) >= interval '18 years')::int AS bad_df
			FROM children`.execute(d.db);
		expect(r.rows[0].n).toBeGreaterThan(500);
		expect(r.rows[0].bad_lb).toBe(0);
		expect(r.rows[0].bad_df).toBe(0);
	});

	it('aggregates children consistently at every administrative level and grid level', async () => {
		const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM children`.execute(d.db);
		const n = total.rows[0].n;
		const prov = await sql<{
			total: number;
		}>`SELECT total FROM child_counts WHERE code = '420000000000'`.execute(d.db);
		expect(prov.rows[0].total).toBe(n);
		const villages = await sql<{ s: number }>`
			SELECT sum(c.total)::int AS s FROM child_counts c JOIN admin_units a USING (code) WHERE a.level = 'village'`.execute(
			d.db
		);
		expect(villages.rows[0].s).toBe(n);
		const perVillage = await sql<{ bad: number }>`
			SELECT count(*)::int AS bad FROM child_counts c JOIN admin_units a USING (code)
			WHERE a.level = 'village'
				AND c.total <> (SELECT count(*) FROM children ch WHERE ch.village_code = c.code)`.execute(d.db);
		expect(perVillage.rows[0].bad).toBe(0);
		const levels = await sql<{ level: number; s: number }>`
			SELECT level, sum(total)::int AS s FROM child_cells GROUP BY level ORDER BY level`.execute(d.db);
		expect(levels.rows.length).toBe(11);
		for (const l of levels.rows) expect(l.s).toBe(n);
	});

	it('makes some children’s homes smaller than 30 m² for the rule to catch', async () => {
		const r = await sql<{ small: number; n: number }>`
			SELECT count(*)::int AS n, count(*) FILTER (WHERE area_m2 < 30)::int AS small FROM children_homes`.execute(
			d.db
		);
		expect(r.rows[0].n).toBeGreaterThan(50);
		expect(r.rows[0].small).toBeGreaterThan(0);
	});
});
