// Checklists edited mid-campaign, on both engines: each edit is a new version with an audit
// entry; checks already made keep their answers and the labels of the version they answered; a
// new check is held to (and records) the version it was made on; a check made offline on an
// older version still arrives; bad edits and foreign administrators change nothing. The fixture
// is a county of its own (4298…) with one school, so the campaign has exactly one target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	createCampaign,
	recordTargetCheck,
	targetPage
} from '../../src/lib/server/services/campaigns';
import { recordFieldCheck } from '../../src/lib/server/services/field';
import { campaignDashboard } from '../../src/lib/server/services/campaign-dashboard';
import { campaignListFor } from '../../src/lib/server/services/list-exports';
import { labelKey } from '../../src/lib/domain/checklist';
import {
	campaignItemLabels,
	checklistsPage,
	editChecklist,
	type ChecklistEditInput
} from '../../src/lib/server/services/checklists';
import { CampaignRejected, Forbidden } from '../../src/lib/server/errors';
import { refusalOf } from '../../src/lib/server/http/errors';
import { DEFAULT_CHECKLIST_ITEMS, type Answer } from '../../src/lib/domain/campaign';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const COUNTY = '429800000000';
const T1 = '429800001000';

describe.each(testEngines())('checklist versions on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let staff: Principal;
	let foreign: Principal;
	let campaignId: number;
	let otherCampaignId: number;
	let targetId: number;
	let firstCheck: number;

	const counts = async () => {
		const r = await sql<{ versions: number; audits: number; checks: number }>`
			SELECT (SELECT count(*)::int FROM checklist_versions) AS versions,
				(SELECT count(*)::int FROM audit_log WHERE action = 'checklist_edited') AS audits,
				(SELECT count(*)::int FROM target_checks WHERE target_id = ${targetId}) AS checks`.execute(d.db);
		return r.rows[0];
	};
	const all = (items: readonly string[], hazard?: string) =>
		items.map((item) => ({ item, answer: (item === hazard ? 'hazard' : 'ok') as Answer }));
	const check = (answers: { item: string; answer: Answer }[], checklistVersion?: number | null) =>
		recordTargetCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				targetId,
				recordedAt: new Date(),
				answers,
				checklistVersion
			},
			meta
		);
	const edit = (who: Principal, input: ChecklistEditInput, id = campaignId) =>
		editChecklist(d.db, who, id, input, meta);
	const refusal = async (p: Promise<unknown>) => {
		const e = await p.then(
			() => null,
			(x: unknown) => x
		);
		expect(e).toBeInstanceOf(CampaignRejected);
		return (e as CampaignRejected).key;
	};

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		const db = d.db;
		const unit = (code: string, level: string, name: string, parent: string | null) =>
			sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(111.5, 31.2), 4326))`.execute(
				db
			);
		await unit(COUNTY, 'county', '清单县', null);
		await unit(T1, 'township', '清单镇', COUNTY);
		const user = async (username: string, role: string, code: string) => {
			const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}) RETURNING id::float8 AS id`.execute(db);
			return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
		};
		admin = await user('ckl.county', 'county_admin', COUNTY);
		staff = await user('ckl.staff', 'township_staff', T1);
		// the demo's county administrator of 洪湖市: an administrator, of another county
		foreign = await principalOf(db, 'county.admin');
		await sql`INSERT INTO institutions (kind, name, admin_code, geom)
			VALUES ('school', '清单小学', ${T1}, ST_SetSRID(ST_MakePoint(111.5, 31.2), 4326))`.execute(db);
		const launch = async (name: string) =>
			(
				await createCampaign(
					db,
					admin,
					{
						name,
						areaCode: COUNTY,
						startsAt: new Date(Date.now() - 86400_000),
						endsAt: new Date(Date.now() + 90 * 86400_000),
						rules: { segments: false, homes: false, stations: false, villages: false }
					},
					meta
				)
			).id;
		campaignId = await launch('清单行动');
		otherCampaignId = await launch('另一行动');
		const t = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM campaign_targets WHERE campaign_id = ${campaignId}`.execute(db);
		expect(t.rows).toHaveLength(1);
		targetId = t.rows[0].id;
	});
	afterAll(async () => {
		await d?.close();
	});

	it('starts on the default set, and a check before any edit answers it (version 0)', async () => {
		const p = await targetPage(d.db, staff, targetId);
		expect(p.items).toEqual([...DEFAULT_CHECKLIST_ITEMS.institution]);
		expect(p.checklist.version).toBe(0);
		// stated by a phone of today, and unstated by one queued before versions existed
		const r = await check(all(p.items, 'wall'), 0);
		firstCheck = r.id;
		expect(r.hazards).toHaveLength(1);
		const old = await check(all(p.items));
		const stored = await sql<{ id: number; v: number | null }>`
			SELECT id::float8 AS id, checklist_version_id::float8 AS v FROM target_checks
			WHERE id IN (${r.id}, ${old.id})`.execute(d.db);
		expect(stored.rows.map((x) => x.v)).toEqual([null, null]);
	});

	it('edits mid-campaign as new versions, each audited; old answers keep their labels', async () => {
		const before = await counts();
		expect(
			await edit(admin, {
				checklist: 'institution',
				version: '0',
				op: 'rename',
				item: 'wall',
				label: '围墙及护栏'
			})
		).toEqual({ version: 1, item: 'wall' });
		expect(
			await edit(admin, { checklist: 'institution', version: '1', op: 'add', label: '防雷设施' })
		).toEqual({ version: 2, item: 'added_a' });
		expect(
			await edit(admin, { checklist: 'institution', version: '2', op: 'retire', item: 'bus' })
		).toEqual({ version: 3, item: 'bus' });
		expect(
			await edit(admin, { checklist: 'institution', version: '3', op: 'up', item: 'added_a' })
		).toEqual({ version: 4, item: 'added_a' });
		const after = await counts();
		expect(after.versions - before.versions).toBe(4);
		expect(after.audits - before.audits).toBe(4);
		const audit = await sql<{ detail: unknown; resource: string; jurisdiction_code: string }>`
			SELECT detail, resource, jurisdiction_code FROM audit_log
			WHERE action = 'checklist_edited' ORDER BY id DESC LIMIT 4`.execute(d.db);
		const details = audit.rows.map((r) =>
			typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail
		);
		expect(details[3]).toMatchObject({
			checklist: 'institution',
			version: 1,
			op: 'rename',
			item: 'wall',
			label: '围墙及护栏',
			from: '围墙'
		});
		expect(audit.rows[0]).toMatchObject({
			resource: `campaign:${campaignId}`,
			jurisdiction_code: COUNTY
		});

		const p = await targetPage(d.db, staff, targetId);
		// the current version's items, in its order, with its labels
		expect(p.checklist.version).toBe(4);
		expect(p.items).toEqual([
			'buildings',
			'wall',
			'hillside',
			'water',
			'fire',
			'added_a',
			'hygiene'
		]);
		expect(p.checklist.labels).toMatchObject({
			wall: '围墙及护栏',
			added_a: '防雷设施',
			bus: null
		});
		// the checks made before keep every answer, under the default wording they were given on
		const first = p.checks.find((c) => c.id === firstCheck)!;
		expect(first.version).toBe(0);
		expect(first.labels.wall).toBeNull();
		expect(first.answers.map((a) => a.item).sort()).toEqual(
			[...DEFAULT_CHECKLIST_ITEMS.institution].sort()
		);
		expect(first.answers.find((a) => a.item === 'bus')!.answer).toBe('ok');
		expect(first.answers.find((a) => a.item === 'wall')!.answer).toBe('hazard');
		const stored = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM check_answers WHERE check_id = ${firstCheck}`.execute(d.db);
		expect(stored.rows[0].n).toBe(7);
		// another campaign's checklist is its own: still the default set
		const other = await checklistsPage(d.db, admin, otherCampaignId);
		expect(other.lists.find((l) => l.checklist === 'institution')!.version).toBe(0);
	});

	it('holds a new check to the version it was made on and records it', async () => {
		const p = await targetPage(d.db, staff, targetId);
		const r = await check(all(p.items, 'added_a'), p.checklist.version);
		expect(r.hazards).toHaveLength(1);
		const v = await sql<{ version: number; item: string }>`
			SELECT cv.version, h.item FROM target_checks k
			JOIN checklist_versions cv ON cv.id = k.checklist_version_id
			JOIN hazards h ON h.check_id = k.id
			WHERE k.id = ${r.id}`.execute(d.db);
		expect(v.rows).toEqual([{ version: 4, item: 'added_a' }]);
		const page = await targetPage(d.db, staff, targetId);
		const mine = page.checks.find((c) => c.id === r.id)!;
		expect(mine.version).toBe(4);
		expect(mine.labels).toMatchObject({ added_a: '防雷设施', wall: '围墙及护栏' });
		expect(mine.answers.map((a) => a.item)).toContain('added_a');
		expect(mine.answers.map((a) => a.item)).not.toContain('bus');
		// a hazard on the new item reads by its label
		expect(page.checklist.everLabels.added_a).toBe('防雷设施');
		// and so it does on every list and file that names it, never as its key
		const words = await campaignItemLabels(d.db, [campaignId, otherCampaignId]);
		expect(words[labelKey(campaignId, 'institution', 'added_a')]).toBe('防雷设施');
		expect(words[labelKey(otherCampaignId, 'institution', 'added_a')]).toBeUndefined();
		const dash = await campaignDashboard(d.db, admin, campaignId);
		expect(dash.open.filter((h) => h.item === 'added_a').map((h) => h.label)).toEqual(['防雷设施']);
		const file = await campaignListFor(d.db, admin, 'hazards', campaignId, 'zh-CN');
		const named = file.table.rows.filter((row) => row.includes('防雷设施'));
		expect(named).toHaveLength(1);
		expect(file.table.rows.some((row) => row.includes('added_a'))).toBe(false);
	});

	it('takes a check made offline on an older version, as the phone sends it', async () => {
		// version 1: the default items, the wall renamed; made before the edits that followed
		const v1 = [...DEFAULT_CHECKLIST_ITEMS.institution];
		const r = await recordFieldCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				targetId,
				recordedAt: new Date().toISOString(),
				checklistVersion: 1,
				answers: all(v1),
				photos: []
			},
			meta
		);
		const page = await targetPage(d.db, staff, targetId);
		const c = page.checks.find((x) => x.id === r.id)!;
		expect(c.version).toBe(1);
		expect(c.labels.wall).toBe('围墙及护栏');
		expect(c.labels.added_a).toBeUndefined();
	});

	it('refuses answers that do not fit the version stated, storing nothing', async () => {
		const before = await counts();
		// the default items under version 4 (bus is retired there, added_a is missing)
		expect(await refusal(check(all(DEFAULT_CHECKLIST_ITEMS.institution), 4))).toBe('cp.err.item');
		expect(await refusal(check(all(DEFAULT_CHECKLIST_ITEMS.institution), 9))).toBe(
			'ckl.err.version'
		);
		expect(await counts()).toEqual(before);
	});

	it('refuses bad edits and foreign administrators with a 400 in Chinese, changing nothing', async () => {
		const before = await counts();
		const at = { checklist: 'institution', version: '4' };
		const cases: [() => Promise<unknown>, string][] = [
			[() => edit(admin, { ...at, op: 'add', label: '   ' }), 'ckl.err.empty'],
			[() => edit(admin, { ...at, op: 'add', label: '长'.repeat(41) }), 'ckl.err.long'],
			[() => edit(admin, { ...at, op: 'add', label: '围墙及护栏' }), 'ckl.err.duplicate'],
			[() => edit(admin, { ...at, op: 'add', label: ' 消防安全 ' }), 'ckl.err.duplicate'],
			[() => edit(admin, { ...at, op: 'rename', item: 'nope', label: '某项' }), 'ckl.err.item'],
			[() => edit(admin, { ...at, op: 'explode', item: 'wall' }), 'ckl.err.op'],
			[
				() => edit(admin, { checklist: 'kitchen', version: '4', op: 'add', label: 'x' }),
				'ckl.err.checklist'
			],
			// made on a version someone else has since moved on from
			[
				() => edit(admin, { checklist: 'institution', version: '2', op: 'add', label: '新项' }),
				'ckl.err.stale'
			],
			[() => edit(admin, { ...at, op: 'add', label: '新项' }, 987654321), 'ckl.err.campaign'],
			[() => edit(foreign, { ...at, op: 'add', label: '新项' }), 'ckl.err.jurisdiction']
		];
		for (const [p, key] of cases) expect(await refusal(p())).toBe(key);
		// as the page's action answers it: a 400 with the reason in Chinese
		const e = await edit(foreign, { ...at, op: 'add', label: '新项' }).catch((x: unknown) => x);
		expect(refusalOf('zh-CN', e)).toMatchObject({
			status: 400,
			message: '只能修改本辖区排查行动的清单'
		});
		// field staff are not administrators at all
		await expect(edit(staff, { ...at, op: 'add', label: '新项' })).rejects.toBeInstanceOf(
			Forbidden
		);
		await expect(checklistsPage(d.db, staff, campaignId)).rejects.toBeInstanceOf(Forbidden);
		expect(await counts()).toEqual(before);
		const p = await targetPage(d.db, staff, targetId);
		expect(p.checklist.version).toBe(4);
	});

	it('gives two edits made on the same version one after the other, never both', async () => {
		const before = await counts();
		const at = { checklist: 'institution', version: '4' };
		const r = await Promise.allSettled([
			edit(admin, { ...at, op: 'add', label: '甲项' }),
			edit(admin, { ...at, op: 'add', label: '乙项' })
		]);
		expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
		const failed = r.find((x) => x.status === 'rejected') as PromiseRejectedResult;
		expect((failed.reason as CampaignRejected).key).toBe('ckl.err.stale');
		expect((await counts()).versions - before.versions).toBe(1);
	});
});
