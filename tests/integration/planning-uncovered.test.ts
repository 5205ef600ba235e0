// Uncovered demand on the planning map, on both engines: the cells the /planning page sends are
// exactly the level-17 cells whose centre no usable home (open, ≥ 30 m²) or Sunshine Station
// reaches, found here by an independent PostGIS query on the children's residences
// (ST_DWithin on geography, on the sphere), and each carries the protected value of that cell:
// the cell-key perturbation of its true count and key sum, the very value the children tiles
// release for it. So the layer is no new figure, and no count leaves unprotected.
import { describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { testEngines, FIXTURE_AREA, principalOf } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { load } from '../../src/routes/(app)/planning/+page.server';
import { releasedCellsFor } from '../../src/lib/server/tiles/children-cells';
import { releaseCount, KEY_MODULUS } from '../../src/lib/domain/disclosure';
import { DEMAND_LEVEL, REACHES, type UncoveredCell } from '../../src/lib/domain/planning';
import { tileOf } from '../../src/lib/geo/tiles';
import { fakeEvent } from '../support/auditor/collect';

vi.mock('$lib/server/db', () => import('../support/app-database'));

interface Row {
	x: number;
	y: number;
	n: number;
	key: number;
	c500: boolean;
	c1000: boolean;
	c2000: boolean;
}

describe.each(testEngines())('uncovered demand on %s', (engine) => {
	const held = useTestDatabase(engine);

	it('sends the released cells no usable site reaches, as PostGIS finds them on the residences', async () => {
		const who = await principalOf(held.d.db, 'planner');
		const data = (await load(fakeEvent(who, '/planning'))) as unknown as {
			uncovered: UncoveredCell[];
			cells: { lon: number; lat: number; n: number }[];
			coverage: { reach: number; covered: number }[];
		};
		const z = 2 ** DEMAND_LEVEL;
		const q = await sql<Row>`
			WITH c AS (
				SELECT floor((ST_X(residence) + 180.0) / 360.0 * ${z})::int AS x,
					floor((1.0 - ln(tan(radians(ST_Y(residence))) + 1.0 / cos(radians(ST_Y(residence)))) / pi())
						/ 2.0 * ${z})::int AS y,
					count(*)::int AS n, (sum(record_key) % ${KEY_MODULUS})::float8 AS key
				FROM children WHERE village_code LIKE ${FIXTURE_AREA + '%'} GROUP BY 1, 2),
			centres AS (
				SELECT x, y, n, key, ST_SetSRID(ST_MakePoint((x + 0.5) / ${z} * 360.0 - 180.0,
					degrees(atan(sinh(pi() * (1.0 - 2.0 * (y + 0.5) / ${z}))))), 4326)::geography AS g
				FROM c),
			sites AS (
				SELECT geom::geography AS g FROM children_homes WHERE status = 'open' AND area_m2 >= 30
				UNION ALL SELECT geom::geography FROM sunshine_stations)
			SELECT x, y, n, key,
				EXISTS (SELECT 1 FROM sites s WHERE ST_DWithin(centres.g, s.g, 500, false)) AS c500,
				EXISTS (SELECT 1 FROM sites s WHERE ST_DWithin(centres.g, s.g, 1000, false)) AS c1000,
				EXISTS (SELECT 1 FROM sites s WHERE ST_DWithin(centres.g, s.g, 2000, false)) AS c2000
			FROM centres`.execute(held.d.db);
		const covered = (r: Row) => [r.c500, r.c1000, r.c2000];
		const tiles = await releasedCellsFor(held.d.db, FIXTURE_AREA);
		const sent = data.uncovered.map((c) => {
			const { x, y } = tileOf(c.lon, c.lat, DEMAND_LEVEL);
			return { id: `${x}/${y}`, n: c.n, from: c.from };
		});
		expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);

		let small = 0;
		REACHES.forEach((reach, i) => {
			// PostGIS: every cell with a child whose centre no site reaches, at its protected value
			const want = q.rows
				.filter((r) => !covered(r)[i])
				.map((r) => `${r.x}/${r.y}:${releaseCount(r.n, r.key)}`)
				.sort();
			const got = sent
				.filter((s) => s.from > i)
				.map((s) => `${s.id}:${s.n}`)
				.sort();
			expect(got, `${engine} at ${reach} m`).toEqual(want);
			expect(got.length, `${reach} m`).toBeGreaterThan(10);
			// the uncovered children are the children the page does not count as covered
			const uncoveredSum = sent.filter((s) => s.from > i).reduce((a, s) => a + s.n, 0);
			const all = data.cells.reduce((a, c) => a + c.n, 0);
			expect(uncoveredSum).toBe(all - data.coverage[i].covered);
		});
		for (const s of sent) {
			// the first reach that covers it, as PostGIS says
			const [x, y] = s.id.split('/').map(Number);
			const r = q.rows.find((row) => row.x === x && row.y === y)!;
			const first = covered(r).indexOf(true);
			expect(s.from).toBe(first < 0 ? REACHES.length : first);
			// the very value the children tiles release for this cell: no new figure, none exact
			expect(s.n).toBe(tiles.get(`17/${s.id}`));
			expect(s.n).toBeGreaterThanOrEqual(1);
			if (r.n <= 4) small++;
		}
		// small true counts are among them, and leave only as their protected values
		expect(small).toBeGreaterThan(0);
		const differ = sent.filter((s) => {
			const [x, y] = s.id.split('/').map(Number);
			return q.rows.find((row) => row.x === x && row.y === y)!.n !== s.n;
		}).length;
		expect(differ).toBeGreaterThan(0);
		// cells covered at the smallest reach are not sent at all
		expect(sent.every((s) => s.from >= 1)).toBe(true);
	}, 300_000);
});
