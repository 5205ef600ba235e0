// The rule "which segments need the four items", on the fixture: PostGIS's answer equals an
// independent computation in JavaScript, and a site placed at a known distance is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	ROOT,
	type TestDatabase,
	principalOf
} from '../support/template';
import { createAnalysis } from '../../src/lib/server/analysis';
import { runSegmentRule } from '../../src/lib/server/services/segment-rule';
import { linesNear } from '../../src/lib/geo/proximity';
import { segmentGeometries } from '../../src/lib/server/repositories/waterways';
import { offsetMeters } from '../../src/lib/server/seed/random';
import { runRuleFromSettings } from '../../src/lib/server/services/admin';

describe.each(testEngines())('segment rule on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('counts the children within 500 m of each segment exactly as Turf does', async () => {
		const all = await sql<{ id: number }>`SELECT id FROM waterways ORDER BY id`.execute(d.db);
		const lines = await segmentGeometries(
			d.db,
			all.rows.map((r) => r.id)
		);
		const kids = await sql<{
			lon: number;
			lat: number;
		}>`SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children`.execute(d.db);
		const expected = new Map<number, number>();
		for (const k of kids.rows) {
			for (const hit of linesNear([k.lon, k.lat], lines, 500))
				expected.set(hit.id, (expected.get(hit.id) ?? 0) + 1);
		}
		const got = await sql<{
			id: number;
			n: number;
		}>`SELECT waterway_id AS id, children_within AS n FROM segment_requirements`.execute(d.db);
		expect(got.rows.length).toBe(lines.length);
		let mismatches = 0;
		for (const r of got.rows) {
			// a child within a few centimetres of the 500 m edge may fall either side
			if (Math.abs(r.n - (expected.get(r.id) ?? 0)) > 0) mismatches++;
		}
		expect(mismatches).toBeLessThanOrEqual(2);
		expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
	});

	it('marks a segment required by a school placed 120 m away, with the reason and distance', async () => {
		// a segment that nothing is near
		const lonely = await sql<{ id: number; lon: number; lat: number; township: string }>`
			SELECT w.id, ST_X(ST_StartPoint(w.geom)) AS lon, ST_Y(ST_StartPoint(w.geom)) AS lat, w.township_code AS township
			FROM waterways w JOIN segment_requirements s ON s.waterway_id = w.id
			WHERE NOT s.required ORDER BY w.id LIMIT 1`.execute(d.db);
		expect(lonely.rows.length).toBe(1);
		const seg = lonely.rows[0];
		const [lon, lat] = offsetMeters([seg.lon, seg.lat], 0, -120);
		await sql`INSERT INTO institutions (kind, name, admin_code, geom)
			VALUES ('school', '测试小学', ${seg.township}, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))`.execute(
			d.db
		);
		const r = await runSegmentRule(d.db, FIXTURE_AREA, 500);
		expect(r.segments).toBeGreaterThan(100);
		const after = await sql<{
			required: boolean;
			near_kinds: string[];
			nearest_m: number;
			nearest_kind: string;
		}>`
			SELECT required, near_kinds, nearest_m, nearest_kind FROM segment_requirements WHERE waterway_id = ${seg.id}`.execute(
			d.db
		);
		expect(after.rows[0].required).toBe(true);
		expect(after.rows[0].near_kinds).toContain('school');
		expect(after.rows[0].nearest_kind).toBe('school');
		// the start point is 120 m away; the line may pass a little closer
		expect(after.rows[0].nearest_m).toBeLessThanOrEqual(120.5);
		expect(after.rows[0].nearest_m).toBeGreaterThan(0);
		// a smaller radius drops it again
		await runSegmentRule(d.db, FIXTURE_AREA, 50);
		const small = await sql<{
			required: boolean;
		}>`SELECT required FROM segment_requirements WHERE waterway_id = ${seg.id}`.execute(d.db);
		expect(small.rows[0].required).toBe(false);
	});
});

describe.each(testEngines())('rule settings on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});
	const principal = (username: string) => principalOf(d.db, username);
	const meta = { ip: null, userAgent: null };

	it('lets only a province administrator change the distance, within 50–5000 m, and recomputes', async () => {
		const county = await principal('county.admin');
		const province = await principal('province.admin');
		expect(await runRuleFromSettings(d.db, county, 300, meta)).toEqual({
			ok: false,
			errors: { radius: 'settings.err.provinceOnly' }
		});
		expect(await runRuleFromSettings(d.db, province, 20, meta)).toEqual({
			ok: false,
			errors: { radius: 'settings.err.radius' }
		});
		const before = await sql<{
			n: number;
		}>`SELECT count(*) FILTER (WHERE required)::int AS n FROM segment_requirements`.execute(d.db);
		const r = await runRuleFromSettings(d.db, province, 100, meta);
		expect(r.ok).toBe(true);
		const after = await sql<{ n: number; radius: number }>`
			SELECT count(*) FILTER (WHERE required)::int AS n, max(radius_m) AS radius FROM segment_requirements`.execute(
			d.db
		);
		expect(after.rows[0].radius).toBe(100);
		expect(after.rows[0].n).toBeLessThan(before.rows[0].n);
		// a county administrator may recompute their own area with the province's distance
		const again = await runRuleFromSettings(d.db, county, null, meta);
		expect(again.ok && again.value.required).toBe(after.rows[0].n);
		const audit = await sql<{
			n: number;
		}>`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('rule_radius_changed', 'rule_recomputed')`.execute(
			d.db
		);
		expect(audit.rows[0].n).toBe(2);
	});
});

