// The demo's flood-season campaign (seed/campaign.ts): launched at the first start of the
// embedded demo through the administrators' service, so a township worker signing in has
// targets; never twice; and not on a database prepared ahead of its start (the e2e fixture).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
	ensurePgliteTemplate,
	openTestDatabase,
	principalOf,
	testEngines,
	ROOT,
	type TestDatabase
} from '../support/template';
import { seedDemoCampaign } from '../../src/lib/server/seed/campaign';
import {
	campaignPage,
	createCampaign,
	myTargets,
	othersInMyArea
} from '../../src/lib/server/services/campaigns';
import { openAndPrepare } from '../../src/lib/server/db';
import { readEnv } from '../../src/lib/server/env';

const NOW = new Date('2026-12-06T02:00:00Z');
const meta = { ip: null, userAgent: 'vitest' };

describe.each(testEngines())('the demo campaign on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('is launched once, over the demo county, with targets for the township worker and the director', async () => {
		const id = await seedDemoCampaign(d.db, () => {}, NOW);
		expect(id).not.toBeNull();
		const admin = await principalOf(d.db, 'county.admin');
		const staff = await principalOf(d.db, 'township.staff');
		const director = await principalOf(d.db, 'village.director');
		const page = await campaignPage(d.db, admin, id as number, NOW);
		expect(page.campaign.area_code).toBe(admin.jurisdiction);
		expect(page.campaign.name).toBe('2027年汛期隐患排查');
		expect(page.campaign.open).toBe(true);
		const kinds = new Set(page.targets.map((t) => t.kind));
		for (const k of ['institution', 'segment', 'village']) expect(kinds).toContain(k);
		const mine = await myTargets(d.db, staff, NOW);
		expect(mine.length).toBeGreaterThan(0);
		expect(mine.every((t) => t.assignee_id === staff.userId)).toBe(true);
		expect((await myTargets(d.db, director, NOW)).length).toBeGreaterThan(0);
		// the township's targets the worker's list leaves out are said, by kind and holder: with the
		// worker's own they make the township's share of the campaign, as the administrator's page
		// lists it (independently of the query the note comes from)
		const township = staff.jurisdiction.slice(0, 9);
		const inTownship = page.targets.filter((t) => t.area_code.startsWith(township));
		const others = await othersInMyArea(d.db, staff, NOW);
		const sum = others.reduce((a, o) => a + o.n, 0);
		expect(sum).toBeGreaterThan(0);
		expect(mine.length + sum).toBe(inTownship.length);
		const roles = await sql<{ id: number; role: string }>`
			SELECT id::float8 AS id, role FROM users`.execute(d.db);
		const roleOf = new Map(roles.rows.map((r) => [r.id, r.role]));
		const expected = new Map<string, number>();
		for (const t of inTownship.filter((t) => t.assignee_id !== staff.userId)) {
			const k = `${t.kind}:${t.assignee_id === null ? null : roleOf.get(t.assignee_id)}`;
			expected.set(k, (expected.get(k) ?? 0) + 1);
		}
		expect(others.every((o) => o.campaign_id === id)).toBe(true);
		expect(new Map(others.map((o) => [`${o.kind}:${o.role}`, o.n]))).toEqual(expected);
		// what the village's child director holds in the township (here a children's home) is
		// said to be theirs
		expect(others.some((o) => o.role === 'village_director')).toBe(true);
		// the director's own list and note: their village only, nothing held by the township
		const directorOthers = await othersInMyArea(d.db, director, NOW);
		const inVillage = page.targets.filter((t) => t.area_code.startsWith(director.jurisdiction));
		expect(
			(await myTargets(d.db, director, NOW)).length + directorOthers.reduce((a, o) => a + o.n, 0)
		).toBe(inVillage.length);
		// an administrator has no "others" note: their list is not a share of anything
		expect(await othersInMyArea(d.db, admin, NOW)).toEqual([]);
		// a restart launches nothing more
		expect(await seedDemoCampaign(d.db, () => {}, NOW)).toBeNull();
		const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM campaigns`.execute(d.db);
		expect(n.rows[0].n).toBe(1);
		// the same targets, reasons and holders as the administrator's own launch gives
		const own = await createCampaign(
			d.db,
			admin,
			{
				name: '对照',
				areaCode: admin.jurisdiction,
				startsAt: page.campaign.starts_at,
				endsAt: page.campaign.ends_at
			},
			meta,
			NOW
		);
		// a household visit reads as its village and a code of its own target (so of its campaign)
		const place = (t: (typeof page.targets)[number]) =>
			t.kind === 'village' ? t.name.replace(/ · [2-9A-HJ-NP-Z]{5}$/, '') : t.name;
		const key = (t: (typeof page.targets)[number]) =>
			JSON.stringify([t.kind, t.source_id, place(t), t.area_code, t.reason, t.assignee_id]);
		const theirs = (await campaignPage(d.db, admin, own.id, NOW)).targets.map(key).sort();
		expect(page.targets.map(key).sort()).toEqual(theirs);
	});
});

describe('the demo start (embedded engine)', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'tongan-demo-campaign-'));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	const campaigns = async (dataDir: string) => {
		// one township of the fixture county: a first start in a fraction of the county's time
		const cfg = { ...readEnv({ TONGAN_ROOT: ROOT, SEED_AREA: '421083100' }), dataDir };
		const database = await openAndPrepare(cfg, () => {});
		try {
			const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM campaigns`.execute(
				database.db
			);
			return r.rows[0].n;
		} finally {
			await database.close();
		}
	};

	it('leaves a database prepared before its start (the e2e fixture) without a campaign', async () => {
		const copy = path.join(dir, 'fixture');
		await cp(await ensurePgliteTemplate(), copy, { recursive: true });
		expect(await campaigns(copy)).toBe(0);
	});

	it('launches the campaign at the first start and not again at a restart', async () => {
		const fresh = path.join(dir, 'fresh');
		expect(await campaigns(fresh)).toBe(1);
		expect(await campaigns(fresh)).toBe(1);
	}, 300_000);
});
