// Household visits (入户走访) are checked against a drowning checklist of their own, 'household'
// (migration 0033): a new campaign's village targets carry it, the phone's target page asks its
// five items in order, and a hazard found on one reads by the item's words. A village target of
// a campaign made before keeps the children's home list it was made with ('home'), its checks
// and hazards as they were. On both engines. The fixture is a county of its own (4298…).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	campaignPage,
	createCampaign,
	recordTargetCheck,
	targetPage
} from '../../src/lib/server/services/campaigns';
import { checklistsPage } from '../../src/lib/server/services/checklists';
import { CampaignRejected } from '../../src/lib/server/errors';
import { DEFAULT_CHECKLIST_ITEMS } from '../../src/lib/domain/campaign';
import { itemLabel } from '../../src/lib/components/campaign/format';
import { translator } from '../../src/lib/i18n';
import { routeEvent } from '../support/route-event';
import { load as loadTarget } from '../../src/routes/(app)/campaigns/targets/[id]/+page.server';
import { load as loadHazard } from '../../src/routes/(app)/hazards/[id]/+page.server';
import { load as loadHazards } from '../../src/routes/(app)/hazards/+page.server';

// the routes read the database the app opens: here, the test's
const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const COUNTY = '429800000000';
const T1 = '429800001000';
const V1 = '429800001001';
const LON = 111.5;
const LAT0 = 31.2;
const LAT1 = 31.21;
const zh = translator('zh-CN');

// a route's load, called as SvelteKit would for `who` (its result, untyped for the test)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PageData = Record<string, any>;
async function pageData(
	load: unknown,
	who: Principal,
	route: string,
	params: Record<string, string>
): Promise<PageData> {
	const event = routeEvent<Record<string, unknown>>(who, new Request(`http://localhost${route}`));
	return (load as (e: unknown) => Promise<PageData>)({ ...event, params });
}

