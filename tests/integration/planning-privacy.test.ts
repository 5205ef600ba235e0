// The attacker of the planning page. A planner places one site and moves it 10 m at a time past
// a child's home, asking for the what-if answer at every step, and differences the answers: the
// attack that traced a child's 500 m edge when gains were exact counts (0 vs ≥ 1).
//
// It learns nothing the map does not show:
// - every answer is the sum of the released finest cells whose centres lie within the reach
//   (recomputed here from the map's released cells), so every difference is a sum of released
//   cell values;
// - two worlds that differ only in where the child lives inside its cell give the very same
//   answers at every step, while the exact gain an earlier design released tells them apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	principalOf,
	type TestDatabase
} from '../support/template';
import { closeAnalysis } from '../../src/lib/server/services/exposure';
import { evaluateSites, planningBase } from '../../src/lib/server/services/planning';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import { releasedCellsFor } from '../../src/lib/server/tiles/children-cells';
import { haversineMeters } from '../../src/lib/geo/distance';
import { lonToTileX, tileXToLon, tileYToLat } from '../../src/lib/geo/tiles';

const R = 500;
const STEP_M = 10;
/** how far the second world moves the child, east, inside its own cell */
const SHIFT_M = 60;

describe.each(testEngines())('the planning attacker on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	it('moving a site past a child and differencing the answers reveals nothing below the released cells', async () => {
		const db = d.db;
		const who = await principalOf(db, 'planner');
		const mPerDegLon = (lat: number) => haversineMeters([0, lat], [1, lat]);
		// a child no existing site covers, whose home can move SHIFT_M east inside its level-17 cell
		const kids = await sql<{ id: number; lon: number; lat: number }>`
			SELECT c.id, ST_X(c.residence) AS lon, ST_Y(c.residence) AS lat FROM children c
			WHERE c.village_code LIKE ${FIXTURE_AREA + '%'}
			AND NOT EXISTS (SELECT 1 FROM children_homes h WHERE h.status = 'open' AND h.area_m2 >= 30
				AND ST_DWithin(h.geom::geography, c.residence::geography, 1500, false))
			AND NOT EXISTS (SELECT 1 FROM sunshine_stations s
				WHERE ST_DWithin(s.geom::geography, c.residence::geography, 1500, false))
			ORDER BY c.id`.execute(db);
		const child = kids.rows.find((k) => {
			const fx = lonToTileX(k.lon, 17) % 1;
			const shift = SHIFT_M / mPerDegLon(k.lat) / (360 / 2 ** 17);
			return fx > 0.05 && fx + shift < 0.95;
		});
		expect(child, 'a child to attack').toBeDefined();
		const c = child!;
		const dLon = (m: number) => m / mPerDegLon(c.lat);
		// the site walks east from 620 m west of the home to 380 m west of it
		const steps = Array.from(
			{ length: 25 },
			(_, i) => [c.lon - dLon(620 - i * STEP_M), c.lat] as const
		);

		/** what the attacker sees at every step, and what an exact-gain design would have shown */
		async function sweep() {
			const answers: number[] = [];
			const exact: number[] = [];
			for (const s of steps) {
				answers.push((await evaluateSites(db, who, R, [s])).total);
				const q = await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children k WHERE k.village_code LIKE ${FIXTURE_AREA + '%'}
					AND ST_DWithin(k.residence::geography, ST_SetSRID(ST_MakePoint(${s[0]}, ${s[1]}), 4326)::geography, ${R}, false)
					AND NOT EXISTS (SELECT 1 FROM children_homes h WHERE h.status = 'open' AND h.area_m2 >= 30
						AND ST_DWithin(h.geom::geography, k.residence::geography, ${R}, false))
					AND NOT EXISTS (SELECT 1 FROM sunshine_stations t
						WHERE ST_DWithin(t.geom::geography, k.residence::geography, ${R}, false))`.execute(db);
				exact.push(q.rows[0].n);
			}
			return { answers, exact };
		}

		// every answer is a function of the map's released cells alone
		const base = await planningBase(db, who);
		const released = await releasedCellsFor(db, FIXTURE_AREA);
		const cells = [...released]
			.filter(([id, n]) => id.startsWith('17/') && n > 0)
			.map(([id, n]) => {
				const [, x, y] = id.split('/').map(Number);
				return { lon: tileXToLon(x + 0.5, 17), lat: tileYToLat(y + 0.5, 17), n };
			});
		const fromReleased = (s: readonly [number, number]) =>
			cells
				.filter((cell) =>
					[...base.fixed.map((f) => [f.lon, f.lat] as const), s].some(
						(p) => haversineMeters([p[0], p[1]], [cell.lon, cell.lat]) <= R
					)
				)
				.reduce((a, cell) => a + cell.n, 0);

		const a = await sweep();
		expect(a.answers).toEqual(steps.map(fromReleased));

		// the second world: the same child a little further east, in the same cell
		await sql`UPDATE children SET residence = ST_SetSRID(ST_MakePoint(${c.lon + dLon(SHIFT_M)}, ${c.lat}), 4326)
			WHERE id = ${c.id}`.execute(db);
		await applyDataChanges(db);
		const b = await sweep();

		// an exact-gain design tells the two worlds apart: at some step the child's 500 m edge shows
		expect(a.exact).not.toEqual(b.exact);
		// the released design does not: every answer is the same
		expect(b.answers).toEqual(a.answers);
		console.log(
			`[planning-privacy] ${engine}: ${steps.length} steps; exact gains differ at ` +
				`${a.exact.filter((x, i) => x !== b.exact[i]).length} steps, released answers at none`
		);
	});
});
