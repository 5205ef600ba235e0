// Children near each segment, released: the analysis engine's pass (a province's list) and
// PostGIS (a few segments) count the same children and sum the same keys, so every segment gets
// the same released number either way, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import {
	forgetReleasedChildrenNear,
	NEAR_PER_STATEMENT,
	releasedChildrenNear
} from '../../src/lib/server/services/released-counts';
import { closeAnalysis } from '../../src/lib/server/services/exposure';
import { MAX_DEVIATION } from '../../src/lib/domain/disclosure';

describe.each(testEngines())('released children near segments on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		forgetReleasedChildrenNear();
		await closeAnalysis();
		await d?.close();
	});

	it('gives every segment the same released count from the engine as from PostGIS', async () => {
		const r = await sql<{ id: number; n: number }>`
			SELECT waterway_id::float8 AS id, children_within AS n FROM segment_requirements`.execute(d.db);
		const segments = r.rows.map((x) => ({ id: Number(x.id), countedByRule: x.n }));
		expect(segments.filter((s) => s.countedByRule > 0).length).toBeGreaterThan(100);
		forgetReleasedChildrenNear();
		const byPostgis = await releasedChildrenNear(d.db, segments, 500, Infinity);
		forgetReleasedChildrenNear();
		const byEngine = await releasedChildrenNear(d.db, segments, 500, 0);
		expect(byEngine).toEqual(byPostgis);
		// counted a few segments per statement: the same figures, and a colleague's queries are
		// answered between the statements (the embedded engine answers one at a time)
		const saved = { ...NEAR_PER_STATEMENT };
		NEAR_PER_STATEMENT.singleSession = NEAR_PER_STATEMENT.server = 20;
		try {
			forgetReleasedChildrenNear();
			let done = false;
			const counting = releasedChildrenNear(d.db, segments, 500, Infinity).finally(
				() => (done = true)
			);
			let answered = 0;
			while (!done) {
				await sql`SELECT 1`.execute(d.db);
				if (!done) answered++;
			}
			expect(await counting).toEqual(byPostgis);
			expect(answered).toBeGreaterThan(2);
		} finally {
			Object.assign(NEAR_PER_STATEMENT, saved);
		}
		for (const s of segments) {
			const v = byEngine.get(s.id)!;
			if (s.countedByRule === 0) expect(v).toBe(0);
			else expect(Math.abs(v - s.countedByRule)).toBeLessThanOrEqual(MAX_DEVIATION);
		}
	});
});