describe.each(testEngines())('the household visit checklist on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let director: Principal;
	let campaignId: number;
	let olderId: number;

	const newCampaign = async (name: string) =>
		(
			await createCampaign(
				d.db,
				admin,
				{
					name,
					areaCode: COUNTY,
					startsAt: new Date(Date.now() - 86400_000),
					endsAt: new Date(Date.now() + 90 * 86400_000)
				},
				meta
			)
		).id;
	const villageTarget = async (campaign: number) => {
		const p = await campaignPage(d.db, admin, campaign);
		const visits = p.targets.filter((t) => t.kind === 'village');
		expect(visits).toHaveLength(1);
		return visits[0];
	};
	const check = (targetId: number, answers: { item: string; answer: 'ok' | 'hazard' }[]) =>
		recordTargetCheck(
			d.db,
			director,
			{
				clientUuid: randomUUID(),
				targetId,
				recordedAt: new Date(),
				answers: answers.map((a) => (a.answer === 'hazard' ? { ...a, note: '未落实' } : a))
			},
			meta
		);
	// the hazard's page title, as the page writes it: 隐患：<item> · <target>
	const hazardTitle = async (id: number) => {
		const data = await pageData(loadHazard, director, `/hazards/${id}`, { id: String(id) });
		const h = data.hazard;
		return `${zh('hz.title')}${zh('punct.colon')}${itemLabel(h.checklist, h.item, zh, h.itemLabel)} · ${h.targetName}`;
	};

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		const db = d.db;
		const unit = (code: string, level: string, name: string, parent: string | null) =>
			sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(${LON}::float8, ${LAT0}::float8), 4326))`.execute(
				db
			);
		await unit(COUNTY, 'county', '走访县', null);
		await unit(T1, 'township', '走访镇', COUNTY);
		await unit(V1, 'village', '塘口村', T1);
		const user = async (username: string, role: string, code: string) => {
			const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}) RETURNING id::float8 AS id`.execute(db);
			return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
		};
		admin = await user('hh.county', 'county_admin', COUNTY);
		director = await user('hh.director', 'village_director', V1);
		// a pond without its rescue items, and three children living beside it
		const w = await sql<{ id: number }>`
			INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m)
			VALUES ('pond', '塘口塘', ${COUNTY}, ${T1},
				ST_SetSRID(ST_MakeLine(ST_MakePoint(${LON}::float8, ${LAT0}::float8),
					ST_MakePoint(${LON}::float8, ${LAT1}::float8)), 4326), 1112)
			RETURNING id::float8 AS id`.execute(db);
		for (const item of ['sign', 'buoy', 'rope', 'pole', 'barrier'])
			await sql`INSERT INTO safety_equipment (waterway_id, item, status)
				VALUES (${w.rows[0].id}, ${item}, 'missing')`.execute(db);
		await sql`INSERT INTO segment_requirements (waterway_id, required, radius_m)
			VALUES (${w.rows[0].id}, true, 500)`.execute(db);
		for (const [i, dLat] of [0.001, 0.002, 0.003].entries())
			await sql`INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, record_key)
				VALUES (${'hh-' + randomUUID()}, ${V1}, '2015-01-01', ARRAY['left_behind_rural'],
					ST_SetSRID(ST_MakePoint(${LON}::float8, ${LAT1 + dLat}::float8), 4326), ${101 + i})`.execute(db);
		// a campaign made before the household checklist: its village target was made on the
		// children's home list, as every village target before migration 0033 was
		olderId = await newCampaign('2026年汛期隐患排查');
		await sql`UPDATE campaign_targets SET checklist = 'home'
			WHERE campaign_id = ${olderId} AND kind = 'village'`.execute(db);
		campaignId = await newCampaign('2027年汛期隐患排查');
	});
	afterAll(async () => {
		await d?.close();
	});

	it("gives a new campaign's household visits the household checklist", async () => {
		const visit = await villageTarget(campaignId);
		expect(visit.checklist).toBe('household');
		const stored = await sql<{ kind: string; checklist: string }>`
			SELECT kind, checklist FROM campaign_targets WHERE campaign_id = ${campaignId}
			ORDER BY kind`.execute(d.db);
		// the pond is checked on the waterway list; the household visit on its own
		expect(stored.rows).toEqual([
			{ kind: 'segment', checklist: 'waterway' },
			{ kind: 'village', checklist: 'household' }
		]);
	});

	it('asks the phone the five household items in order, in Chinese', async () => {
		const visit = await villageTarget(campaignId);
		const data = await pageData(loadTarget, director, `/campaigns/targets/${visit.id}`, {
			id: String(visit.id)
		});
		expect(data.target.checklist).toBe('household');
		expect(data.checklist.version).toBe(0);
		expect(data.items).toEqual(['guardian', 'education', 'nearby_water', 'electricity', 'fire']);
		expect(
			(data.items as string[]).map((i) =>
				itemLabel(data.target.checklist, i, zh, data.checklist.labels[i])
			)
		).toEqual([
			'监护落实（汛期看护责任）',
			'防溺水安全教育（“六不”）',
			'房前屋后水域（坑塘、水井、水缸）',
			'用电',
			'防火'
		]);
		// the administrator's editor has the list, unedited, beside the others
		const editor = await checklistsPage(d.db, admin, campaignId);
		const household = editor.lists.find((l) => l.checklist === 'household')!;
		expect(household.version).toBe(0);
		expect(household.items.map((i) => i.item)).toEqual([...DEFAULT_CHECKLIST_ITEMS.household]);
	});

	it('opens a hazard named by its item when a visit finds the children not taught', async () => {
		const visit = await villageTarget(campaignId);
		const r = await check(
			visit.id,
			DEFAULT_CHECKLIST_ITEMS.household.map((item) => ({
				item,
				answer: item === 'education' ? 'hazard' : 'ok'
			}))
		);
		expect(r.hazards).toHaveLength(1);
		expect(await hazardTitle(r.hazards[0])).toBe(`隐患：防溺水安全教育（“六不”） · ${visit.name}`);
		// the children's home list is not this visit's
		await expect(
			check(
				visit.id,
				DEFAULT_CHECKLIST_ITEMS.home.map((item) => ({ item, answer: 'ok' }))
			)
		).rejects.toBeInstanceOf(CampaignRejected);
	});

	it("keeps an older campaign's household visit on the home list it was made with", async () => {
		const visit = await villageTarget(olderId);
		expect(visit.checklist).toBe('home');
		const page = await targetPage(d.db, director, visit.id);
		expect(page.items).toEqual([...DEFAULT_CHECKLIST_ITEMS.home]);
		// answered on the household list: refused, with the reason
		const refused = await check(
			visit.id,
			DEFAULT_CHECKLIST_ITEMS.household.map((item) => ({ item, answer: 'ok' }))
		).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(CampaignRejected);
		expect((refused as CampaignRejected).key).toBe('cp.err.item');
		// on its own list: stored, and a hazard on the gas reads 燃气 wherever it is named
		const r = await check(
			visit.id,
			DEFAULT_CHECKLIST_ITEMS.home.map((item) => ({
				item,
				answer: item === 'gas' ? 'hazard' : 'ok'
			}))
		);
		expect(r.hazards).toHaveLength(1);
		expect(await hazardTitle(r.hazards[0])).toBe(`隐患：燃气 · ${visit.name}`);
		const list = await pageData(loadHazards, admin, '/hazards', {});
		const row = (list.hazards as { id: number; checklist: string; item: string }[]).find(
			(h) => h.id === r.hazards[0]
		)!;
		expect(itemLabel(row.checklist, row.item, zh)).toBe('燃气');
	});
});