describe.each(testEngines())('rule: in-memory engine vs PostGIS on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});
	type Row = {
		id: number;
		required: boolean;
		near_kinds: string[];
		children_within: number;
		nearest_m: number | null;
		nearest_kind: string | null;
	};
	const snapshot = async () =>
		(
			await sql<Row>`SELECT waterway_id AS id, required, near_kinds, children_within, nearest_m, nearest_kind
				FROM segment_requirements ORDER BY waterway_id`.execute(d.db)
		).rows;

	it('gives the same segments, reasons, counts and nearest distances (within 1 m)', async () => {
		const sqlRule = await runSegmentRule(d.db, FIXTURE_AREA, 500, 'postgis');
		const a = await snapshot();
		const memRule = await runSegmentRule(d.db, FIXTURE_AREA, 500, 'memory');
		const b = await snapshot();
		expect({ segments: memRule.segments, required: memRule.required }).toEqual({
			segments: sqlRule.segments,
			required: sqlRule.required
		});
		// the PostGIS rule rewrites every row; the in-memory one only what differs, so running
		// it again on unchanged data writes nothing
		expect(sqlRule.changed).toBe(sqlRule.segments);
		expect((await runSegmentRule(d.db, FIXTURE_AREA, 500)).changed).toBe(0);
		expect(b.length).toBe(a.length);
		let differ = 0;
		for (let i = 0; i < a.length; i++) {
			expect(b[i].id).toBe(a[i].id);
			const same =
				b[i].required === a[i].required &&
				b[i].near_kinds.join() === a[i].near_kinds.join() &&
				b[i].children_within === a[i].children_within &&
				b[i].nearest_kind === a[i].nearest_kind &&
				(a[i].nearest_m === null
					? b[i].nearest_m === null
					: Math.abs((b[i].nearest_m ?? 1e9) - a[i].nearest_m!) < 1);
			// something within millimetres of the 500 m edge may fall either side
			if (!same) differ++;
		}
		expect(differ).toBeLessThanOrEqual(2);
		expect(a.filter((r) => r.required).length).toBeGreaterThan(100);
	});

	it('computes the same rule from the analysis snapshot, and never writes a stale one', async () => {
		// a long check interval: only the write lock's version check can notice a change
		const analysis = createAnalysis(d.db, { projectRoot: ROOT, checkEveryMs: 3_600_000 });
		try {
			const fromDb = await runSegmentRule(d.db, FIXTURE_AREA, 500, 'memory');
			const before = await snapshot();
			// no snapshot loaded yet: the rule reads what it needs
			expect(fromDb.from).toBe('database');
			await analysis.refresh();
			const fromSnap = await runSegmentRule(d.db, FIXTURE_AREA, 500, 'memory', analysis);
			expect(fromSnap).toMatchObject({ from: 'snapshot', changed: 0 });
			expect({ segments: fromSnap.segments, required: fromSnap.required }).toEqual({
				segments: fromDb.segments,
				required: fromDb.required
			});
			expect(await snapshot()).toEqual(before);

			// a child moves next to a segment nothing was near; the loaded snapshot does not have it
			const lonely = await sql<{ id: number; lon: number; lat: number }>`
				SELECT w.id, ST_X(ST_StartPoint(w.geom)) AS lon, ST_Y(ST_StartPoint(w.geom)) AS lat
				FROM waterways w JOIN segment_requirements s ON s.waterway_id = w.id
				WHERE NOT s.required ORDER BY w.id LIMIT 1`.execute(d.db);
			const seg = lonely.rows[0];
			const [lon, lat] = offsetMeters([seg.lon, seg.lat], 40, 0);
			await sql`UPDATE children SET residence = ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)
				WHERE id = (SELECT min(id) FROM children)`.execute(d.db);
			const afterMove = await runSegmentRule(d.db, FIXTURE_AREA, 500, 'memory', analysis);
			// the snapshot's version no longer matched under the write lock: read instead
			expect(afterMove.from).toBe('database');
			const row = await sql<{ n: number; kind: string; m: number }>`
				SELECT children_within AS n, nearest_kind AS kind, nearest_m AS m
				FROM segment_requirements WHERE waterway_id = ${seg.id}`.execute(d.db);
			expect(row.rows[0].n).toBe(1);
			expect(row.rows[0].kind).toBe('children');
			expect(row.rows[0].m).toBeLessThanOrEqual(40.5);
			// once reloaded, the snapshot gives that answer too
			analysis.invalidate();
			await analysis.refresh();
			expect(await runSegmentRule(d.db, FIXTURE_AREA, 500, 'memory', analysis)).toMatchObject({
				from: 'snapshot',
				changed: 0
			});
		} finally {
			await analysis.close();
		}
	});
});
