// The derived data after a large change (a roster imported) is applied without holding other
// users: on the embedded engine it is worked out in short slices with their queries between
// them, and put in place in one short transaction. Whatever a colleague reads meanwhile is the
// released figures of one state, before or after, never half of each; a change noted while the
// slices are worked out is not lost; and the result is what a full recompute gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import type { DB } from '../../src/lib/server/db/schema';
import { APPLY_SLICES, applyDataChanges } from '../../src/lib/server/services/derived-data';
import { runRuleFromDatabase } from '../../src/lib/server/services/segment-rule';
import { refreshChildAggregates } from '../../src/lib/server/repositories/children';

/** Everything a colleague's page may show of the children: released counts and the rule's. */
async function released(db: Kysely<DB>): Promise<string> {
	const r = await sql<{ c: string }>`
		SELECT (SELECT string_agg(concat_ws(':', code, total_released, left_behind_released,
				in_difficulty_released), ',' ORDER BY code) FROM child_counts)
			|| '/' || (SELECT string_agg(concat_ws(':', level, x, y, township_code, total), ','
				ORDER BY level, x, y, township_code) FROM child_cells)
			|| '/' || (SELECT string_agg(concat_ws(':', waterway_id, children_within, required), ','
				ORDER BY waterway_id) FROM segment_requirements) AS c`.execute(db);
	return r.rows[0].c;
}

const pending = async (db: Kysely<DB>) =>
	(await sql<{ n: number }>`SELECT count(*)::int AS n FROM data_changes`.execute(db)).rows[0].n;

/** `n` children in each of `villages`, a few metres from its centre: one noted change per cell. */
async function addChildren(db: Kysely<DB>, villages: string[], n: number, tag: string) {
	await sql`
		INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, synthetic)
		SELECT ${tag} || '-' || v.code || '-' || i, v.code, date '2016-05-01', '{left_behind_rural}',
			ST_SetSRID(ST_MakePoint(ST_X(v.center) + i * 1e-5, ST_Y(v.center)), 4326), true
		FROM admin_units v, generate_series(1, ${n}) AS i
		WHERE v.code = ANY(${villages}::text[])`.execute(db);
}

const saved = { ...APPLY_SLICES };
beforeAll(() => {
	// many slices on a small fixture: a few segments per read
	APPLY_SLICES.segments = 5;
});
afterAll(() => {
	Object.assign(APPLY_SLICES, saved);
});

describe.each(testEngines())('derived data applied in slices on %s', (engine) => {
	let d: TestDatabase;
	let villages: string[];
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		// one village in each of four townships that have segments
		villages = (
			await sql<{ code: string }>`
				SELECT DISTINCT ON (left(v.code, 9)) v.code FROM admin_units v
				WHERE v.level = 'village' AND v.center IS NOT NULL
					AND EXISTS (SELECT 1 FROM waterways w WHERE w.township_code = left(v.code, 9) || '000')
				ORDER BY left(v.code, 9), v.code LIMIT 4`.execute(d.db)
		).rows.map((r) => r.code);
		expect(villages.length).toBe(4);
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	it('a colleague reads while it runs, and sees one state or the other, never half', async () => {
		expect(await pending(d.db)).toBe(0);
		const before = await released(d.db);
		await addChildren(d.db, villages, 40, 'slices');
		expect(await pending(d.db)).toBeGreaterThan(0);
		let done = false;
		const apply = applyDataChanges(d.db).finally(() => (done = true));
		const seen: { state: string; whileApplying: boolean }[] = [];
		while (!done) {
			const state = await released(d.db);
			seen.push({ state, whileApplying: !done });
		}
		const u = await apply;
		expect(u?.childCountsRefreshed).toBe(true);
		expect(u!.rule.segments).toBeGreaterThan(0);
		const after = await released(d.db);
		expect(after).not.toBe(before);
		// a read answered while the apply was still at work: the embedded engine let it in
		expect(seen.filter((s) => s.whileApplying).length).toBeGreaterThan(0);
		for (const s of seen) expect([before, after]).toContain(s.state);
		expect(await pending(d.db)).toBe(0);
	});

	it('a change noted while it works is applied too, and the result is a full recompute', async () => {
		await addChildren(d.db, villages.slice(0, 2), 25, 'first');
		let done = false;
		const apply = applyDataChanges(d.db).finally(() => (done = true));
		// a second change lands while the first is being worked out
		await addChildren(d.db, villages.slice(2), 25, 'second');
		const landedWhileApplying = !done;
		await apply;
		// on the embedded engine the apply started again and took it; elsewhere the next one does
		if (engine === 'pglite') {
			expect(landedWhileApplying).toBe(true);
			expect(await pending(d.db)).toBe(0);
		} else await applyDataChanges(d.db);
		expect(await pending(d.db)).toBe(0);
		const applied = await released(d.db);
		// a full recompute of the rule changes nothing, and of every count gives the same figures
		expect((await runRuleFromDatabase(d.db, { prefix: '' })).changed).toBe(0);
		await refreshChildAggregates(d.db);
		expect(await released(d.db)).toBe(applied);
	});
});
