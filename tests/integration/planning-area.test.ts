// Planning above the county, on both engines: a province planner's /planning opens on a chooser
// (no released cells), whose figures equal SQL (released unit counts, PostGIS village coverage);
// ?area=<county> plans the county exactly as the county's own planner sees it (the same released
// cells, villages and coverage); bad or outside codes are a 400 or a 404 in Chinese; siting runs
// and saved scenarios follow the chosen area.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { FIXTURE_AREA, principalOf, testEngines } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { villagesByPostgis } from '../support/planning-reference';
import { fakeEvent } from '../support/auditor/collect';
import type { Principal } from '../../src/lib/server/auth/policy';
import { load } from '../../src/routes/(app)/planning/+page.server';
import { POST as runPOST } from '../../src/routes/api/planning/run/+server';
import { POST as savePOST } from '../../src/routes/api/planning/scenarios/+server';
import { listScenarios, planningArea } from '../../src/lib/server/services/planning';
import { translator } from '../../src/lib/i18n';
import { CHOOSER_REACH_M, type AreaChoice } from '../../src/lib/domain/planning';

vi.mock('$lib/server/db', () => import('../support/app-database'));

const zh = translator('zh-CN');
const county = FIXTURE_AREA.padEnd(12, '0');
const province = FIXTURE_AREA.slice(0, 2).padEnd(12, '0');

type Answer = { status: number; data?: Record<string, unknown>; message?: string };

async function page(who: Principal, query = ''): Promise<Answer> {
	try {
		const data = (await load(fakeEvent(who, `/planning${query}`))) as Record<string, unknown>;
		return { status: 200, data };
	} catch (e) {
		const x = e as { status?: number; body?: { message?: string } };
		return { status: x.status ?? 500, message: x.body?.message };
	}
}

async function post(
	handler: (e: never) => Response | Promise<Response>,
	who: Principal,
	url: string,
	body: unknown
): Promise<Answer> {
	const ev = {
		...(fakeEvent(who, url) as Record<string, unknown>),
		request: new Request(new URL(url, 'http://localhost'), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body)
		})
	} as never;
	try {
		const r = await handler(ev);
		return { status: r.status, data: await r.json() };
	} catch (e) {
		const x = e as { status?: number; body?: { message?: string } };
		return { status: x.status ?? 500, message: x.body?.message };
	}
}

