// The in-memory analyses (worker thread) must give exactly the answers of the plain PostGIS
// queries an analyst would write (geography, use_spheroid = false), on both engines: the same
// residence ids, the same per-segment counts, nearest distances within a millimetre.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	ROOT,
	type TestDatabase
} from '../support/template';
import { createAnalysis, type Analysis } from '../../src/lib/server/analysis';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import { SNAPSHOT_READ } from '../../src/lib/server/repositories/analysis-snapshot';
import {
	ensureGeographyIndexes,
	plainExposureIds,
	plainNearest,
	plainPerSegment,
	plainUncoveredIds
} from '../support/analysis-reference';

const { sliceRows } = SNAPSHOT_READ;
const sorted = (xs: ArrayLike<number>) => Array.from(xs).sort((a, b) => a - b);

describe.each(testEngines())('province analyses: in memory vs plain PostGIS on %s', (engine) => {
	let d: TestDatabase;
	let analysis: Analysis;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		await ensureGeographyIndexes(d.db);
		// the residences read in many short slices (a few hundred children each), as a province's
		// are: the answers must not depend on where the slices fall
		SNAPSHOT_READ.sliceRows = 300;
		analysis = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 0 });
	});
	afterAll(async () => {
		SNAPSHOT_READ.sliceRows = sliceRows;
		await analysis?.close();
		await d?.close();
	});

	it('exposure to incomplete segments within 500 m: the same residences', async () => {
		const app = await analysis.exposureIncomplete(FIXTURE_AREA);
		const plain = await plainExposureIds(d.db, FIXTURE_AREA);
		expect(app.residences).toBeGreaterThan(1000);
		// a fixture where nobody or everybody is exposed would prove nothing
		expect(plain.length).toBeGreaterThan(50);
		expect(plain.length).toBeLessThan(app.residences);
		expect(sorted(app.ids)).toEqual(plain);
	});

	it('residences within 500 m of each segment: the same count for every segment', async () => {
		const app = await analysis.perSegment(FIXTURE_AREA);
		const plain = await plainPerSegment(d.db, FIXTURE_AREA);
		expect(plain.filter((p) => p.n > 0).length).toBeGreaterThan(20);
		const appRows = Array.from(app.segmentIds, (id, i) => ({ id, n: app.counts[i] })).sort(
			(a, b) => a.id - b.id
		);
		expect(appRows).toEqual(plain);
	});

	it('residences farther than 1 km from any usable home or station: the same residences', async () => {
		const app = await analysis.uncovered(FIXTURE_AREA);
		const plain = await plainUncoveredIds(d.db, FIXTURE_AREA);
		expect(plain.length).toBeGreaterThan(10);
		expect(plain.length).toBeLessThan(app.residences);
		expect(sorted(app.ids)).toEqual(plain);
	});

	it('nearest segment of every residence: the same distance within 1 mm', async () => {
		const app = await analysis.nearestSegment(FIXTURE_AREA);
		const plain = await plainNearest(d.db, FIXTURE_AREA);
		expect(app.ids.length).toBe(plain.length);
		const byId = new Map(plain.map((p) => [p.id, p]));
		let sameSegment = 0;
		for (let i = 0; i < app.ids.length; i++) {
			const p = byId.get(app.ids[i]);
			expect(p).toBeDefined();
			expect(Math.abs(app.distances[i] - p!.d)).toBeLessThan(1e-3);
			if (app.segmentIds[i] === p!.segmentId) sameSegment++;
		}
		// two segments at the same distance (a shared vertex) may be named either way
		expect(sameSegment / plain.length).toBeGreaterThan(0.95);
	});

	it('scopes residences by jurisdiction prefix', async () => {
		const township = await sql<{ code: string }>`
			SELECT substr(village_code, 1, 9) AS code FROM children
			GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`.execute(d.db);
		const prefix = township.rows[0].code;
		const app = await analysis.exposureIncomplete(prefix);
		const plain = await plainExposureIds(d.db, prefix);
		expect(sorted(app.ids)).toEqual(plain);
		const all = await analysis.exposureIncomplete(FIXTURE_AREA);
		expect(app.count).toBeLessThan(all.count);
		const uncovered = await analysis.uncovered(prefix);
		expect(sorted(uncovered.ids)).toEqual(await plainUncoveredIds(d.db, prefix));
	});

	it('follows the data: completing the four items of segments changes the answer', async () => {
		const before = await analysis.exposureIncomplete(FIXTURE_AREA);
		// incomplete segments with residences nearby
		const per = await plainPerSegment(d.db, FIXTURE_AREA);
		const target = await sql<{ id: number }>`
			SELECT w.id FROM waterways w
			WHERE (SELECT count(*) FROM safety_equipment se WHERE se.waterway_id = w.id
				AND se.status = 'present' AND se.item <> 'barrier') < 4
				AND w.id = ANY(${per.filter((p) => p.n > 0).map((p) => p.id)}::bigint[])
			ORDER BY w.id LIMIT 40`.execute(d.db);
		await sql`
			UPDATE safety_equipment SET status = 'present', checked_at = now()
			WHERE waterway_id = ANY(${target.rows.map((r) => r.id)}::bigint[])`.execute(d.db);
		const after = await analysis.exposureIncomplete(FIXTURE_AREA);
		expect(after.count).toBeLessThan(before.count);
		expect(sorted(after.ids)).toEqual(await plainExposureIds(d.db, FIXTURE_AREA));
	});

	it('after a check, reads again only the segments’ flags; after a child moves, the residences too', async () => {
		const engine2 = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 0 });
		try {
			await engine2.refresh();
			expect(engine2.lastLoad!.kept).toEqual([]);
			// a four-item check: only the item states change
			const seg = await sql<{ id: number }>`
				SELECT waterway_id AS id FROM safety_equipment
				WHERE item = 'buoy' AND status = 'present' ORDER BY waterway_id LIMIT 3`.execute(d.db);
			await sql`UPDATE safety_equipment SET status = 'missing', checked_at = now()
				WHERE waterway_id = ANY(${seg.rows.map((r) => r.id)}::bigint[]) AND item = 'buoy'`.execute(d.db);
			const afterCheck = await engine2.exposureIncomplete(FIXTURE_AREA);
			expect(engine2.lastLoad!.kept.sort()).toEqual([
				'facilities',
				'residences',
				'rulePoints',
				'segments'
			]);
			expect(sorted(afterCheck.ids)).toEqual(await plainExposureIds(d.db, FIXTURE_AREA));
			expect(sorted((await engine2.nearestSegment(FIXTURE_AREA)).ids)).toEqual(
				sorted((await plainNearest(d.db, FIXTURE_AREA)).map((r) => r.id))
			);

			// a child moves next to an incomplete segment: noted, the residences are read again
			// (and nothing else) and the answer follows; applied, nothing of the snapshot changed,
			// so nothing is read again
			const incomplete = await sql<{ lon: number; lat: number }>`
				SELECT ST_X(ST_StartPoint(w.geom)) AS lon, ST_Y(ST_StartPoint(w.geom)) AS lat
				FROM waterways w WHERE w.id = ${seg.rows[0].id}`.execute(d.db);
			const far = await sql<{ id: number }>`
				SELECT id FROM children WHERE NOT (id = ANY(${Array.from(afterCheck.ids)}::bigint[]))
				ORDER BY id LIMIT 1`.execute(d.db);
			const { lon, lat } = incomplete.rows[0];
			await sql`UPDATE children SET residence = ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)
				WHERE id = ${far.rows[0].id}`.execute(d.db);
			const moved = await engine2.exposureIncomplete(FIXTURE_AREA);
			expect(engine2.lastLoad!.kept.sort()).toEqual([
				'facilities',
				'flags',
				'rulePoints',
				'segments'
			]);
			expect(Array.from(moved.ids)).toContain(far.rows[0].id);
			expect(sorted(moved.ids)).toEqual(await plainExposureIds(d.db, FIXTURE_AREA));
			const v = engine2.loadedVersion();
			expect(await applyDataChanges(d.db)).not.toBeNull();
			const applied = await engine2.exposureIncomplete(FIXTURE_AREA);
			// the data version moved (a reload), but every part was kept: the question did not even
			// wait for the reload to end
			await engine2.settled();
			expect(engine2.loadedVersion()).not.toBe(v);
			expect(engine2.lastLoad!.kept.sort()).toEqual([
				'facilities',
				'flags',
				'residences',
				'rulePoints',
				'segments'
			]);
			expect(sorted(applied.ids)).toEqual(sorted(moved.ids));

			// a home's floor area drops (counted by 0028), another closes: the facilities are read
			// again, the residences, segments and flags kept, and the uncovered follow
			const homes = await sql<{ id: number }>`
				SELECT id FROM children_homes WHERE status = 'open' AND area_m2 >= 30
				ORDER BY id LIMIT 2`.execute(d.db);
			await sql`UPDATE children_homes SET area_m2 = 10 WHERE id = ${homes.rows[0].id}`.execute(
				d.db
			);
			const smaller = await engine2.uncovered(FIXTURE_AREA);
			expect(engine2.lastLoad!.kept).toEqual(
				expect.arrayContaining(['flags', 'residences', 'segments'])
			);
			expect(engine2.lastLoad!.kept).not.toContain('facilities');
			expect(sorted(smaller.ids)).toEqual(await plainUncoveredIds(d.db, FIXTURE_AREA));
			await sql`UPDATE children_homes SET status = 'closed' WHERE id = ${homes.rows[1].id}`.execute(
				d.db
			);
			const closed = await engine2.uncovered(FIXTURE_AREA);
			expect(engine2.lastLoad!.kept).toContain('residences');
			expect(engine2.lastLoad!.kept).not.toContain('facilities');
			expect(sorted(closed.ids)).toEqual(await plainUncoveredIds(d.db, FIXTURE_AREA));
		} finally {
			await engine2.close();
		}
	});

	it('while the residences are read again, a question about the segments alone is answered from the snapshot held', async () => {
		const engine2 = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 0 });
		try {
			await engine2.refresh();
			const points = await sql<{ lon: number; lat: number }>`
				SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children
				ORDER BY id LIMIT 50`.execute(d.db);
			const asked = {
				lon: points.rows.map((p) => Number(p.lon)),
				lat: points.rows.map((p) => Number(p.lat))
			};
			const before = await engine2.nearestSegmentTo(asked);
			// a child moves: the residences are read again
			await sql`UPDATE children SET residence = ST_Translate(residence, 0.001, 0)
				WHERE id = (SELECT min(id) FROM children)`.execute(d.db);
			const order: string[] = [];
			const reload = engine2.refreshNow().then(() => order.push('reloaded'));
			const during = engine2.nearestSegmentTo(asked).then((r) => {
				order.push('answered');
				return r;
			});
			const [, answer] = await Promise.all([reload, during]);
			expect(order).toEqual(['answered', 'reloaded']);
			expect(engine2.lastLoad!.kept).not.toContain('residences');
			expect(engine2.lastLoad!.kept).toContain('segments');
			expect(Array.from(answer.distances)).toEqual(Array.from(before.distances));
			expect(Array.from(answer.segmentIds)).toEqual(Array.from(before.segmentIds));
			// a question that reads the residences waits for them: it counts the moved child
			const order2: string[] = [];
			await sql`UPDATE children SET residence = ST_Translate(residence, -0.001, 0)
				WHERE id = (SELECT min(id) FROM children)`.execute(d.db);
			const reload2 = engine2.refreshNow().then(() => order2.push('reloaded'));
			const exposure = engine2.exposureIncomplete(FIXTURE_AREA).then((r) => {
				order2.push('answered');
				return r;
			});
			const [, e] = await Promise.all([reload2, exposure]);
			expect(order2).toEqual(['reloaded', 'answered']);
			expect(sorted(e.ids)).toEqual(await plainExposureIds(d.db, FIXTURE_AREA));
		} finally {
			await engine2.close();
		}
	});

	it('after a change, refreshNow brings a used snapshot up to date and leaves an unused one unloaded', async () => {
		const unused = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 60_000 });
		const used = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 60_000 });
		try {
			await unused.refreshNow();
			expect(unused.lastLoad).toBeUndefined();
			await used.refresh();
			const v1 = used.loadedVersion();
			expect(v1).toBeDefined();
			const seg = await sql<{ id: number }>`
				SELECT waterway_id AS id FROM safety_equipment
				WHERE item = 'sign' AND status = 'present' ORDER BY waterway_id LIMIT 1`.execute(d.db);
			await sql`UPDATE safety_equipment SET status = 'missing', checked_at = now()
				WHERE waterway_id = ${seg.rows[0].id} AND item = 'sign'`.execute(d.db);
			// not yet due (every 60 s): refresh() alone keeps the old snapshot; refreshNow checks
			await used.refresh();
			expect(used.loadedVersion()).toBe(v1);
			await used.refreshNow();
			expect(used.loadedVersion()).toBeDefined();
			expect(used.loadedVersion()).not.toBe(v1);
		} finally {
			await unused.close();
			await used.close();
		}
	});
	it('a nearest-water question asked as just checked reads nothing, even with a check due', async () => {
		// a launch asks it while its transaction holds the database (the embedded engine's one
		// session): a version check there would wait on that transaction
		let reads = 0;
		const counted = d.db.withPlugin({
			transformQuery: (a) => {
				reads++;
				return a.node;
			},
			transformResult: async (a) => a.result
		});
		const engine2 = createAnalysis(counted, { projectRoot: ROOT, checkEveryMs: 0 });
		try {
			await engine2.refresh();
			const r = await sql<{ lon: number; lat: number }>`
				SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children
				ORDER BY id LIMIT 20`.execute(d.db);
			const at = { lon: r.rows.map((x) => x.lon), lat: r.rows.map((x) => x.lat) };
			reads = 0;
			const checked = await engine2.nearestSegmentTo(at, { checked: true });
			expect(reads).toBe(0);
			// asked plainly, the same question checks the data's version first (due every time here)
			const plain = await engine2.nearestSegmentTo(at);
			expect(reads).toBeGreaterThan(0);
			expect(Array.from(checked.segmentIds)).toEqual(Array.from(plain.segmentIds));
			expect(Array.from(checked.distances)).toEqual(Array.from(plain.distances));
			expect(checked.segmentIds.length).toBe(20);
		} finally {
			await engine2.close();
		}
	});
});
