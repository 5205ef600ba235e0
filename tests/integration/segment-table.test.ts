// The kept segment table (issue 15, item 3): a county's list is filtered from the province's
// table once per data version and kept, so twenty users on one county list do not each filter
// the province's rows again; the kept rows are exactly the province's rows of that county, and
// a change to the data gives a new table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type KyselyPlugin } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import {
	PROVINCE_SITE_PREFIX,
	segmentPlacesOf,
	segmentTable
} from '../../src/lib/server/services/segment-table';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import { unionOfBoxes } from '../../src/lib/geo/tiles';
import {
	dashboard,
	riverChiefsFor,
	segmentsFor,
	warmProvinceViews
} from '../../src/lib/server/services/waterways';
import { syncNow, watchFreshness } from '../../src/lib/server/services/freshness';
import { insertUser } from '../../src/lib/server/repositories/users';
import type { Principal } from '../../src/lib/server/auth/policy';

/** Counts every query sent through the instance it is plugged into. */
function queryCounter(): KyselyPlugin & { n: number } {
	return {
		n: 0,
		transformQuery(args) {
			this.n++;
			return args.node;
		},
		async transformResult(args) {
			return args.result;
		}
	};
}

const version = async (db: TestDatabase['db']) =>
	(await sql<{ v: string }>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(db))
		.rows[0]?.v;

