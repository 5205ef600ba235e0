// Siting on the demo county, on both engines: the released demand and the coverage the planning
// service reports equal an independent PostGIS computation (ST_DWithin on geography, on the
// sphere), the kernel's cover counts on the children's residences equal PostGIS's, and greedy +
// swap is held to HiGHS's exact MCLP optimum on the county (the gap is printed and bounded).
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
import {
	evaluateSites,
	getScenario,
	listScenarios,
	planningBase,
	runSiting,
	saveScenario
} from '../../src/lib/server/services/planning';
import { coverSets, coveredWeight } from '../../src/lib/server/analysis/kernel/coverage.mjs';
import { releasedCellsFor } from '../../src/lib/server/tiles/children-cells';
import { tileXToLon, tileYToLat } from '../../src/lib/geo/tiles';
import { Forbidden, NotFoundError } from '../../src/lib/server/errors';
import { exactCoverage } from '../support/mclp';
import { postgisCovered } from '../support/planning-reference';

describe.each(testEngines())('planning on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await closeAnalysis();
		await d?.close();
	});

	it('demand is the released finest cells of the jurisdiction, the very figures of the map', async () => {
		const who = await principalOf(d.db, 'planner');
		const base = await planningBase(d.db, who);
		const released = await releasedCellsFor(d.db, FIXTURE_AREA);
		const want = [...released]
			.filter(([id, n]) => id.startsWith('17/') && n > 0)
			.map(([id, n]) => {
				const [, x, y] = id.split('/').map(Number);
				return `${tileXToLon(x + 0.5, 17).toFixed(9)},${tileYToLat(y + 0.5, 17).toFixed(9)},${n}`;
			})
			.sort();
		const got = base.cells.map((c) => `${c.lon.toFixed(9)},${c.lat.toFixed(9)},${c.n}`).sort();
		expect(got).toEqual(want);
		expect(got.length).toBeGreaterThan(100);
		expect(base.candidates.filter((c) => c.kind === 'village').length).toBeGreaterThan(50);
		// coverage now, at each reach, against PostGIS
		for (const c of base.coverage)
			expect(c.covered).toBe(await postgisCovered(d.db, base.cells, base.fixed, c.reach));
	});

	it('ten new sites at 1 km: the coverage equals PostGIS, and greedy + swap is within the stated gap of the MIP optimum', async () => {
		const who = await principalOf(d.db, 'planner');
		const a = await runSiting(d.db, who, { k: 10, radiusM: 1000 });
		const base = await planningBase(d.db, who);
		expect(a.sites).toHaveLength(10);
		expect(a.total).toBeGreaterThan(a.base);
		expect(a.sites.reduce((s, x) => s + x.gain, 0)).toBe(a.total - a.base);
		expect(a.base).toBe(await postgisCovered(d.db, base.cells, base.fixed, 1000));
		expect(a.total).toBe(await postgisCovered(d.db, base.cells, [...base.fixed, ...a.sites], 1000));
		// the server's what-if answer is the same figure
		const e = await evaluateSites(
			d.db,
			who,
			1000,
			a.sites.map((s) => [s.lon, s.lat] as const)
		);
		expect(e.total).toBe(a.total);

		// the exact optimum of the same instance
		const demand = {
			lon: base.cells.map((c) => c.lon),
			lat: base.cells.map((c) => c.lat),
			w: base.cells.map((c) => c.n)
		};
		const sets = coverSets(
			demand,
			{ lon: base.candidates.map((c) => c.lon), lat: base.candidates.map((c) => c.lat) },
			1000
		);
		const covers = base.candidates.map((_, j) =>
			Array.from(sets.idx.subarray(sets.start[j], sets.start[j + 1]))
		);
		const fixedCovered = coveredWeight(
			demand,
			{ lon: base.fixed.map((f) => f.lon), lat: base.fixed.map((f) => f.lat) },
			1000
		).covered;
		const t0 = performance.now();
		const exact = await exactCoverage({ covers, w: demand.w, fixedCovered, k: 10 });
		const mipMs = performance.now() - t0;
		const gap = (exact.total - a.total) / (exact.total - a.base);
		console.log(
			`[planning] ${engine} county ${FIXTURE_AREA}, k = 10, 1 km: ${base.cells.length} cells, ` +
				`${base.candidates.length} candidates; greedy ${a.greedyTotal}, greedy + swap ${a.total} ` +
				`(${a.swaps} swaps, ${a.ms} ms), MIP optimum ${exact.total} (${mipMs.toFixed(0)} ms); ` +
				`gap ${(gap * 100).toFixed(2)} % of the new sites' gain`
		);
		expect(a.total).toBeLessThanOrEqual(exact.total);
		expect(a.total).toBeGreaterThanOrEqual(a.greedyTotal);
		// the README's stated gap: within 2 % of the optimum's gain (greedy's guarantee is 37 %)
		expect(gap).toBeLessThanOrEqual(0.02);
	});

	it("the kernel's cover counts on the children's residences equal PostGIS's", async () => {
		const homes = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children
			WHERE village_code LIKE ${FIXTURE_AREA + '%'} ORDER BY id`.execute(d.db);
		const who = await principalOf(d.db, 'planner');
		const base = await planningBase(d.db, who);
		const sites = base.candidates.filter((_, i) => i % 7 === 0);
		const demand = {
			lon: homes.rows.map((h) => h.lon),
			lat: homes.rows.map((h) => h.lat),
			w: homes.rows.map(() => 1)
		};
		for (const r of [500, 1000, 2000]) {
			const mine = coveredWeight(
				demand,
				{ lon: sites.map((s) => s.lon), lat: sites.map((s) => s.lat) },
				r
			).weight;
			const theirs = await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM children c WHERE c.village_code LIKE ${FIXTURE_AREA + '%'}
				AND EXISTS (SELECT 1 FROM unnest(${sites.map((s) => s.lon)}::float8[], ${sites.map((s) => s.lat)}::float8[]) AS s(lon, lat)
					WHERE ST_DWithin(c.residence::geography, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, ${r}, false))`.execute(
				d.db
			);
			expect(mine).toBe(theirs.rows[0].n);
			expect(mine).toBeGreaterThan(0);
		}
	});

	it('scenarios are saved with figures recomputed on the server, and are the author’s alone', async () => {
		const who = await principalOf(d.db, 'planner');
		const a = await runSiting(d.db, who, { k: 3, radiusM: 500 });
		// the browser's claimed gains are ignored: the server measures them again
		const id = await saveScenario(d.db, who, {
			name: '三个新站点',
			radiusM: 500,
			k: 3,
			sites: a.sites.map((s) => ({ ...s, gain: 999999 }))
		});
		const s = await getScenario(d.db, who, id);
		expect(s.sites.map((x) => x.gain)).toEqual(a.sites.map((x) => x.gain));
		expect(s.summary.total).toBe(a.total);
		expect(s.summary.byReach['500']).toBe(a.total);
		expect(s.summary.byReach['2000']).toBeGreaterThanOrEqual(s.summary.byReach['1000']);
		expect((await listScenarios(d.db, who)).map((x) => x.id)).toContain(id);
		const admin = await principalOf(d.db, 'county.admin');
		await expect(getScenario(d.db, admin, id)).rejects.toBeInstanceOf(NotFoundError);
		const chief = await principalOf(d.db, 'river.chief');
		await expect(runSiting(d.db, chief, { k: 1, radiusM: 500 })).rejects.toBeInstanceOf(Forbidden);
	});
});
