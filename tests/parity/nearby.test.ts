// Turf in the browser and PostGIS on the server must name the same segments near a point,
// with distances within 1 m.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	type TestDatabase
} from '../support/template';
import { linesNear } from '../../src/lib/geo/proximity';
import { segmentGeometries, waterwaysNear } from '../../src/lib/server/repositories/waterways';

describe.each(testEngines())('segments near a point: Turf vs PostGIS on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('agrees on ids and distances within 1 m for village centres across the fixture', async () => {
		const probes = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units
			WHERE level = 'village' ORDER BY code LIMIT 25`.execute(d.db);
		const all = await sql<{ id: number }>`SELECT id FROM waterways`.execute(d.db);
		const lines = await segmentGeometries(
			d.db,
			all.rows.map((r) => r.id)
		);
		let compared = 0;
		for (const p of probes.rows) {
			const server = await waterwaysNear(d.db, FIXTURE_AREA, p.lon, p.lat, 500);
			const browser = linesNear([p.lon, p.lat], lines, 500);
			// a segment right at the 500 m edge may fall either side by millimetres: compare the
			// sets away from the edge, and every common distance
			const core = (xs: typeof server) =>
				xs
					.filter((x) => x.distanceMeters < 499)
					.map((x) => x.id)
					.sort();
			expect(core(browser)).toEqual(core(server));
			const byId = new Map(browser.map((b) => [b.id, b.distanceMeters]));
			for (const s of server) {
				const b = byId.get(s.id);
				if (b === undefined) continue;
				expect(Math.abs(b - s.distanceMeters)).toBeLessThan(1);
				compared++;
			}
		}
		expect(compared).toBeGreaterThan(10);
	});
});