describe.each(testEngines())('the kept segment table on %s', (engine) => {
	let d: TestDatabase;
	let county: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		county = (
			await sql<{ c: string }>`
				SELECT left(min(township_code), 6) AS c FROM waterways`.execute(d.db)
		).rows[0].c;
	});
	afterAll(async () => {
		await d?.close();
	});

	it("keeps a county's rows, filtered once from the province's table", async () => {
		const province = await segmentTable(d.db, PROVINCE_SITE_PREFIX);
		const first = await segmentTable(d.db, county);
		expect(first.length).toBeGreaterThan(0);
		expect(first).toEqual(province.filter((r) => r.township_code.startsWith(county)));
		// the same kept array, not the province's rows filtered again
		expect(await segmentTable(d.db, county)).toBe(first);
		const independent = await sql<{ n: string }>`
			SELECT count(*) AS n FROM waterways WHERE township_code LIKE ${county + '%'}`.execute(d.db);
		expect(first.length).toBe(Number(independent.rows[0].n));
	});

	it("frames a county's list with the box PostGIS gives its segments", async () => {
		const rows = await segmentTable(d.db, county);
		const box = unionOfBoxes(rows.map((r) => r.bbox))!;
		const x = (
			await sql<{ w: number; s: number; e: number; n: number }>`
				SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
				FROM (SELECT ST_Extent(geom) AS b FROM waterways WHERE township_code LIKE ${county + '%'}) t`.execute(
				d.db
			)
		).rows[0];
		const expected = [x.w, x.s, x.e, x.n].map(Number);
		box.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 9));
		expect(unionOfBoxes([])).toBeNull();
	});

	it('gives a new table once the data changes', async () => {
		const before = await segmentTable(d.db, county);
		const seg = before.find((r) => r.river_chief_id !== null)!;
		await sql`UPDATE waterways SET river_chief_id = NULL WHERE id = ${seg.id}`.execute(d.db);
		await applyDataChanges(d.db);
		const after = await segmentTable(d.db, county);
		expect(after).not.toBe(before);
		expect(after.find((r) => r.id === seg.id)?.river_chief_id).toBeNull();
	});

	it("serves a county's list again without a query while the watcher follows the database", async () => {
		const counter = queryCounter();
		// the app's instance, as the app has it: the watcher follows it
		const db = d.db.withPlugin(counter);
		const watcher = watchFreshness(db, { intervalMs: 3_600_000, log: () => {} });
		try {
			await syncNow(db);
			const planner: Principal = {
				userId: 1,
				username: 'planner',
				role: 'planner',
				jurisdiction: county + '000000'
			};
			const q = { mine: false };
			const first = await segmentsFor(db, planner, q);
			const chiefs = await riverChiefsFor(db, planner);
			counter.n = 0;
			const required = await segmentsFor(db, planner, { mine: false, requiredOnly: true });
			expect(required).toEqual(first.filter((r) => r.required));
			// twenty users on the same list: what was kept for this version, nothing asked again,
			// and the same filtered list (filtered once, not on every request)
			for (let i = 0; i < 20; i++) {
				expect(await segmentsFor(db, planner, q)).toBe(first);
				expect(await segmentsFor(db, planner, { mine: false, requiredOnly: true })).toBe(required);
				expect(await riverChiefsFor(db, planner)).toBe(chiefs);
			}
			expect(counter.n).toBe(0);

			// a new river chief moves the version (0021), and the kept list offers them once this
			// process has learnt it (its own write: syncNow; another's: the watcher's next look)
			const before = await version(d.db);
			const id = await insertUser(d.db, {
				username: 'chief.new.kept',
				displayName: '新河长',
				passwordHash: 'x',
				role: 'river_chief',
				jurisdiction: county + '000000',
				createdBy: null
			});
			expect(await version(d.db)).not.toBe(before);
			expect((await riverChiefsFor(db, planner)).some((c) => c.id === id)).toBe(false);
			await syncNow(db);
			expect((await riverChiefsFor(db, planner)).some((c) => c.id === id)).toBe(true);
			// another account is no change to any list
			const after = await version(d.db);
			await insertUser(d.db, {
				username: 'planner.new.kept',
				displayName: '新规划',
				passwordHash: 'x',
				role: 'planner',
				jurisdiction: county + '000000',
				createdBy: null
			});
			expect(await version(d.db)).toBe(after);
		} finally {
			await watcher.stop();
		}
	});

	it("warms every prefecture's dashboard with the province's, for its own staff too", async () => {
		const counter = queryCounter();
		const db = d.db.withPlugin(counter);
		const watcher = watchFreshness(db, { intervalMs: 3_600_000, log: () => {} });
		try {
			await syncNow(db);
			await warmProvinceViews(db);
			const prefectures = (
				await sql<{ code: string }>`
					SELECT code FROM admin_units WHERE level = 'prefecture' ORDER BY code`.execute(d.db)
			).rows.map((r) => r.code);
			expect(prefectures.length).toBeGreaterThan(0);
			const admin: Principal = {
				userId: 1,
				username: 'province.admin',
				role: 'province_admin',
				jurisdiction: '420000000000'
			};
			counter.n = 0;
			for (const code of prefectures) {
				// the province's drill-down and the prefecture's own staff: kept, nothing asked
				const seen = await dashboard(db, admin, code);
				expect(seen.area.code).toBe(code);
				const own = await dashboard(
					db,
					{ userId: 2, username: 'p', role: 'planner', jurisdiction: code },
					code
				);
				expect(own).toBe(seen);
			}
			expect(counter.n).toBe(0);
		} finally {
			await watcher.stop();
		}
	});

	it('places each exported row as PostGIS does, with the villages read once per version', async () => {
		const counter = queryCounter();
		const db = d.db.withPlugin(counter);
		// as in the app, whose watcher knows the version
		const watcher = watchFreshness(db, { intervalMs: 3_600_000, log: () => {} });
		await syncNow(db);
		const rows = await segmentTable(db, PROVINCE_SITE_PREFIX);
		// what every chunk of an export asked before: the point halfway along each segment and
		// the nearest village centre of its township on the sphere, the lowest code on a tie
		const ref = await sql<{ id: string; lon: number; lat: number; code: string | null }>`
			SELECT w.id, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat, v.code
			FROM waterways w
			CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(w.geom, 0.5) AS pt) p
			LEFT JOIN LATERAL (
				SELECT a.code FROM admin_units a
				WHERE a.parent_code = w.township_code AND a.level = 'village'
				ORDER BY ST_DistanceSphere(a.center, p.pt), a.code LIMIT 1
			) v ON true`.execute(d.db);
		expect(ref.rows.length).toBe(rows.length);
		counter.n = 0;
		const places = new Map<
			number,
			Awaited<ReturnType<typeof segmentPlacesOf>> extends Map<number, infer P> ? P : never
		>();
		// in chunks, as the export writes them
		for (let i = 0; i < rows.length; i += 100)
			for (const [id, p] of await segmentPlacesOf(db, PROVINCE_SITE_PREFIX, rows.slice(i, i + 100)))
				places.set(id, p);
		await watcher.stop();
		// one read of the villages for the whole file, none per chunk
		expect(counter.n).toBe(1);
		let withVillage = 0;
		for (const r of ref.rows) {
			const p = places.get(Number(r.id))!;
			expect(p.village_code).toBe(r.code);
			expect(p.lon).toBeCloseTo(r.lon, 6);
			expect(p.lat).toBeCloseTo(r.lat, 6);
			if (p.village_name) withVillage++;
		}
		expect(withVillage).toBeGreaterThan(rows.length / 2);
	});
});
