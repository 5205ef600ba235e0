// A rescue's use of items is not an inspection (issue 12, QA 14). Emergency staff record the
// items a rescue used; the items' state follows (used: to be replaced), the segment's history
// shows a rescue, and the audit keeps it, but the segment's last inspection (最近检查: the list,
// its exports, the map's panel) stays the inspection before it. Also the backfill of migration
// 0032: rescues recorded before it are told apart by their audit rows.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
	ROOT,
	openTestDatabase,
	testEngines,
	type TestDatabase,
	principalOf
} from '../support/template';
import { declareEmergency } from '../../src/lib/server/services/admin';
import { recordRescueUse } from '../../src/lib/server/services/emergency';
import { recordCheck, segmentPage, segmentsFor } from '../../src/lib/server/services/waterways';
import { syncNow } from '../../src/lib/server/services/freshness';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const DAY = 86400_000;

describe.each(testEngines())('a rescue is no inspection on %s', (engine) => {
	let d: TestDatabase;
	let township: string;
	let seg: number;
	// the inspection on day D, the rescue on D + 3 (now: inside the emergency)
	const rescueAt = new Date(Date.now() - 60_000);
	const inspectedAt = new Date(rescueAt.getTime() - 3 * DAY);
	let rescueId: number;

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
		// a segment of the township with a slot for each of the four items
		seg = Number(
			(
				await sql<{ id: number }>`
					SELECT w.id FROM waterways w
					WHERE w.township_code = ${township}
						AND (SELECT count(*) FROM safety_equipment e
							WHERE e.waterway_id = w.id AND e.item <> 'barrier') = 4
					ORDER BY w.id LIMIT 1`.execute(d.db)
			).rows[0].id
		);
	});
	afterAll(async () => {
		await d?.close();
	});

	/** The last inspection as the list (and its exports) shows it. */
	const listed = async () => {
		const staff = await principalOf(d.db, 'township.staff');
		return (await segmentsFor(d.db, staff, {})).find((s) => s.id === seg)!;
	};
	/** The last inspection as the map's panel works it out, from the segment's detail. */
	const panelLastChecked = async () => {
		const staff = await principalOf(d.db, 'township.staff');
		const p = await segmentPage(d.db, staff, seg);
		const times = p.detail.slots
			.filter((s) => s.item !== 'barrier')
			.map((s) => s.inspectedAt)
			.filter((x): x is string => !!x)
			.sort();
		return { page: p, last: times.at(-1) ?? null };
	};
	/** Independently: the newest item event of the four that no rescue wrote. */
	const lastInspectionBySql = async () =>
		(
			await sql<{ at: Date | null }>`
				SELECT max(ev.at) AS at FROM equipment_events ev
				LEFT JOIN equipment_checks c ON c.id = ev.check_id
				LEFT JOIN audit_log a ON a.action = 'equipment_check' AND a.purpose = 'emergency_rescue'
					AND a.resource = 'waterway:' || ev.waterway_id AND (a.detail ->> 'check')::bigint = c.id
				WHERE ev.waterway_id = ${seg} AND ev.item <> 'barrier' AND a.id IS NULL`.execute(d.db)
		).rows[0].at;

	it('keeps the last inspection at day D after a rescue on D + 3; the items used need replacing', async () => {
		const staff = await principalOf(d.db, 'township.staff');
		await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: seg,
				recordedAt: inspectedAt.toISOString(),
				slots: ['sign', 'buoy', 'rope', 'pole'].map((item) => ({ item, status: 'present' })),
				photos: []
			},
			meta
		);
		expect(new Date((await listed()).last_checked!).getTime()).toBe(inspectedAt.getTime());
		expect((await listed()).usable).toBe(4);

		const countyAdmin = await principalOf(d.db, 'county.admin');
		const ok = await declareEmergency(
			d.db,
			countyAdmin,
			{
				areaCode: township,
				startsAt: new Date(rescueAt.getTime() - 60_000),
				endsAt: new Date(Date.now() + 3600_000),
				reason: '山洪，下游救援'
			},
			meta
		);
		if (!ok.ok) throw new Error('declare');
		const emergency = await principalOf(d.db, 'emergency');
		const r = await recordRescueUse(
			d.db,
			emergency,
			{ waterwayId: seg, items: ['buoy', 'rope'], clientUuid: randomUUID(), note: '救起落水儿童' },
			meta,
			rescueAt
		);
		expect(r.duplicate).toBe(false);
		rescueId = r.id;

		// the list and its exports: last inspected on D, two items usable now
		const row = await listed();
		expect(new Date(row.last_checked!).getTime()).toBe(inspectedAt.getTime());
		expect(row.usable).toBe(2);
		expect([...row.usable_items].sort()).toEqual(['pole', 'sign']);
		// the map's panel and the segment's page read the same
		const { page, last } = await panelLastChecked();
		expect(last && new Date(last).getTime()).toBe(inspectedAt.getTime());
		// the items used are used (to be replaced), as of the rescue
		const used = page.slots.filter((s) => s.status === 'used').map((s) => s.item);
		expect(used.sort()).toEqual(['buoy', 'rope']);
		for (const s of page.slots.filter((x) => x.status === 'used'))
			expect(new Date(s.checkedAt!).getTime()).toBe(rescueAt.getTime());
		// the history: the rescue as a rescue, newest first, then the inspection
		const [rescue, inspection] = page.history;
		expect(rescue).toMatchObject({
			checkId: r.id,
			kind: 'rescue',
			items: [
				{ item: 'buoy', status: 'used' },
				{ item: 'rope', status: 'used' }
			],
			note: '救起落水儿童'
		});
		expect(new Date(rescue.at).getTime()).toBe(rescueAt.getTime());
		expect(inspection.kind).toBe('inspection');
		expect(new Date(inspection.at).getTime()).toBe(inspectedAt.getTime());

		// an independent reading agrees with the figure shown
		const bySql = await lastInspectionBySql();
		expect(new Date(bySql!).getTime()).toBe(new Date(row.last_checked!).getTime());
		// audited as before: the rescue's purpose and emergency
		const audit = (
			await sql<{ purpose: string; emergency_id: number }>`
				SELECT purpose, emergency_id FROM audit_log
				WHERE action = 'equipment_check' AND resource = ${'waterway:' + seg}
				ORDER BY id DESC LIMIT 1`.execute(d.db)
		).rows[0];
		expect(audit).toMatchObject({ purpose: 'emergency_rescue' });
		expect(Number(audit.emergency_id)).toBe(r.emergencyId);
	});

	it('moves the last inspection with a later inspection, also one uploaded after a newer rescue', async () => {
		const staff = await principalOf(d.db, 'township.staff');
		// made a day before the rescue, uploaded after it: the rescue's state stays, the
		// inspection is the newest one
		const late = new Date(rescueAt.getTime() - DAY);
		await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: seg,
				recordedAt: late.toISOString(),
				slots: ['sign', 'buoy', 'rope', 'pole'].map((item) => ({ item, status: 'present' })),
				photos: []
			},
			meta
		);
		const row = await listed();
		expect(new Date(row.last_checked!).getTime()).toBe(late.getTime());
		expect(row.usable).toBe(2);
		expect(new Date((await lastInspectionBySql())!).getTime()).toBe(late.getTime());
	});

	it('backfills rescues recorded before migration 0032 from their audit rows', async () => {
		// the rows as they stood before 0032: every check an inspection, no inspection time
		await sql`UPDATE equipment_checks SET kind = 'inspection'`.execute(d.db);
		await sql`UPDATE safety_equipment SET inspected_at = NULL`.execute(d.db);
		const file = await readFile(
			path.join(ROOT, 'migrations/0032_rescue_is_not_an_inspection.sql'),
			'utf8'
		);
		const updates = file
			.split('\n')
			.filter((l) => !l.trimStart().startsWith('--'))
			.join('\n')
			.split(';')
			.map((s) => s.trim())
			.filter((s) => s.startsWith('UPDATE'));
		expect(updates).toHaveLength(2);
		for (const u of updates) await sql.raw(u).execute(d.db);
		await syncNow(d.db);

		const kinds = await sql<{ id: number; kind: string }>`
			SELECT id, kind FROM equipment_checks WHERE kind = 'rescue'`.execute(d.db);
		expect(kinds.rows.map((k) => Number(k.id))).toEqual([rescueId]);
		const row = await listed();
		expect(new Date(row.last_checked!).getTime()).toBe(rescueAt.getTime() - DAY);
		expect(row.usable).toBe(2);
		// the rescue's items hold the rescue's state and the inspection before it
		const items = await sql<{ item: string; status: string; checked_at: Date; inspected_at: Date }>`
			SELECT item, status, checked_at, inspected_at FROM safety_equipment
			WHERE waterway_id = ${seg} AND item IN ('buoy', 'rope') ORDER BY item`.execute(d.db);
		expect(
			items.rows.map((x) => [
				x.item,
				x.status,
				new Date(x.checked_at).getTime(),
				new Date(x.inspected_at).getTime()
			])
		).toEqual([
			['buoy', 'used', rescueAt.getTime(), rescueAt.getTime() - DAY],
			['rope', 'used', rescueAt.getTime(), rescueAt.getTime() - DAY]
		]);
	});
});
