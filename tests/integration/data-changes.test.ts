// Derived data follows the data: changes made straight in the database (as an import or an
// operator would) are noted by the triggers, and applying them brings the four-item rule and
// the child counts to exactly what a full recompute gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import {
	cacheVersion,
	onChange,
	syncNow,
	watchFreshness
} from '../../src/lib/server/services/freshness';
import { runRuleFromDatabase } from '../../src/lib/server/services/segment-rule';
// the map's caches listen for changes
import '../../src/lib/server/services/map';
import { offsetMeters } from '../../src/lib/server/seed/random';
import { refreshChildAggregates } from '../../src/lib/server/repositories/children';

describe.each(testEngines())('data changes on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	const pending = async () =>
		(await sql<{ n: number }>`SELECT count(*)::int AS n FROM data_changes`.execute(d.db)).rows[0].n;
	const version = async () =>
		(
			await sql<{
				v: string | null;
			}>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(d.db)
		).rows[0]?.v ?? null;

	it('starts with nothing noted: the seed covered what it loaded', async () => {
		expect(await pending()).toBe(0);
		expect(await applyDataChanges(d.db)).toBeNull();
	});

	it('notes nothing for a change that is not an input (a river chief assigned)', async () => {
		await sql`UPDATE waterways SET river_chief_id = NULL WHERE id IN (SELECT id FROM waterways ORDER BY id LIMIT 20)`.execute(
			d.db
		);
		await sql`UPDATE children SET categories = categories WHERE id IN (SELECT id FROM children ORDER BY id LIMIT 20)`.execute(
			d.db
		);
		expect(await pending()).toBe(0);
	});

	it('counts a child added beside a segment, in the rule and in the village counts', async () => {
		const seg = await sql<{ id: number; lon: number; lat: number; n: number; village: string }>`
			SELECT w.id, ST_X(ST_StartPoint(w.geom)) AS lon, ST_Y(ST_StartPoint(w.geom)) AS lat,
				sr.children_within AS n,
				(SELECT code FROM admin_units v WHERE v.level = 'village' AND v.code LIKE left(w.township_code, 9) || '%'
					ORDER BY v.code LIMIT 1) AS village
			FROM waterways w JOIN segment_requirements sr ON sr.waterway_id = w.id
			ORDER BY w.id LIMIT 1`.execute(d.db);
		const s = seg.rows[0];
		const before = await sql<{ total: number }>`
			SELECT total FROM child_counts WHERE code = ${s.village}`.execute(d.db);
		const v0 = await version();
		const [lon, lat] = offsetMeters([s.lon, s.lat], 40, 0);
		await sql`INSERT INTO children (pseudonym, village_code, birth_date, categories, residence)
			VALUES ('T-DATA-CHANGE-1', ${s.village}, '2016-05-01', '{left_behind_rural}',
				ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))`.execute(d.db);
		expect(await pending()).toBe(1);

		const u = await applyDataChanges(d.db);
		expect(u).not.toBeNull();
		expect(u!.childCountsRefreshed).toBe(true);
		expect(u!.rule.changed).toBeGreaterThanOrEqual(1);
		const after = await sql<{ n: number; kinds: string[] }>`
			SELECT children_within AS n, near_kinds AS kinds FROM segment_requirements WHERE waterway_id = ${s.id}`.execute(
			d.db
		);
		expect(after.rows[0].n).toBe(s.n + 1);
		expect(after.rows[0].kinds).toContain('children');
		const counts = await sql<{ total: number }>`
			SELECT total FROM child_counts WHERE code = ${s.village}`.execute(d.db);
		expect(counts.rows[0].total).toBe((before.rows[0]?.total ?? 0) + 1);
		expect(await pending()).toBe(0);
		expect(Number(await version())).toBe(Number(v0 ?? 0) + 1);
	});

	it('after moves, deletions, closures and a new segment, equals a full recompute', async () => {
		// children moved 300 m east, schools removed, children's homes closed, a new ditch
		await sql`UPDATE children SET residence = ST_Translate(residence, 0.003, 0)
			WHERE id IN (SELECT id FROM children ORDER BY id DESC LIMIT 40)`.execute(d.db);
		// one child moves to another township's village, one leaves the register
		await sql`UPDATE children SET village_code = (SELECT max(code) FROM admin_units WHERE level = 'village')
			WHERE id = (SELECT min(id) FROM children)`.execute(d.db);
		await sql`DELETE FROM children WHERE id = (SELECT min(id) + 1 FROM children)`.execute(d.db);
		await sql`DELETE FROM institutions WHERE id IN (SELECT id FROM institutions WHERE kind = 'school' ORDER BY id LIMIT 5)`.execute(
			d.db
		);
		await sql`UPDATE children_homes SET status = 'closed' WHERE id IN (SELECT id FROM children_homes WHERE status = 'open' ORDER BY id LIMIT 8)`.execute(
			d.db
		);
		const village = await sql<{ code: string; lon: number; lat: number }>`
			SELECT code, ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units
			WHERE level = 'village' ORDER BY code DESC LIMIT 1`.execute(d.db);
		const v = village.rows[0];
		const a = offsetMeters([v.lon, v.lat], 0, 150);
		const b = offsetMeters([v.lon, v.lat], 200, 150);
		const added = await sql<{ id: number }>`
			INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m)
			SELECT 'ditch', '测试沟渠', ${v.code.slice(0, 6) + '000000'}, ${v.code.slice(0, 9) + '000'}, g,
				ST_Length(g::geography)
			FROM (SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(${a[0]}, ${a[1]}), ST_MakePoint(${b[0]}, ${b[1]})), 4326) AS g) x
			RETURNING id`.execute(d.db);
		expect(await pending()).toBeGreaterThanOrEqual(4);

		const u = await applyDataChanges(d.db);
		expect(u!.rule.segments).toBeGreaterThan(0);
		const row = await sql<{ required: boolean; kinds: string[] }>`
			SELECT required, near_kinds AS kinds FROM segment_requirements WHERE waterway_id = ${added.rows[0].id}`.execute(
			d.db
		);
		expect(row.rows[0]).toMatchObject({ required: true });
		expect(row.rows[0].kinds).toContain('village');
		// the full rule over every segment finds nothing left to change
		const full = await runRuleFromDatabase(d.db, { prefix: '' });
		expect(full.changed).toBe(0);
		expect(full.segments).toBeGreaterThan(100);
		// and the counts of the changed townships equal a refresh of every count
		const counts = async () =>
			(
				await sql<{ c: string }>`
					SELECT (SELECT string_agg(concat_ws(':', code, total, left_behind, in_difficulty), ',' ORDER BY code) FROM child_counts)
						|| '/' || (SELECT string_agg(concat_ws(':', level, x, y, township_code, total, left_behind, in_difficulty), ','
							ORDER BY level, x, y, township_code) FROM child_cells) AS c`.execute(d.db)
			).rows[0].c;
		const incremental = await counts();
		await refreshChildAggregates(d.db);
		expect(await counts()).toBe(incremental);
	});

	it('applies changes in the background and drops the map caches', async () => {
		const before = cacheVersion();
		const w = watchFreshness(d.db, { intervalMs: 50, log: () => {} });
		try {
			const closed = await sql`UPDATE children_homes SET status = 'suspended'
				WHERE id = (SELECT min(id) FROM children_homes WHERE status = 'open')`.execute(d.db);
			expect(Number(closed.numAffectedRows)).toBe(1);
			const deadline = Date.now() + 20_000;
			while ((await pending()) > 0 && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 50));
			expect(await pending()).toBe(0);
			while (cacheVersion() === before && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 50));
			expect(cacheVersion()).toBeGreaterThan(before);
		} finally {
			await w.stop();
		}
	});

	it('drops the map caches once for a write of this process, and for a write of another process', async () => {
		const w = watchFreshness(d.db, { intervalMs: 30, log: () => {} });
		const settle = () => new Promise((r) => setTimeout(r, 300));
		// listeners (the analysis snapshot) hear of each change once, after the version moved
		const heard: string[] = [];
		const version = async () =>
			(
				await sql<{
					v: string;
				}>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(d.db)
			).rows[0].v;
		const stop = onChange(() => void version().then((v) => heard.push(v)));
		try {
			await settle();
			const v0 = cacheVersion();
			heard.length = 0;
			// a write of this process (as a check is): the trigger moves the version, syncNow
			// tells this process at once
			const item = sql`UPDATE safety_equipment SET status = CASE WHEN status = 'present' THEN 'missing' ELSE 'present' END
				WHERE (waterway_id, item) = (SELECT waterway_id, item FROM safety_equipment ORDER BY 1, 2 LIMIT 1)`;
			await item.execute(d.db);
			await syncNow(d.db);
			expect(cacheVersion()).toBe(v0 + 1);
			await settle();
			// cleared at the write; the watcher does not clear again for the version it caused
			expect(cacheVersion()).toBe(v0 + 1);
			expect(heard).toEqual([await version()]);
			// another process's write reaches this one through the shared version
			await item.execute(d.db);
			await settle();
			expect(cacheVersion()).toBe(v0 + 2);
			expect(heard).toHaveLength(2);
			expect(heard[1]).toBe(await version());
		} finally {
			stop();
			await w.stop();
		}
	});
});
