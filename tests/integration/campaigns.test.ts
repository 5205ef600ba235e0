// Campaign targets by proximity on fixture geometry with known answers, and a hazard taken
// through 排查 → 登记 → 整改 → 销号 through the repository, on both engines. The fixture is a
// county of its own (code 4299…) far from the demo data, laid along one meridian so the distances
// are known exactly: on the sphere, a point due north of a north–south segment's end lies a
// whole number of metres of latitude from it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	campaignPage,
	createCampaign,
	hazardPage,
	hazardPhotoFor,
	myTargets,
	reassignTarget,
	recordTargetCheck,
	stepHazard,
	targetPage
} from '../../src/lib/server/services/campaigns';
import { segmentPage } from '../../src/lib/server/services/waterways';
import { CampaignRejected, Forbidden, NotFoundError } from '../../src/lib/server/errors';
import { releaseCount } from '../../src/lib/domain/disclosure';
import { EARTH_RADIUS_M } from '../../src/lib/geo/distance';
import { DEFAULT_CHECKLIST_ITEMS, householdLabel } from '../../src/lib/domain/campaign';
import { checkPhotoFor, targetPhotos } from '../../src/lib/server/services/field';
import { analysisFor } from '../../src/lib/server/services/exposure';
import { campaignListFor } from '../../src/lib/server/services/list-exports';
import { hazardsPage } from '../../src/lib/server/services/escalation';
import { campaignBulletin } from '../../src/lib/server/services/campaign-dashboard';
import { beijingDay } from '../../src/lib/domain/campaign-dashboard';
import { completePhotoUpload, insertPhotoUpload } from '../../src/lib/server/repositories/field';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { routeEvent, type RouteHandler } from '../support/route-event';
import { POST as postHazardStep } from '../../src/routes/api/hazard-steps/+server';
import { hazardStepOf } from '../../src/lib/server/http/hazard-step-form';

// the hazard-step route reads the database the app opens: here, the test's
const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const COUNTY = '429900000000';
const T1 = '429900001000';
const T2 = '429900002000';
const V1 = '429900001001';
const V2 = '429900001002';
const V3 = '429900002001';
/** metres → degrees of latitude on the sphere PostGIS and Turf use */
const deg = (m: number) => (m / EARTH_RADIUS_M) * (180 / Math.PI);
const LON_POND = 110.5;
const LON_RIVER = 110.6;
const LAT0 = 31.5;
const LAT1 = 31.51;
/** a point `m` metres due north of the pond's north end */
const northOfPond = (m: number) => [LON_POND, LAT1 + deg(m)] as const;

