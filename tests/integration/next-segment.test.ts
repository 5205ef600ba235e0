// "Next segment" after a check: the nearest segment still lacking items, in great-circle metres
// from the one just checked — a river chief's own, anyone else's in their area — never the one
// just checked nor one waiting in the phone's outbox; a segment made complete drops out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, principalOf, type TestDatabase } from '../support/template';
import { nearestIncompleteSegments } from '../../src/lib/server/repositories/next-segment';
import { nextSegments } from '../../src/lib/server/services/next-segment';

describe.each(testEngines())('next segment on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	/** Every segment of the area that needs items and lacks one, with its distance, by brute force. */
	async function reference(fromId: number, prefix: string, chiefId?: number) {
		const r = await sql<{ id: number; d: number }>`
			SELECT w.id::float8 AS id,
				ST_Distance(w.geom::geography, (SELECT geom FROM waterways WHERE id = ${fromId})::geography, false) AS d
			FROM waterways w
			WHERE w.id <> ${fromId} AND w.township_code LIKE ${prefix + '%'}
				AND ${chiefId === undefined ? sql`true` : sql`w.river_chief_id = ${chiefId}`}
				AND EXISTS (SELECT 1 FROM segment_requirements sr WHERE sr.waterway_id = w.id AND sr.required)
				AND (SELECT count(*) FROM safety_equipment se WHERE se.waterway_id = w.id
					AND se.status = 'present' AND se.item IN ('sign', 'buoy', 'rope', 'pole')) < 4`.execute(d.db);
		return r.rows
			.map((x) => ({ id: Number(x.id), d: Number(x.d) }))
			.sort((a, b) => a.d - b.d || a.id - b.id);
	}

	it('offers a river chief their own nearest incomplete segments, nearest first', async () => {
		const chief = await principalOf(d.db, 'river.chief');
		const own = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM waterways WHERE river_chief_id = ${chief.userId} ORDER BY id`.execute(
			d.db
		);
		expect(own.rows.length).toBeGreaterThan(2);
		const from = Number(own.rows[0].id);
		const got = await nextSegments(d.db, chief, from, 5);
		const want = await reference(from, '', chief.userId);
		expect(want.length).toBeGreaterThan(1);
		expect(got.map((s) => s.id)).toEqual(want.slice(0, 5).map((s) => s.id));
		got.forEach((s, i) => expect(s.distanceM).toBeCloseTo(want[i].d, 3));
		expect(got.map((s) => s.id)).not.toContain(from);
	});

	it('skips the segments excluded (waiting in the outbox) and drops one made complete', async () => {
		const staff = await principalOf(d.db, 'township.staff');
		const prefix = staff.jurisdiction.slice(0, 9);
		const any = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM waterways WHERE township_code LIKE ${prefix + '%'} ORDER BY id LIMIT 1`.execute(
			d.db
		);
		const from = Number(any.rows[0].id);
		const first = await nearestIncompleteSegments(d.db, {
			fromId: from,
			sitePrefix: prefix,
			limit: 3
		});
		expect(first.length).toBe(3);
		// every offer is in the area and really lacks an item
		const want = await reference(from, prefix);
		expect(first.map((s) => s.id)).toEqual(want.slice(0, 3).map((s) => s.id));
		expect(first.every((s) => s.usable < 4)).toBe(true);

		const skipped = await nearestIncompleteSegments(d.db, {
			fromId: from,
			sitePrefix: prefix,
			exclude: [first[0].id],
			limit: 3
		});
		expect(skipped[0].id).toBe(first[1].id);

		// the nearest is made complete: it is offered no more
		for (const item of ['sign', 'buoy', 'rope', 'pole'])
			await sql`INSERT INTO safety_equipment (waterway_id, item, status) VALUES (${first[0].id}, ${item}, 'present')
				ON CONFLICT (waterway_id, item) DO UPDATE SET status = 'present'`.execute(d.db);
		const after = await nextSegments(d.db, staff, from, 3);
		expect(after.map((s) => s.id)).not.toContain(first[0].id);
		expect(after[0].id).toBe(first[1].id);
	});

	it('never offers a segment outside the user’s area', async () => {
		const staff = await principalOf(d.db, 'township.staff');
		const prefix = staff.jurisdiction.slice(0, 9);
		const inside = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM waterways WHERE township_code LIKE ${prefix + '%'} ORDER BY id LIMIT 1`.execute(
			d.db
		);
		const got = await nextSegments(d.db, staff, Number(inside.rows[0].id), 50);
		const codes = await sql<{ c: string }>`
			SELECT township_code AS c FROM waterways WHERE id = ANY(${got.map((s) => s.id)}::bigint[])`.execute(
			d.db
		);
		expect(codes.rows.every((r) => r.c.startsWith(prefix))).toBe(true);
	});
});
