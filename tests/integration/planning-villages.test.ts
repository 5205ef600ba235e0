// Coverage by village and township, by category, on both engines: every village's covered flags,
// counts, homes, directors and the extra-director flag, and every township's sums, equal an
// independent PostGIS computation (ST_DWithin on geography from the village centre to usable
// homes and Sunshine Stations, released counts from child_counts).
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testEngines, FIXTURE_AREA, principalOf } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { villagesByPostgis } from '../support/planning-reference';
import { villageCoverage } from '../../src/lib/server/services/planning';
import { Forbidden } from '../../src/lib/server/errors';

describe.each(testEngines())('coverage by village on %s', (engine) => {
	const held = useTestDatabase(engine);

	it('villages and townships equal PostGIS on the released counts', async () => {
		const who = await principalOf(held.d.db, 'planner');
		const got = await villageCoverage(held.d.db, who);
		const want = await villagesByPostgis(held.d.db);
		expect(got.villages.map((v) => v.code)).toEqual(want.map((w) => w.code));
		for (const [i, v] of got.villages.entries()) {
			const w = want[i];
			expect(v.township).toBe(w.township);
			expect(v.counts).toEqual({ total: w.total, leftBehind: w.lb, inDifficulty: w.dif });
			expect(v.covered).toEqual([w.c500, w.c1000, w.c2000]);
			expect(v.homes).toBe(w.homes);
			expect(v.directors.join('、')).toBe(w.directors ?? '');
			expect(v.needsExtraDirector).toBe(w.lb + w.dif > 30);
		}
		// it looked at real variety: some covered and some not, a flagged village, a known director
		expect(got.villages.filter((v) => v.covered[1]).length).toBeGreaterThan(0);
		expect(got.villages.filter((v) => !v.covered[1]).length).toBeGreaterThan(0);
		expect(got.villages.some((v) => v.directors.length > 0)).toBe(true);
		expect(got.villages.some((v) => v.homes === 0)).toBe(true);

		// townships: sums of their villages' released counts, covered ones at each reach
		const t = await sql<{
			township: string;
			total: number;
			lb: number;
			c1000_total: number;
			c2000_dif: number;
		}>`
			WITH sites AS (
				SELECT geom::geography AS g FROM children_homes WHERE status = 'open' AND area_m2 >= 30
				UNION ALL SELECT geom::geography FROM sunshine_stations),
			v AS (
				SELECT v.parent_code AS township, coalesce(c.total_released, 0) AS total,
					coalesce(c.left_behind_released, 0) AS lb, coalesce(c.in_difficulty_released, 0) AS dif,
					EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 1000, false)) AS c1000,
					EXISTS (SELECT 1 FROM sites WHERE ST_DWithin(v.center::geography, sites.g, 2000, false)) AS c2000
				FROM admin_units v LEFT JOIN child_counts c ON c.code = v.code
				WHERE v.level = 'village' AND v.code LIKE ${FIXTURE_AREA + '%'})
			SELECT township, sum(total)::int AS total, sum(lb)::int AS lb,
				sum(CASE WHEN c1000 THEN total ELSE 0 END)::int AS c1000_total,
				sum(CASE WHEN c2000 THEN dif ELSE 0 END)::int AS c2000_dif
			FROM v GROUP BY township ORDER BY township`.execute(held.d.db);
		expect(got.townships.map((x) => x.code).sort()).toEqual(t.rows.map((r) => r.township));
		for (const r of t.rows) {
			const x = got.townships.find((y) => y.code === r.township)!;
			expect(x.all.total).toBe(r.total);
			expect(x.all.leftBehind).toBe(r.lb);
			expect(x.covered[1].total).toBe(r.c1000_total);
			expect(x.covered[2].inDifficulty).toBe(r.c2000_dif);
		}
		const sum = (f: (r: (typeof t.rows)[number]) => number) => t.rows.reduce((a, r) => a + f(r), 0);
		expect(got.jurisdiction.all.total).toBe(sum((r) => r.total));
		expect(got.jurisdiction.covered[1].total).toBe(sum((r) => r.c1000_total));
		console.log(
			`[planning-villages] ${engine}: ${got.villages.length} villages, ${got.townships.length} townships; ` +
				`within 1 km ${got.jurisdiction.covered[1].total} of ${got.jurisdiction.all.total}; ` +
				`flagged for an extra director ${got.villages.filter((v) => v.needsExtraDirector).length}`
		);
	});

	it('is for planners and administrators only', async () => {
		const chief = await principalOf(held.d.db, 'river.chief');
		await expect(villageCoverage(held.d.db, chief)).rejects.toBeInstanceOf(Forbidden);
	});
});