describe.each(testEngines())('hazard campaigns on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let staff: Principal;
	let staff2: Principal;
	let director: Principal;
	let otherStaff: Principal;
	let riverChief: Principal;
	let campaignId: number;
	const pseudonyms: string[] = [];
	const keys = { near: [101, 2002, 30003], far: [7, 8], river: [11, 12, 13, 14] };

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		const db = d.db;
		const unit = (code: string, level: string, name: string, parent: string | null, lon: number) =>
			sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(${lon}::float8, ${LAT0}::float8), 4326))`.execute(
				db
			);
		await unit(COUNTY, 'county', '测试县', null, LON_POND);
		await unit(T1, 'township', '一号镇', COUNTY, LON_POND);
		await unit(T2, 'township', '二号镇', COUNTY, 110.8);
		await unit(V1, 'village', '塘边村', T1, LON_POND);
		await unit(V2, 'village', '河边村', T1, LON_RIVER);
		await unit(V3, 'village', '远村', T2, 110.8);
		const user = async (username: string, role: string, code: string) => {
			const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}) RETURNING id::float8 AS id`.execute(db);
			return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
		};
		admin = await user('cp.county', 'county_admin', COUNTY);
		staff = await user('cp.staff', 'township_staff', T1);
		staff2 = await user('cp.staff2', 'township_staff', T1);
		director = await user('cp.director', 'village_director', V1);
		otherStaff = await user('cp.other', 'township_staff', T2);
		// sees the township's targets, never its children's homes (counts only)
		riverChief = await user('cp.chief', 'river_chief', T1);
		const line = (lon: number) =>
			sql`ST_SetSRID(ST_MakeLine(ST_MakePoint(${lon}::float8, ${LAT0}::float8), ST_MakePoint(${lon}::float8, ${LAT1}::float8)), 4326)`;
		const seg = async (name: string, lon: number, present: boolean) => {
			const r = await sql<{ id: number }>`
				INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m)
				VALUES ('pond', ${name}, ${COUNTY}, ${T1}, ${line(lon)}, 1112) RETURNING id::float8 AS id`.execute(
				db
			);
			const id = r.rows[0].id;
			for (const item of ['sign', 'buoy', 'rope', 'pole', 'barrier'])
				await sql`INSERT INTO safety_equipment (waterway_id, item, status)
					VALUES (${id}, ${item}, ${present && item !== 'barrier' ? 'present' : 'missing'})`.execute(db);
			await sql`INSERT INTO segment_requirements (waterway_id, required, radius_m)
				VALUES (${id}, true, 500)`.execute(db);
			return id;
		};
		await seg('测试塘', LON_POND, false);
		await seg('完好河', LON_RIVER, true);
		const pt = (lon: number, lat: number) =>
			sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;
		const inst = (name: string, kind: string, code: string, lon: number, lat: number) =>
			sql`INSERT INTO institutions (kind, name, admin_code, geom) VALUES (${kind}, ${name}, ${code}, ${pt(lon, lat)})`.execute(
				db
			);
		await inst('塘边小学', 'school', T1, ...northOfPond(150));
		await inst('镇幼儿园', 'kindergarten', T1, ...northOfPond(600));
		// in another township of the county, 5 km from any water: listed, not flagged
		await inst('远村小学', 'school', T2, 110.8, LAT0 - 0.05);
		await sql`INSERT INTO children_homes (name, village_code, area_m2, status, geom) VALUES
			('塘边村儿童之家', ${V1}, 40, 'open', ${pt(...northOfPond(300))}),
			('已关闭儿童之家', ${V1}, 40, 'closed', ${pt(...northOfPond(350))})`.execute(db);
		await sql`INSERT INTO sunshine_stations (name, admin_code, geom) VALUES
			('一号镇阳光驿站', ${T1}, ${pt(...northOfPond(1500))})`.execute(db);
		const child = async (village: string, lon: number, lat: number, key: number) =>
			sql`INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, record_key)
				VALUES (${pseudonyms[pseudonyms.push('cp-' + randomUUID()) - 1]}, ${village}, '2015-01-01', ARRAY['left_behind_rural'], ${pt(lon, lat)}, ${key})`.execute(
				db
			);
		// three within 500 m of the incomplete pond, two beyond it
		for (const [i, m] of [100, 250, 480].entries())
			await child(V1, ...northOfPond(m), keys.near[i]);
		for (const [i, m] of [800, 1200].entries()) await child(V1, ...northOfPond(m), keys.far[i]);
		// four beside the complete river: no household-visit target for their village
		for (const [i, k] of keys.river.entries())
			await child(V2, LON_RIVER, LAT1 + deg(50 + 50 * i), k);
		campaignId = (
			await createCampaign(
				d.db,
				admin,
				{
					name: '2027年汛期隐患排查',
					areaCode: COUNTY,
					startsAt: new Date(Date.now() - 86400_000),
					endsAt: new Date(Date.now() + 90 * 86400_000),
					rules: { institutionWaterM: 200 }
				},
				meta
			)
		).id;
	});
	afterAll(async () => {
		await d?.close();
	});

	it('is alone: no water of the demo data lies within 3 km of the fixture', async () => {
		const r = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM waterways
			WHERE county_code <> ${COUNTY}
				AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(${LON_POND}::float8, ${LAT1}::float8), 4326)::geography, 3000, false)`.execute(
			d.db
		);
		expect(r.rows[0].n).toBe(0);
	});

	it('lists every target with why, flags institutions near water, and assigns by area', async () => {
		const p = await campaignPage(d.db, admin, campaignId);
		// a household visit is listed on the desk as on the phone: its village and its code
		const visit = p.targets.find((t) => t.kind === 'village')!;
		expect(visit.name).toBe(householdLabel('塘边村', visit.id));
		expect(visit.name).toMatch(/^塘边村 · [2-9A-HJ-NP-Z]{5}$/);
		const byName = new Map(p.targets.map((t) => [t.kind === 'village' ? '塘边村' : t.name, t]));
		expect([...byName.keys()].sort()).toEqual(
			[
				'塘边小学',
				'镇幼儿园',
				'远村小学',
				'测试塘',
				'塘边村儿童之家',
				'一号镇阳光驿站',
				'塘边村'
			].sort()
		);
		const school = byName.get('塘边小学')!;
		expect(school.flagged).toBe(true);
		expect(school.reason).toMatchObject({ code: 'near_water', water: '测试塘', limitM: 200 });
		expect((school.reason as { distanceM: number }).distanceM).toBe(150);
		expect(school.nearest_water_m).toBeCloseTo(150, 0);
		const kg = byName.get('镇幼儿园')!;
		expect(kg.flagged).toBe(false);
		expect(kg.reason).toEqual({ code: 'institution', limitM: 200 });
		expect(kg.nearest_water_m).toBeCloseTo(600, 0);
		expect(byName.get('远村小学')!.nearest_water).toBeNull();
		expect(byName.get('测试塘')!.reason).toEqual({ code: 'incomplete', usable: 0 });
		expect(byName.get('塘边村儿童之家')!.reason).toEqual({ code: 'every_home' });
		expect(byName.get('一号镇阳光驿站')!.reason).toEqual({ code: 'every_station' });
		// the village's count is the released figure of exactly the three children near the pond
		const village = byName.get('塘边村')!;
		const sum = keys.near.reduce((a, b) => a + b, 0);
		expect(village.reason).toEqual({
			code: 'children_near_water',
			children: releaseCount(3, sum),
			limitM: 500
		});
		expect(village.kind).toBe('village');
		// homes and household visits go to the village's child director, the rest to the township
		expect(village.assignee_id).toBe(director.userId);
		expect(byName.get('塘边村儿童之家')!.assignee_id).toBe(director.userId);
		expect(school.assignee_id).toBe(staff.userId);
		expect(byName.get('远村小学')!.assignee_id).toBe(otherStaff.userId);
		expect(p.progress).toMatchObject({ targets: 7, visited: 0, found: 0 });
	});

	it('scopes campaigns and targets to the jurisdiction', async () => {
		const honghu = await principalOf(d.db, 'county.admin');
		await expect(campaignPage(d.db, honghu, campaignId)).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			createCampaign(
				d.db,
				honghu,
				{
					name: 'x',
					areaCode: COUNTY,
					startsAt: new Date(),
					endsAt: new Date(Date.now() + 86400_000)
				},
				meta
			)
		).rejects.toBeInstanceOf(CampaignRejected);
		await expect(
			createCampaign(
				d.db,
				staff,
				{ name: 'x', areaCode: T1, startsAt: new Date(), endsAt: new Date(Date.now() + 86400_000) },
				meta
			)
		).rejects.toBeInstanceOf(Forbidden);
		// a township's staff see only their township's targets
		const other = await campaignPage(d.db, otherStaff, campaignId);
		expect(other.targets.map((t) => t.name)).toEqual(['远村小学']);
		expect((await myTargets(d.db, otherStaff)).map((t) => t.name)).toEqual(['远村小学']);
		const school = (await myTargets(d.db, staff)).find((t) => t.name === '塘边小学')!;
		await expect(targetPage(d.db, otherStaff, school.id)).rejects.toBeInstanceOf(NotFoundError);
		// reassigned within its township only
		await expect(
			reassignTarget(d.db, admin, school.id, otherStaff.userId, meta)
		).rejects.toBeInstanceOf(CampaignRejected);
		// and to a child director only inside their own village: the school is the township's
		await expect(
			reassignTarget(d.db, admin, school.id, director.userId, meta)
		).rejects.toBeInstanceOf(CampaignRejected);
		expect((await myTargets(d.db, director)).map((t) => t.name)).not.toContain('塘边小学');
		await reassignTarget(d.db, admin, school.id, staff2.userId, meta);
		expect((await myTargets(d.db, staff2)).map((t) => t.name)).toEqual(['塘边小学']);
		await reassignTarget(d.db, admin, school.id, staff.userId, meta);
	});

	it('takes a hazard found in a check through to closure, logging every step', async () => {
		const school = (await myTargets(d.db, staff)).find((t) => t.name === '塘边小学')!;
		const items = DEFAULT_CHECKLIST_ITEMS.institution;
		const sub = {
			clientUuid: randomUUID(),
			targetId: school.id,
			recordedAt: new Date(),
			lon: school.lon,
			lat: school.lat,
			answers: items.map((item) =>
				item === 'wall'
					? { item, answer: 'hazard' as const, note: '围墙开裂' }
					: { item, answer: item === 'bus' ? ('na' as const) : ('ok' as const) }
			)
		};
		// an answer missing: refused, nothing written
		await expect(
			recordTargetCheck(d.db, staff, { ...sub, answers: sub.answers.slice(1) }, meta)
		).rejects.toMatchObject({ key: 'cp.err.missing' });
		const first = await recordTargetCheck(d.db, staff, sub, meta);
		const again = await recordTargetCheck(d.db, staff, sub, meta);
		expect(first.duplicate).toBe(false);
		expect(first.hazards).toHaveLength(1);
		expect(again).toEqual({ ...first, duplicate: true });
		// someone else's UUID is theirs
		await expect(recordTargetCheck(d.db, staff2, sub, meta)).rejects.toMatchObject({
			key: 'check.conflict'
		});
		const hid = first.hazards[0];
		let page = await hazardPage(d.db, admin, hid);
		expect(page.hazard).toMatchObject({ state: 'found', item: 'wall', description: '围墙开裂' });
		// sent as soon as it was recorded: the log does not repeat the same minute as its field time
		expect(page.events[0]).toMatchObject({ from_state: null, to_state: 'found', taken_at: null });
		expect(page.actions).toEqual(['register']);
		// the worker who found it may not register it: the page says who does (from the policy)
		expect(await hazardPage(d.db, staff, hid)).toMatchObject({
			actions: [],
			nextStep: { action: 'register', roles: ['county_admin'] }
		});

		// no skipping: a fix before registration is refused
		const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4a4' } })
			.jpeg()
			.toBuffer();
		await expect(
			stepHazard(d.db, staff, hid, { action: 'fix', note: '', afterPhoto: true }, jpeg, meta)
		).rejects.toMatchObject({ key: 'hazard.err.state' });
		// the worker does not register; the county does
		const deadline = new Date(Date.now() + 7 * 86400_000);
		const register = {
			action: 'register' as const,
			severity: 'major' as const,
			responsible: '王校长',
			deadline
		};
		await expect(stepHazard(d.db, staff, hid, register, null, meta)).rejects.toBeInstanceOf(
			Forbidden
		);
		await stepHazard(d.db, admin, hid, register, null, meta);
		// the wall found cracked again by a later check while the hazard is open: the same hazard
		// (its log notes the check), not a second one to count, fix and close
		const seenAgain = await recordTargetCheck(
			d.db,
			staff,
			{ ...sub, clientUuid: randomUUID(), recordedAt: new Date() },
			meta
		);
		expect(seenAgain.hazards).toEqual([hid]);
		const open = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM hazards WHERE target_id = ${school.id}`.execute(d.db);
		expect(open.rows[0].n).toBe(1);
		// the wall recorded 正常 by a later check: not a fix (that needs its photo and another
		// person's verification), but the hazard's log says it was seen so, by whom and why
		const okAnswers = sub.answers.map((a) =>
			a.item === 'wall' ? { item: a.item, answer: 'ok' as const, note: '看不到裂缝' } : a
		);
		await recordTargetCheck(
			d.db,
			staff,
			{ ...sub, clientUuid: randomUUID(), recordedAt: new Date(), answers: okAnswers },
			meta
		);
		page = await hazardPage(d.db, admin, hid);
		expect(page.hazard.state).toBe('registered');
		expect(page.events.at(-1)).toMatchObject({
			from_state: 'registered',
			to_state: 'registered',
			seen_ok: true,
			note: '看不到裂缝'
		});
		// only the wall's hazard is noted (the other items had none), and nothing else counted
		expect(page.events.filter((e) => e.seen_ok)).toHaveLength(1);
		expect(page.events.filter((e) => !e.seen_ok).every((e) => e.note !== '看不到裂缝')).toBe(true);
		// a step taken on what the user saw before someone else moved it on changes nothing
		await expect(
			stepHazard(d.db, admin, hid, { ...register, expected: 'found' }, null, meta)
		).rejects.toMatchObject({ key: 'hazard.err.moved' });
		// a fix needs its after photo
		await expect(
			stepHazard(d.db, staff, hid, { action: 'fix', note: '已修补', afterPhoto: false }, null, meta)
		).rejects.toMatchObject({ key: 'hazard.err.photo' });
		await stepHazard(
			d.db,
			staff,
			hid,
			{ action: 'fix', note: '已修补', afterPhoto: true },
			jpeg,
			meta
		);
		// the fixer cannot close their own fix
		await expect(
			stepHazard(d.db, staff, hid, { action: 'close', note: '' }, null, meta)
		).rejects.toMatchObject({ key: 'hazard.err.sameVerifier' });
		page = await hazardPage(d.db, staff, hid);
		expect(page.actions).toEqual([]);
		// and is told why: another person verifies
		expect(page.noActionReason).toBe('hazard.err.sameVerifier');
		expect(page.hazard.after_photo).not.toBeNull();
		expect((await hazardPage(d.db, staff2, hid)).noActionReason).toBeNull();
		// overdue is past the deadline and not closed
		const later = new Date(deadline.getTime() + 86400_000);
		expect((await campaignPage(d.db, admin, campaignId, later)).progress).toMatchObject({
			fixed: 1,
			overdue: 1,
			visited: 1
		});
		// a fix sent back is no longer the hazard's fix: its photo goes with its note
		const rejectedPhoto = page.hazard.after_photo;
		await stepHazard(d.db, staff2, hid, { action: 'reject', note: '未修好' }, null, meta);
		page = await hazardPage(d.db, admin, hid);
		expect(page.hazard).toMatchObject({ state: 'registered', fix_note: null, after_photo: null });
		await stepHazard(
			d.db,
			staff,
			hid,
			{ action: 'fix', note: '重新修补', afterPhoto: true },
			jpeg,
			meta
		);
		page = await hazardPage(d.db, admin, hid);
		expect(page.hazard.after_photo).not.toBeNull();
		expect(page.hazard.after_photo).not.toBe(rejectedPhoto);
		await stepHazard(d.db, staff2, hid, { action: 'close', note: '已核实' }, null, meta);
		page = await hazardPage(d.db, admin, hid);
		expect(page.hazard).toMatchObject({
			state: 'closed',
			closed_by: staff2.userId,
			overdue: false
		});
		expect(page.events.map((e) => [e.from_state, e.to_state])).toEqual([
			[null, 'found'],
			['found', 'registered'],
			// seen again (有隐患), then seen fine (正常): neither moves the hazard
			['registered', 'registered'],
			['registered', 'registered'],
			['registered', 'fixed'],
			['fixed', 'registered'],
			['registered', 'fixed'],
			['fixed', 'closed']
		]);
		// closed is final
		await expect(
			stepHazard(d.db, admin, hid, { action: 'close', note: '' }, null, meta)
		).rejects.toMatchObject({ key: 'hazard.err.state' });
		// the log cannot be rewritten, and the table refuses a row that skipped a step
		await expect(
			sql`UPDATE hazard_events SET note = 'x' WHERE hazard_id = ${hid}`.execute(d.db)
		).rejects.toThrow(/append-only/);
		const h2 = (
			await recordTargetCheck(
				d.db,
				staff,
				{ ...sub, clientUuid: randomUUID(), recordedAt: new Date() },
				meta
			)
		).hazards[0];
		// once closed, the wall cracked again is a new hazard
		expect(h2).not.toBe(hid);
		await expect(
			sql`UPDATE hazards SET state = 'closed', closed_by = ${admin.userId} WHERE id = ${h2}`.execute(
				d.db
			)
		).rejects.toThrow(/hazards_/);
		const audit = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE action = 'hazard_step' AND resource = ${'hazard:' + hid}`.execute(
			d.db
		);
		// register, fix, reject, fix again, close
		expect(audit.rows[0].n).toBe(5);
	});

	it("takes a step sent from the phone's outbox exactly once, however often it arrives", async () => {
		const kg = (await myTargets(d.db, staff)).find((t) => t.name === '镇幼儿园')!;
		const found = await recordTargetCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				targetId: kg.id,
				// the check waited on the phone too: recorded in the field a quarter of an hour ago
				recordedAt: new Date(Date.now() - 15 * 60_000),
				lon: kg.lon,
				lat: kg.lat,
				answers: DEFAULT_CHECKLIST_ITEMS.institution.map((item) => ({
					item,
					answer: item === 'fire' ? ('hazard' as const) : ('ok' as const)
				}))
			},
			meta
		);
		const hid = found.hazards[0];
		const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#46a' } })
			.jpeg()
			.toBuffer();
		/** the outbox's request: the page form's fields, the hazard, the action and the step's id */
		const post = async (who: Principal, fields: Record<string, string>, photo?: Buffer) => {
			const form = new FormData();
			for (const [k, v] of Object.entries(fields)) form.set(k, v);
			if (photo) form.set('photo', new Blob([new Uint8Array(photo)]), 'after.jpg');
			const req = new Request('http://localhost/api/hazard-steps', { method: 'POST', body: form });
			const res = await (postHazardStep as RouteHandler)(routeEvent(who, req));
			return { status: res.status, body: (await res.json()) as Record<string, string> };
		};
		const logged = async () =>
			(
				await sql<{ to_state: string; client_uuid: string | null }>`
					SELECT to_state, client_uuid::text FROM hazard_events
					WHERE hazard_id = ${hid} ORDER BY id`.execute(d.db)
			).rows;
		const deadline = beijingDay(new Date(Date.now() + 7 * 86400_000));
		const register = {
			hazardId: String(hid),
			action: 'register',
			clientUuid: randomUUID(),
			expected: 'found',
			severity: 'major',
			responsible: '李园长',
			deadline
		};
		// sent three times (answers lost on the way back): taken once, then answered as taken
		const sends = [];
		for (let i = 0; i < 3; i++) sends.push((await post(admin, register)).status);
		expect(sends).toEqual([201, 200, 200]);
		expect((await logged()).map((e) => e.to_state)).toEqual(['found', 'registered']);
		expect((await logged())[1].client_uuid).toBe(register.clientUuid);

		// a fix with its after photo, three times: one step, one photo
		const fix = {
			hazardId: String(hid),
			action: 'fix',
			clientUuid: randomUUID(),
			expected: 'registered',
			note: '已更换灭火器',
			// taken on the phone ten minutes before it could be sent
			takenAt: new Date(Date.now() - 10 * 60_000).toISOString()
		};
		// refused as the form would be, in the user's language, and nothing is written: no photo,
		// no id for the step, an action that does not exist
		const noPhoto = await post(staff, fix);
		expect(noPhoto).toMatchObject({ status: 400, body: { field: 'photo' } });
		expect(noPhoto.body.message).toMatch(/照片/);
		const noId = await post(staff, { ...fix, clientUuid: '' }, jpeg);
		expect(noId).toMatchObject({ status: 400, body: { field: 'clientUuid' } });
		expect((await post(staff, { ...fix, action: 'skip' }, jpeg)).status).toBe(400);
		expect(await logged()).toHaveLength(2);
		for (let i = 0; i < 3; i++) sends.push((await post(staff, fix, jpeg)).status);
		expect(sends.slice(3)).toEqual([201, 200, 200]);
		const photos = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM hazard_photos WHERE hazard_id = ${hid} AND stage = 'after'`.execute(
			d.db
		);
		expect(photos.rows[0].n).toBe(1);
		const fixedPage = await hazardPage(d.db, admin, hid);
		expect(fixedPage.hazard).toMatchObject({ state: 'fixed', fix_note: '已更换灭火器' });
		// the log keeps the arrival as the step's time and says when it was taken in the field
		const fixEvent = fixedPage.events.find((e) => e.to_state === 'fixed')!;
		expect(fixEvent.taken_at?.toISOString()).toBe(fix.takenAt);
		expect(fixEvent.at.getTime()).toBeGreaterThan(Date.parse(fix.takenAt) + 9 * 60_000);
		expect(fixedPage.events.find((e) => e.to_state === 'registered')!.taken_at).toBeNull();
		// the finding says when its check was recorded in the field, as the fix does
		const findEvent = fixedPage.events.find((e) => e.from_state === null)!;
		expect(findEvent.taken_at!.getTime()).toBeLessThan(findEvent.at.getTime() - 14 * 60_000);
		// the registration sent once more after the hazard moved on: still answered as taken,
		// not refused as out of date (the outbox would show it as refused)
		expect((await post(admin, register)).status).toBe(200);
		// another person's step under the same id is a conflict, not theirs to take
		expect((await post(staff2, { ...fix, action: 'close', expected: 'fixed' })).status).toBe(409);
		// a step of a hazard that has moved on, under a new id, is refused for good
		const stale = await post(admin, { ...register, clientUuid: randomUUID() });
		expect(stale).toMatchObject({ status: 400, body: { field: 'register' } });
		expect(stale.body.message).toMatch(/已有人先行办理/);
		expect((await logged()).map((e) => e.to_state)).toEqual(['found', 'registered', 'fixed']);
		const audit = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE action = 'hazard_step' AND resource = ${'hazard:' + hid}`.execute(
			d.db
		);
		expect(audit.rows[0].n).toBe(2);
		// the page's own form without JavaScript sends an empty id: a step like any other
		const plain = new FormData();
		plain.set('expected', 'fixed');
		plain.set('clientUuid', '');
		plain.set('note', '已核实');
		const parsed = await hazardStepOf('close', plain, 'zh-CN');
		expect(parsed).toMatchObject({ ok: true, step: { action: 'close', note: '已核实' } });
		expect(parsed.ok && parsed.step.clientUuid).toBeUndefined();
		expect(
			(
				await post(staff2, {
					...fix,
					action: 'close',
					expected: 'fixed',
					clientUuid: randomUUID(),
					note: '已核实'
				})
			).status
		).toBe(201);
	});

	it('keeps a household visit pseudonymous on the phone, its homes and photos for allowed roles only', async () => {
		const mine = await myTargets(d.db, director);
		const visit = mine.find((t) => t.kind === 'village')!;
		// the village and a stable code, not the village alone and nothing about a child
		expect(visit.name).toMatch(/^塘边村 · [2-9A-HJ-NP-Z]{5}$/);
		expect((await myTargets(d.db, director)).find((t) => t.id === visit.id)!.name).toBe(visit.name);
		const page = await targetPage(d.db, director, visit.id);
		expect(page.target.name).toBe(visit.name);
		const kept = JSON.stringify([mine, page]);
		for (const p of pseudonyms) expect(kept).not.toContain(p);
		expect(kept).not.toContain('2015-01-01');
		// the director may see the village's homes: the audited view on the map; others may not
		expect(page.homesLink).toBe(`/?area=${V1}&purpose=home_visit`);
		expect((await targetPage(d.db, riverChief, visit.id)).homesLink).toBeNull();
		const school = (await myTargets(d.db, staff)).find((t) => t.name === '塘边小学')!;
		expect((await targetPage(d.db, staff, school.id)).homesLink).toBeNull();
		// the desk's file and the bulletin (of the first day, before any check) call it the same
		const file = await campaignListFor(d.db, admin, 'targets', campaignId, 'zh-CN');
		expect(file.table.rows.filter((r) => r[0] === visit.id).map((r) => r[1])).toEqual([visit.name]);
		const firstDay = beijingDay(new Date(Date.now() - 86400_000));
		const bulletin = await campaignBulletin(d.db, admin, campaignId, firstDay);
		expect(bulletin.unvisited.find((t) => t.id === visit.id)?.name).toBe(visit.name);

		// a photo of the visit, stamped at the home it was taken in
		const home = northOfPond(100);
		const check = await recordTargetCheck(
			d.db,
			director,
			{
				clientUuid: randomUUID(),
				targetId: visit.id,
				recordedAt: new Date(),
				lon: home[0],
				lat: home[1],
				answers: DEFAULT_CHECKLIST_ITEMS.household.map((item) => ({ item, answer: 'ok' as const }))
			},
			meta
		);
		const upload = randomUUID();
		const stamp = `2027-06-01 10:00 ${home[1].toFixed(6)}, ${home[0].toFixed(6)}`;
		await insertPhotoUpload(d.db, {
			uploadId: upload,
			checkId: check.id,
			userId: director.userId,
			item: null,
			sizeBytes: 3,
			takenAt: new Date(),
			lon: home[0],
			lat: home[1],
			stamp
		});
		await completePhotoUpload(d.db, upload, 'a'.repeat(64));
		const dir = await mkdtemp(path.join(tmpdir(), 'tongan-photos-'));
		try {
			await writeFile(path.join(dir, upload), Buffer.from([1, 2, 3]));
			// the page (kept on the phone) lists the photo without its stamp
			const listed = await targetPhotos(d.db, director, visit.id);
			expect(listed).toHaveLength(1);
			expect(listed[0].stamp).toBeNull();
			expect(JSON.stringify(listed)).not.toContain(home[1].toFixed(6));
			const shown = await checkPhotoFor(d.db, director, listed[0].id, dir);
			expect(shown.home).toBe(true);
			// a role that may not see homes sees neither the photo nor that it exists
			expect(await targetPhotos(d.db, riverChief, visit.id)).toEqual([]);
			await expect(checkPhotoFor(d.db, riverChief, listed[0].id, dir)).rejects.toBeInstanceOf(
				NotFoundError
			);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}

		// a hazard found at the home: its after photo is a photo of the home, withheld alike
		const found = await recordTargetCheck(
			d.db,
			director,
			{
				clientUuid: randomUUID(),
				targetId: visit.id,
				recordedAt: new Date(),
				lon: home[0],
				lat: home[1],
				answers: DEFAULT_CHECKLIST_ITEMS.household.map((item) =>
					item === 'electricity'
						? { item, answer: 'hazard' as const, note: '插座裸露' }
						: { item, answer: 'ok' as const }
				)
			},
			meta
		);
		const hid = found.hazards[0];
		// the photo of the bare socket, taken as it was found, and one of another item
		const shots: Record<string, string> = {};
		for (const item of ['electricity', 'fire']) {
			shots[item] = randomUUID();
			await insertPhotoUpload(d.db, {
				uploadId: shots[item],
				checkId: found.id,
				userId: director.userId,
				item,
				sizeBytes: 3,
				takenAt: new Date(),
				lon: home[0],
				lat: home[1],
				stamp
			});
			await completePhotoUpload(d.db, shots[item], 'b'.repeat(64));
		}
		const photoOf = async (upload: string) =>
			(
				await sql<{ id: number }>`
					SELECT id::float8 AS id FROM check_photos WHERE upload_id = ${upload}::uuid`.execute(d.db)
			).rows[0].id;
		const deadline = new Date(Date.now() + 7 * 86400_000);
		await stepHazard(
			d.db,
			admin,
			hid,
			{ action: 'register', severity: 'general', responsible: '村委会', deadline },
			null,
			meta
		);
		const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#888' } })
			.jpeg()
			.toBuffer();
		await stepHazard(
			d.db,
			staff,
			hid,
			{ action: 'fix', note: '已更换', afterPhoto: true },
			jpeg,
			meta
		);
		const seen = await hazardPage(d.db, director, hid);
		expect(seen.photoWithheld).toBe(false);
		// the page shows what was seen when it was found: that item's photo, not the others'
		expect(seen.foundPhotos.map((p) => p.id)).toEqual([await photoOf(shots.electricity)]);
		const photoId = seen.hazard.after_photo!;
		expect(photoId).not.toBeNull();
		expect((await hazardPhotoFor(d.db, director, photoId)).home).toBe(true);
		// the river chief follows the township's hazards, but not into a child's home
		const chief = await hazardPage(d.db, riverChief, hid);
		expect(chief.hazard).toMatchObject({ state: 'fixed', after_photo: null });
		expect(chief.photoWithheld).toBe(true);
		expect(chief.foundPhotos).toEqual([]);
		await expect(hazardPhotoFor(d.db, riverChief, photoId)).rejects.toBeInstanceOf(NotFoundError);
		// an institution's after photo is no one's home: the river chief sees it as before
		const other = await sql<{ id: number }>`
			SELECT p.id::float8 AS id FROM hazard_photos p
			JOIN hazards h ON h.id = p.hazard_id JOIN campaign_targets t ON t.id = h.target_id
			WHERE t.kind <> 'village' LIMIT 1`.execute(d.db);
		expect(other.rows).toHaveLength(1);
		expect((await hazardPhotoFor(d.db, riverChief, other.rows[0].id)).home).toBe(false);
	});

	it('keeps a household visit and its hazards from the child director of a neighbouring village', async () => {
		// 河边村's director: the same township as 塘边村, whose visit has a hazard with a note
		const r = await sql<{ id: number }>`
			INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code)
			VALUES ('cp.director2', 'cp.director2', 'x', 'village_director', ${V2})
			RETURNING id::float8 AS id`.execute(d.db);
		const neighbour = {
			userId: r.rows[0].id,
			username: 'cp.director2',
			role: 'village_director',
			jurisdiction: V2
		} as Principal;
		const visit = (await myTargets(d.db, director)).find((t) => t.kind === 'village')!;
		const hazards = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM hazards WHERE target_id = ${visit.id}`.execute(d.db);
		expect(hazards.rows.length).toBeGreaterThan(0);
		// neither the visit's page (its checks' notes about a family) nor its hazards' pages
		await expect(targetPage(d.db, neighbour, visit.id)).rejects.toBeInstanceOf(NotFoundError);
		for (const h of hazards.rows)
			await expect(hazardPage(d.db, neighbour, h.id)).rejects.toBeInstanceOf(NotFoundError);
		// nor in the campaign's lists, nor the hazard list
		const page = await campaignPage(d.db, neighbour, campaignId);
		expect(page.targets.map((t) => t.id)).not.toContain(visit.id);
		expect(page.targets.some((t) => t.name === '塘边小学')).toBe(true);
		expect(page.hazards.map((h) => h.target_id)).not.toContain(visit.id);
		const list = await hazardsPage(d.db, neighbour);
		expect(list.hazards.map((h) => h.target_id)).not.toContain(visit.id);
		// the village's own director and the township's staff still reach it all
		expect((await targetPage(d.db, director, visit.id)).target.id).toBe(visit.id);
		expect((await campaignPage(d.db, staff, campaignId)).targets.map((t) => t.id)).toContain(
			visit.id
		);
		expect((await hazardsPage(d.db, staff)).hazards.map((h) => h.target_id)).toContain(visit.id);
	});

	it('generates the same targets through PostGIS alone as through the in-memory engine', async () => {
		// last, as it launches two more campaigns: the launch above went through the engine (the
		// default); now both, side by side
		const launch = async (engine: 'memory' | 'postgis') => {
			const { id } = await createCampaign(
				d.db,
				admin,
				{
					name: `对照 ${engine}`,
					areaCode: COUNTY,
					startsAt: new Date(Date.now() - 86400_000),
					endsAt: new Date(Date.now() + 90 * 86400_000),
					rules: { institutionWaterM: 200 }
				},
				meta,
				new Date(),
				engine
			);
			const p = await campaignPage(d.db, admin, id);
			return p.targets
				.map((t) => ({
					kind: t.kind,
					source: t.source_id,
					// a household visit's code is its target's id: another in each campaign
					name: t.kind === 'village' ? t.name.replace(/ · \w{5}$/, '') : t.name,
					area: t.area_code,
					at: [t.lon, t.lat],
					reason: t.reason,
					flagged: t.flagged,
					water: t.nearest_water,
					assignee: t.assignee_id,
					// the two measure the same sphere; their sums differ in the last digits
					m: t.nearest_water_m === null ? null : Math.round(t.nearest_water_m * 1000) / 1000
				}))
				.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
		};
		const fast = await launch('memory');
		const plain = await launch('postgis');
		expect(fast.length).toBe(7);
		expect(fast.filter((t) => t.water !== null).length).toBe(6);
		expect(fast).toEqual(plain);
		// the engine's own answer, on the known geometry: the pond 150 m south of the school,
		// nothing near the far school
		const pond = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM waterways WHERE name = '测试塘'`.execute(d.db);
		const near = await analysisFor(d.db).nearestSegmentTo({
			lon: [northOfPond(150)[0], 110.8],
			lat: [northOfPond(150)[1], LAT0 - 0.05]
		});
		expect(near.distances[0]).toBeCloseTo(150, 3);
		expect(near.segmentIds[0]).toBe(pond.rows[0].id);
		expect(near.distances[1]).toBeGreaterThan(5000);
	});

	it('shows a segment’s newest campaign check on its page, beside item states it does not change', async () => {
		const db = d.db;
		const seg = (
			await sql<{ target: number; segment: number; campaign: string }>`
				SELECT t.id::float8 AS target, t.source_id::float8 AS segment, c.name AS campaign
				FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id
				JOIN waterways w ON w.id = t.source_id
				WHERE t.campaign_id = ${campaignId} AND t.kind = 'segment' AND w.name = '测试塘'`.execute(db)
		).rows[0];
		expect(seg).toBeDefined();
		const before = await segmentPage(db, riverChief, seg.segment);
		expect(before.campaignCheck).toBeNull();
		// the bulletin's list of targets not visited names the segment by its number too
		const bulletin = await campaignBulletin(db, admin, campaignId, null);
		const listed = bulletin.unvisited.filter((u) => u.kind === 'segment');
		expect(listed.find((u) => u.id === seg.target)?.segment_no).toBe(seg.segment);
		expect(
			bulletin.unvisited.filter((u) => u.kind !== 'segment').every((u) => u.segment_no === null)
		).toBe(true);
		const answers = [...DEFAULT_CHECKLIST_ITEMS.waterway]
			.reverse()
			.map((item) => ({ item, answer: item === 'sign' ? ('hazard' as const) : ('ok' as const) }));
		await recordTargetCheck(
			db,
			staff,
			{ clientUuid: randomUUID(), targetId: seg.target, recordedAt: new Date(), answers },
			meta
		);
		const page = await segmentPage(db, riverChief, seg.segment);
		expect(page.campaignCheck).toMatchObject({ campaign: seg.campaign, by: 'cp.staff' });
		// in the tiles' order, whatever order they came in
		expect(page.campaignCheck!.answers).toEqual([
			{ item: 'sign', answer: 'hazard' },
			{ item: 'buoy', answer: 'ok' },
			{ item: 'rope', answer: 'ok' },
			{ item: 'pole', answer: 'ok' },
			{ item: 'barrier', answer: 'ok' }
		]);
		// "正常" in a campaign is not "完好": the items keep the states their own checks set
		expect(page.slots.map((x) => x.status)).toEqual(before.slots.map((x) => x.status));
		expect(page.slots.some((x) => x.status === 'missing')).toBe(true);
	});
});
