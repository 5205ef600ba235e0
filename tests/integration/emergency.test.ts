// Emergency staff during a flood: which emergencies they are told of, why exact homes are
// refused, the homes list by village (equal to an independent SQL count, audited), and the
// record that a rescue used an item (through the check path, audited, only inside an emergency).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, testEngines, type TestDatabase, principalOf } from '../support/template';
import { declareEmergency } from '../../src/lib/server/services/admin';
import { listResidencesByVillage, viewResidences } from '../../src/lib/server/services/residences';
import { emergenciesFor, recordRescueUse } from '../../src/lib/server/services/emergency';
import { CheckRejected, ResidenceDenied } from '../../src/lib/server/errors';
import { refusalOf } from '../../src/lib/server/http/errors';
import { routeEvent, type RouteHandler } from '../support/route-event';
import { POST as postRescue } from '../../src/routes/api/rescues/+server';
import { rescueOpen } from '../../src/lib/server/services/emergency';

// the rescue route reads the database the app opens: here, the test's
const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

describe.each(testEngines())('emergency staff on %s', (engine) => {
	let d: TestDatabase;
	let township: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		township = (
			await d.db
				.selectFrom('users')
				.select('jurisdiction_code')
				.where('username', '=', 'township.staff')
				.executeTakeFirstOrThrow()
		).jurisdiction_code;
	});
	afterAll(async () => {
		await d?.close();
	});
	const lastAudit = async (action: string) =>
		(
			await sql<{
				emergency_id: number | null;
				purpose: string | null;
				detail: Record<string, unknown> | string;
			}>`SELECT emergency_id, purpose, detail FROM audit_log WHERE action = ${action}
				AND username = 'emergency' ORDER BY id DESC LIMIT 1`.execute(d.db)
		).rows[0];
	const detailOf = (x: Record<string, unknown> | string) =>
		(typeof x === 'string' ? JSON.parse(x) : x) as Record<string, unknown>;
	async function segmentIn(prefix: string): Promise<number> {
		const r = await sql<{ id: number }>`SELECT w.id FROM waterways w
			WHERE w.township_code LIKE ${prefix + '%'}
				AND EXISTS (SELECT 1 FROM safety_equipment e WHERE e.waterway_id = w.id AND e.item = 'rope')
			ORDER BY w.id LIMIT 1`.execute(d.db);
		return Number(r.rows[0].id);
	}

	it('refuses homes and rescue use outside an emergency, saying why, and audits the reason', async () => {
		const staff = await principalOf(d.db, 'emergency');
		expect(await emergenciesFor(d.db, staff)).toEqual([]);
		const denied = await viewResidences(d.db, staff, township, 'emergency_rescue', meta).catch(
			(e: unknown) => e
		);
		expect(denied).toBeInstanceOf(ResidenceDenied);
		expect((denied as ResidenceDenied).reason).toBe('no_emergency');
		expect(refusalOf('zh-CN', denied)).toEqual({
			status: 403,
			message: expect.stringContaining('仅在已宣布的应急期间')
		});
		expect(refusalOf('en', denied)?.message).toContain('declared emergency');
		expect(detailOf((await lastAudit('residences_denied')).detail).reason).toBe('no_emergency');
		// a role that never sees homes is told that, not to wait for an emergency
		const chief = await principalOf(d.db, 'river.chief');
		const chiefDenied = await viewResidences(
			d.db,
			chief,
			chief.jurisdiction,
			'hazard_check',
			meta
		).catch((e: unknown) => e);
		expect((chiefDenied as ResidenceDenied).reason).toBe('role');

		const seg = await segmentIn(township);
		await expect(
			recordRescueUse(
				d.db,
				staff,
				{ waterwayId: seg, items: ['rope'], clientUuid: randomUUID() },
				meta
			)
		).rejects.toMatchObject({ key: 'em.rescue.err.noEmergency' });
		const staffer = await principalOf(d.db, 'township.staff');
		await expect(
			recordRescueUse(
				d.db,
				staffer,
				{ waterwayId: seg, items: ['rope'], clientUuid: randomUUID() },
				meta
			)
		).rejects.toMatchObject({ key: 'em.rescue.err.role' });
	});

	it('inside an emergency: the banner, the homes by village equal to SQL, each read audited', async () => {
		const countyAdmin = await principalOf(d.db, 'county.admin');
		const staff = await principalOf(d.db, 'emergency');
		const ok = await declareEmergency(
			d.db,
			countyAdmin,
			{
				areaCode: township,
				startsAt: new Date(Date.now() - 60_000),
				endsAt: new Date(Date.now() + 3600_000),
				reason: '强降雨，沿岸转移'
			},
			meta
		);
		if (!ok.ok) throw new Error('declare');
		const notices = await emergenciesFor(d.db, staff);
		expect(notices.map((n) => [n.id, n.areaCode, n.active])).toEqual([[ok.value, township, true]]);
		// other roles get no banner
		expect(await emergenciesFor(d.db, countyAdmin)).toEqual([]);

		const list = await listResidencesByVillage(
			d.db,
			staff,
			township,
			'emergency_rescue',
			'list',
			meta
		);
		expect(list.basis).toBe('emergency');
		const byVillage = await sql<{ village_code: string; n: number }>`
			SELECT village_code, count(*)::int AS n FROM children
			WHERE village_code LIKE ${township.slice(0, 9) + '%'}
			GROUP BY village_code ORDER BY village_code`.execute(d.db);
		expect(list.villages.map((v) => [v.code, v.homes.length])).toEqual(
			byVillage.rows.map((r) => [r.village_code, r.n])
		);
		// the nearest segment of one home, by an independent query over every segment
		const home = list.villages[0].homes[0];
		const nearest = await sql<{ id: number; m: number }>`
			SELECT w.id, ST_Distance(w.geom::geography, c.residence::geography) AS m
			FROM children c, waterways w WHERE c.pseudonym = ${home.pseudonym}
			ORDER BY m, w.id LIMIT 1`.execute(d.db);
		expect(home.segment_id).toBe(Number(nearest.rows[0].id));
		expect(home.distance_m).toBeCloseTo(Number(nearest.rows[0].m), 3);
		const view = await lastAudit('residences_view');
		expect(view.emergency_id).toBe(ok.value);
		expect(detailOf(view.detail)).toMatchObject({
			count: byVillage.rows.reduce((s, r) => s + r.n, 0),
			basis: 'emergency',
			form: 'list'
		});
		await listResidencesByVillage(d.db, staff, township, 'emergency_rescue', 'csv', meta);
		const exp = await lastAudit('export');
		expect(exp.emergency_id).toBe(ok.value);
		expect(detailOf(exp.detail).form).toBe('csv');
	});

	it('records a rescue use through the check path, once per UUID, audited with the emergency', async () => {
		const staff = await principalOf(d.db, 'emergency');
		const seg = await segmentIn(township);
		await expect(
			recordRescueUse(
				d.db,
				staff,
				{ waterwayId: seg, items: ['sign'], clientUuid: randomUUID() },
				meta
			)
		).rejects.toBeInstanceOf(CheckRejected);
		const uuid = randomUUID();
		const r = await recordRescueUse(
			d.db,
			staff,
			{ waterwayId: seg, items: ['rope', 'buoy'], clientUuid: uuid },
			meta
		);
		expect(r.duplicate).toBe(false);
		const again = await recordRescueUse(
			d.db,
			staff,
			{ waterwayId: seg, items: ['rope', 'buoy'], clientUuid: uuid },
			meta
		);
		expect(again).toEqual({ ...r, duplicate: true });
		const state = await sql<{ item: string; status: string }>`SELECT item, status
			FROM safety_equipment WHERE waterway_id = ${seg} AND item IN ('rope', 'buoy') ORDER BY item`.execute(
			d.db
		);
		expect(state.rows).toEqual([
			{ item: 'buoy', status: 'used' },
			{ item: 'rope', status: 'used' }
		]);
		const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM equipment_events
			WHERE check_id = ${r.id} AND status = 'used'`.execute(d.db);
		expect(events.rows[0].n).toBe(2);
		const audit = await sql<{ n: number; emergency_id: number }>`
			SELECT count(*)::int AS n, max(emergency_id) AS emergency_id FROM audit_log
			WHERE action = 'equipment_check' AND username = 'emergency'
				AND resource = ${'waterway:' + seg}`.execute(d.db);
		expect(audit.rows[0]).toEqual({ n: 1, emergency_id: r.emergencyId });
		// a segment outside the declared township is still refused
		const other = await sql<{ id: number }>`SELECT w.id FROM waterways w
			JOIN users u ON u.username = 'emergency'
			WHERE w.township_code LIKE substr(u.jurisdiction_code, 1, 6) || '%'
				AND w.township_code <> ${township} ORDER BY w.id LIMIT 1`.execute(d.db);
		await expect(
			recordRescueUse(
				d.db,
				staff,
				{ waterwayId: Number(other.rows[0].id), items: ['pole'], clientUuid: randomUUID() },
				meta
			)
		).rejects.toMatchObject({ key: 'em.rescue.err.noEmergency' });
	});

	it("takes the phone's rescue record through its route: once per UUID, refusals in words", async () => {
		const staff = await principalOf(d.db, 'emergency');
		const seg = await segmentIn(township);
		const adminCode = (
			await sql<{
				code: string;
			}>`SELECT township_code AS code FROM waterways WHERE id = ${seg}`.execute(d.db)
		).rows[0].code;
		// the segment's page offers the form to emergency staff in force over it, to no one else
		expect(await rescueOpen(d.db, staff, adminCode)).toBe(true);
		expect(await rescueOpen(d.db, await principalOf(d.db, 'county.admin'), adminCode)).toBe(false);
		const post = async (body: unknown, locale: 'zh-CN' | 'en' = 'zh-CN') => {
			const req = new Request('http://localhost/api/rescues', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body)
			});
			const res = await (postRescue as RouteHandler)(routeEvent(staff, req, locale));
			return { status: res.status, body: (await res.json()) as Record<string, string> };
		};
		const rescue = {
			clientUuid: randomUUID(),
			waterwayId: seg,
			items: ['pole'],
			note: '救起落水儿童'
		};
		expect((await post(rescue)).status).toBe(201);
		expect((await post(rescue)).status).toBe(200);
		const used = await sql<{ status: string }>`SELECT status FROM safety_equipment
			WHERE waterway_id = ${seg} AND item = 'pole'`.execute(d.db);
		expect(used.rows[0].status).toBe('used');
		const checks = await sql<{ n: number }>`SELECT count(*)::int AS n FROM equipment_checks
			WHERE client_uuid = ${rescue.clientUuid}::uuid`.execute(d.db);
		expect(checks.rows[0].n).toBe(1);
		// nothing chosen, or a sign (not carried off): a 400 saying what to choose, in Chinese
		const none = await post({ ...rescue, clientUuid: randomUUID(), items: [] });
		expect(none).toMatchObject({ status: 400, body: { field: 'items' } });
		expect(none.body.message).toContain('请选择救援中用掉的器材');
		const sign = await post({ ...rescue, clientUuid: randomUUID(), items: ['sign'] }, 'en');
		expect(sign.status).toBe(400);
		expect(sign.body.message).toContain('Choose the items used in the rescue');
		expect((await post({ ...rescue, clientUuid: 'x' })).status).toBe(400);
	});
});