describe.each(testEngines())('planning within a chosen area on %s', (engine) => {
	const held = useTestDatabase(engine);
	let planner: Principal;
	/** the same planner, at province level (the demo's province planners and administrators) */
	let above: Principal;
	beforeAll(async () => {
		planner = (await principalOf(held.d.db, 'planner')) as Principal;
		above = { ...planner, jurisdiction: province };
	});

	it('above the county: a chooser without cells, its figures equal SQL and PostGIS', async () => {
		const r = await page(above);
		expect(r.status).toBe(200);
		expect(r.data!.mode).toBe('choose');
		expect(r.data).not.toHaveProperty('cells');
		expect(r.data).not.toHaveProperty('uncovered');
		const choices = r.data!.choices as AreaChoice[];
		const row = choices.find((c) => c.code === county)!;
		expect(row.level).toBe('county');
		const released = await sql<{ n: number }>`
			SELECT coalesce(total_released, 0)::int AS n FROM child_counts WHERE code = ${county}`.execute(
			held.d.db
		);
		expect(row.children).toBe(released.rows[0]?.n ?? 0);
		// the chooser reach is one of the village table's (the reference has 500 m, 1 km, 2 km)
		expect(CHOOSER_REACH_M).toBe(1000);
		const want = await villagesByPostgis(held.d.db);
		expect(row.villages).toBe(want.length);
		expect(row.villagesCovered).toBe(want.filter((w) => w.c1000).length);
		const all = want.reduce((a, w) => a + w.total, 0);
		const inReach = want.filter((w) => w.c1000).reduce((a, w) => a + w.total, 0);
		expect(row.childShare).toBeCloseTo(inReach / all, 12);
		expect(row.villagesCovered).toBeGreaterThan(0);
		expect(row.villagesCovered).toBeLessThan(row.villages);
		// every prefecture and county of the province, in code order
		const units = await sql<{ code: string }>`
			SELECT code FROM admin_units WHERE level IN ('prefecture', 'county') AND code LIKE '42%'
			ORDER BY code`.execute(held.d.db);
		expect(choices.map((c) => c.code)).toEqual(units.rows.map((u) => u.code));
	});

	it('?area=<county> plans the county exactly as its own planner sees it', async () => {
		const mine = await page(planner);
		const chosen = await page(above, `?area=${county}`);
		expect(chosen.status).toBe(200);
		expect(chosen.data!.mode).toBe('plan');
		expect(chosen.data!.scoped).toBe(county);
		expect(mine.data!.scoped).toBeNull();
		for (const k of ['cells', 'uncovered', 'coverage', 'all', 'fixed', 'villages', 'upgrades'])
			expect(chosen.data![k], k).toEqual(mine.data![k]);
		expect((chosen.data!.cells as unknown[]).length).toBeGreaterThan(100);
		// the way back up is the county's parent, inside the province
		expect(String(chosen.data!.up)).toMatch(/^42\d{10}$/);
	});

	it('a malformed area is a 400, one outside the jurisdiction or naming nothing a 404, in Chinese', async () => {
		const bad = await page(above, '?area=abc');
		expect(bad.status).toBe(400);
		expect(bad.message).toMatch(/[\u4e00-\u9fff]/);
		const notFound = zh('error.notFound');
		// another province's county, the planner's own province (above a county planner), a code
		// inside the jurisdiction that names no unit
		for (const [who, code] of [
			[above, '110101000000'],
			[planner, province],
			[planner, '420102000000'],
			[above, `${FIXTURE_AREA}999999`]
		] as const) {
			const r = await page(who, `?area=${code}`);
			expect(r.status, code).toBe(404);
			expect(r.message, code).toBe(notFound);
		}
	});

	it('siting runs and saved scenarios follow the chosen area', async () => {
		// above the county a run needs the area (never the whole province's cells)
		const none = await post(runPOST, above, '/api/planning/run', { k: 2, radiusM: 1000 });
		expect(none.status).toBe(400);
		expect(none.message).toBe(zh('plan.chooseArea'));
		const outside = await post(runPOST, planner, '/api/planning/run', {
			area: '420102000000',
			k: 2,
			radiusM: 1000
		});
		expect(outside.status).toBe(404);

		const mine = await post(runPOST, planner, '/api/planning/run', { k: 2, radiusM: 1000 });
		const run = await post(runPOST, above, '/api/planning/run', {
			area: county,
			k: 2,
			radiusM: 1000
		});
		expect(run.status).toBe(200);
		for (const k of ['sites', 'base', 'total', 'all'])
			expect(run.data![k], k).toEqual(mine.data![k]);

		const saved = await post(savePOST, above, '/api/planning/scenarios', {
			area: county,
			name: '省级·县内方案',
			k: 2,
			radiusM: 1000,
			sites: run.data!.sites
		});
		expect(saved.status).toBe(201);
		const id = saved.data!.id as number;
		const { who } = await planningArea(held.d.db, above, county);
		expect((await listScenarios(held.d.db, who)).map((s) => s.id)).toContain(id);
		expect((await listScenarios(held.d.db, above)).map((s) => s.id)).not.toContain(id);
		const there = await page(above, `?area=${county}&a=${id}&b=${id}`);
		expect((there.data!.compare as { id: number }[]).map((s) => s.id)).toEqual([id, id]);
		const stored = await sql<{ jurisdiction: string }>`
			SELECT jurisdiction FROM planning_scenarios WHERE id = ${id}`.execute(held.d.db);
		expect(stored.rows[0].jurisdiction).toBe(county);
	});
});
