import { distanceBand, releaseCount } from '../../src/lib/domain/disclosure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { openTestDatabase, testEngines, type TestDatabase, principalOf } from '../support/template';
import { recordCheck, segmentPage, segmentsFor } from '../../src/lib/server/services/waterways';
import type { Principal } from '../../src/lib/server/auth/policy';
import { scopeFor } from '../../src/lib/server/auth/scope';
import { CheckConflict, CheckRejected } from '../../src/lib/server/errors';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

describe.each(testEngines())('equipment checks on %s', (engine) => {
	let d: TestDatabase;
	let staff: Principal;
	let segment: number;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		staff = await principalOf(d.db, 'township.staff');
		segment = (
			await sql<{
				id: number;
			}>`SELECT id FROM waterways WHERE township_code = ${staff.jurisdiction} ORDER BY id LIMIT 1`.execute(
				d.db
			)
		).rows[0].id;
	});
	afterAll(async () => {
		await d?.close();
	});
	const count = async (table: 'equipment_checks' | 'equipment_events' | 'photos') =>
		(await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(d.db))
			.rows[0].n;

	it('stores a check with its photo once, however often the phone retries', async () => {
		const jpeg = await sharp({
			create: { width: 3000, height: 2000, channels: 3, background: '#888' }
		})
			.jpeg()
			.toBuffer();
		const sub = {
			clientUuid: randomUUID(),
			waterwayId: segment,
			recordedAt: new Date().toISOString(),
			lon: 113.5,
			lat: 29.8,
			slots: ['sign', 'buoy', 'rope', 'pole'].map((item) => ({ item, status: 'present' })),
			photoMeta: { sign: { lon: 113.51, lat: 29.81 } },
			photos: [{ item: 'sign', data: jpeg }]
		};
		const [c0, e0, p0] = [
			await count('equipment_checks'),
			await count('equipment_events'),
			await count('photos')
		];
		const version = async () =>
			Number(
				(
					await sql<{
						v: string | null;
					}>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(d.db)
				).rows[0]?.v ?? 0
			);
		const v0 = await version();
		const first = await recordCheck(d.db, staff, sub, meta);
		const again = await recordCheck(d.db, staff, sub, meta);
		expect(first.duplicate).toBe(false);
		// other app processes learn of the change through the shared version (once: the retry
		// changed nothing)
		expect(await version()).toBe(v0 + 1);
		expect(again).toEqual({ id: first.id, duplicate: true });
		expect(await count('equipment_checks')).toBe(c0 + 1);
		expect(await count('equipment_events')).toBe(e0 + 4);
		expect(await count('photos')).toBe(p0 + 1);
		const ph = await sql<{ width: number; height: number; mime: string; lon: number }>`
			SELECT width, height, mime, ST_X(gps) AS lon FROM photos ORDER BY id DESC LIMIT 1`.execute(d.db);
		expect(Math.max(ph.rows[0].width, ph.rows[0].height)).toBe(1600);
		expect(ph.rows[0].mime).toBe('image/jpeg');
		expect(ph.rows[0].lon).toBeCloseTo(113.51, 5);
		const seg = (await segmentsFor(d.db, staff, {})).find((s) => s.id === segment)!;
		expect(seg.completeness).toBe('complete');
		expect(seg.risk).toBe(0);
	});

	it('refuses bad input with a reason and writes nothing', async () => {
		const before = await count('equipment_checks');
		const base = {
			clientUuid: randomUUID(),
			waterwayId: segment,
			recordedAt: new Date().toISOString(),
			slots: [{ item: 'sign', status: 'present' }],
			photos: []
		};
		await expect(
			recordCheck(d.db, staff, { ...base, clientUuid: 'not-a-uuid' }, meta)
		).rejects.toMatchObject({ key: 'check.err.uuid' });
		await expect(
			recordCheck(d.db, staff, { ...base, slots: [{ item: 'lamp', status: 'present' }] }, meta)
		).rejects.toBeInstanceOf(CheckRejected);
		await expect(
			recordCheck(
				d.db,
				staff,
				{ ...base, recordedAt: new Date(Date.now() + 86400_000).toISOString() },
				meta
			)
		).rejects.toMatchObject({ key: 'check.err.time' });
		await expect(
			recordCheck(
				d.db,
				staff,
				{ ...base, photos: [{ item: 'sign', data: Buffer.from('not an image') }] },
				meta
			)
		).rejects.toMatchObject({ key: 'photo.notImage' });
		await expect(
			recordCheck(d.db, staff, { ...base, lon: 500, lat: 29 }, meta)
		).rejects.toMatchObject({ key: 'check.err.position' });
		// a sign is not "used up in a rescue"; a buoy can be
		await expect(
			recordCheck(d.db, staff, { ...base, slots: [{ item: 'sign', status: 'used' }] }, meta)
		).rejects.toMatchObject({ key: 'check.err.status' });
		expect(await count('equipment_checks')).toBe(before);
		await recordCheck(
			d.db,
			staff,
			{ ...base, clientUuid: randomUUID(), slots: [{ item: 'buoy', status: 'used' }] },
			meta
		);
		expect(await count('equipment_checks')).toBe(before + 1);
	});

	it('refuses a payload of the wrong shape with the field at fault, and writes nothing', async () => {
		// each of these crashed the service (a 500 at the endpoint) before the payload had a schema
		const before = await count('equipment_checks');
		const base = {
			clientUuid: randomUUID(),
			waterwayId: segment,
			recordedAt: new Date().toISOString(),
			slots: [{ item: 'sign', status: 'present' }],
			photos: []
		};
		const cases: [Record<string, unknown>, string][] = [
			[{ note: 42 }, 'note'],
			[{ slots: [null] }, 'slots[0]'],
			[{ slots: null }, 'slots'],
			[{ clientUuid: [randomUUID()] }, 'clientUuid'],
			[{ waterwayId: 1.5 }, 'waterwayId'],
			// JSON's 1e309 and a 20-digit number: not a whole number JavaScript holds exactly
			[{ waterwayId: JSON.parse('1e309') }, 'waterwayId'],
			[{ waterwayId: JSON.parse('12345678901234567890') }, 'waterwayId'],
			[{ waterwayId: '7' }, 'waterwayId'],
			[{ recordedAt: { at: 'now' } }, 'recordedAt'],
			[{ lon: '113.5', lat: 29.8 }, 'lon'],
			[{ photoMeta: { sign: 'here' } }, 'photoMeta.sign']
		];
		for (const [change, field] of cases) {
			await expect(
				recordCheck(d.db, staff, { ...base, ...change, photos: [] }, meta),
				JSON.stringify(change)
			).rejects.toMatchObject({ field });
		}
		expect(await count('equipment_checks')).toBe(before);
	});

	it("answers a conflict for another user's client UUID; its owner's retry stays idempotent", async () => {
		const county = await principalOf(d.db, 'county.admin');
		const sub = {
			clientUuid: randomUUID(),
			waterwayId: segment,
			recordedAt: new Date().toISOString(),
			note: '巡查',
			slots: [{ item: 'rope', status: 'present' }],
			photos: []
		};
		const first = await recordCheck(d.db, staff, sub, meta);
		const events = await count('equipment_events');
		// someone else's phone with the same UUID gets neither the check nor its id
		const other = recordCheck(d.db, county, { ...sub, note: '别人的' }, meta);
		await expect(other).rejects.toBeInstanceOf(CheckConflict);
		await expect(other).rejects.not.toHaveProperty('id');
		// the UUID differs only in case: the same check
		expect(
			await recordCheck(d.db, county, { ...sub, clientUuid: sub.clientUuid.toUpperCase() }, meta)
				.then(() => 'stored')
				.catch((e) => e.constructor.name)
		).toBe('CheckConflict');
		expect(await recordCheck(d.db, staff, sub, meta)).toEqual({ id: first.id, duplicate: true });
		expect(await count('equipment_events')).toBe(events);
		const note = await sql<{ note: string }>`
			SELECT note FROM equipment_checks WHERE id = ${first.id}`.execute(d.db);
		expect(note.rows[0].note).toBe('巡查');
	});

	it('takes a time a little ahead (a phone clock running fast) as the time it arrived', async () => {
		const ahead = new Date(Date.now() + 20 * 60_000);
		const before = Date.now();
		const r = await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: segment,
				recordedAt: ahead.toISOString(),
				slots: [{ item: 'pole', status: 'damaged' }],
				photos: []
			},
			meta
		);
		const at = await sql<{ t: Date }>`
			SELECT recorded_at AS t FROM equipment_checks WHERE id = ${r.id}`.execute(d.db);
		const t = new Date(at.rows[0].t).getTime();
		expect(t).toBeGreaterThanOrEqual(before - 1000);
		expect(t).toBeLessThan(ahead.getTime() - 60_000);
	});

	it('keeps a late upload of an older check in history without overwriting a newer state', async () => {
		const newer = new Date();
		const older = new Date(newer.getTime() - 3 * 86400_000);
		await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: segment,
				recordedAt: newer.toISOString(),
				slots: [{ item: 'buoy', status: 'missing' }],
				photos: []
			},
			meta
		);
		await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: segment,
				recordedAt: older.toISOString(),
				slots: [{ item: 'buoy', status: 'present' }],
				photos: []
			},
			meta
		);
		const cur = await sql<{
			status: string;
		}>`SELECT status FROM safety_equipment WHERE waterway_id = ${segment} AND item = 'buoy'`.execute(
			d.db
		);
		expect(cur.rows[0].status).toBe('missing');
		await expect(sql`UPDATE equipment_events SET status = 'present'`.execute(d.db)).rejects.toThrow(
			/append-only/
		);
	});

	it("never gives the exact distance to the nearest child's home: a band, to the roles whose duty the homes are", async () => {
		const chief = await principalOf(d.db, 'river.chief');
		const county = await principalOf(d.db, 'county.admin');
		const near = await sql<{ id: number; m: number; n: number }>`
			SELECT sr.waterway_id AS id, sr.nearest_m AS m, sr.children_within AS n
			FROM segment_requirements sr JOIN waterways w ON w.id = sr.waterway_id
			WHERE sr.nearest_kind = 'children' AND sr.required
				AND w.township_code LIKE ${scopeFor(chief.jurisdiction).sitePrefix + '%'}
			ORDER BY sr.children_within, sr.waterway_id LIMIT 1`.execute(d.db);
		const seg = near.rows[0];
		expect(seg).toBeTruthy();
		const forChief = (await segmentPage(d.db, chief, seg.id)).requirement!;
		const forAdmin = (await segmentPage(d.db, county, seg.id)).requirement!;
		const township = await principalOf(d.db, 'township.staff');
		const forStaff = (await segmentPage(d.db, township, seg.id)).requirement!;
		expect(forChief.nearest).toBeNull();
		expect(forChief.nearestHomeBand).toBeNull();
		expect(forChief.childHomeWithin).toBe(true);
		// an administrator is no exception: the exact distance is for the audited home view
		expect(forAdmin.nearest).toBeNull();
		expect(forStaff.nearest).toBeNull();
		expect(forStaff.nearestHomeBand).toBe(distanceBand(seg.m));
		// the count is the same for everyone: the released count of those very children
		const kids = await sql<{ n: number; k: number }>`
			SELECT count(*)::int AS n, coalesce(sum(c.record_key), 0)::float8 AS k
			FROM children c JOIN waterways w ON w.id = ${seg.id}
			WHERE ST_DWithin(w.geom::geography, c.residence::geography, 500, false)`.execute(d.db);
		expect(kids.rows[0].n).toBe(seg.n);
		expect(forChief.childrenWithin).toBe(releaseCount(kids.rows[0].n, kids.rows[0].k));
		expect(forAdmin.childrenWithin).toBe(forChief.childrenWithin);
		// no page data carries the distance
		for (const r of [forChief, forAdmin, forStaff])
			expect(JSON.stringify(r)).not.toContain(String(seg.m));
	});

	it("filters the list by any subdivision of the user's area, never beyond it", async () => {
		const province = await principalOf(d.db, 'province.admin');
		const township = staff.jurisdiction;
		const real = await sql<{ id: number }>`
			SELECT id FROM waterways WHERE township_code = ${township} ORDER BY id`.execute(d.db);
		// a county's or a township's segments, from the province's list
		const byTownship = await segmentsFor(d.db, province, { township });
		expect(byTownship.map((s) => s.id).sort((a, b) => a - b)).toEqual(real.rows.map((r) => r.id));
		const county = `${township.slice(0, 6)}000000`;
		const byCounty = await segmentsFor(d.db, province, { township: county });
		expect(byCounty.length).toBeGreaterThan(byTownship.length);
		expect(byCounty.every((s) => s.township_code.startsWith(county.slice(0, 6)))).toBe(true);
		// an area outside the user's own gives nothing, and a malformed code is no filter
		expect(await segmentsFor(d.db, staff, { township: county.replace(/^4210/, '4201') })).toEqual(
			[]
		);
		expect((await segmentsFor(d.db, staff, { township: 'x' })).length).toBe(real.rows.length);
	});

	it('dates a segment by its four items: a barrier-only check does not make it checked', async () => {
		const other = (
			await sql<{ id: number }>`
				SELECT w.id FROM waterways w
				WHERE w.township_code = ${staff.jurisdiction}
					AND NOT EXISTS (SELECT 1 FROM safety_equipment se
						WHERE se.waterway_id = w.id AND se.checked_at IS NOT NULL)
				ORDER BY w.id LIMIT 1`.execute(d.db)
		).rows[0].id;
		const lastChecked = async () =>
			(await segmentsFor(d.db, staff, {})).find((s) => s.id === other)!.last_checked;
		expect(await lastChecked()).toBeNull();
		const at = new Date(Date.now() - 3600_000);
		const check = (slots: { item: string; status: string }[], when: Date) =>
			recordCheck(
				d.db,
				staff,
				{
					clientUuid: randomUUID(),
					waterwayId: other,
					recordedAt: when.toISOString(),
					slots,
					photos: []
				},
				meta
			);
		await check([{ item: 'barrier', status: 'present' }], at);
		expect(await lastChecked()).toBeNull();
		await check([{ item: 'rope', status: 'damaged' }], new Date(at.getTime() - 60_000));
		expect(new Date((await lastChecked())!).getTime()).toBe(at.getTime() - 60_000);
	});

	it('groups the history by check: one entry with its items, its note once and its photos', async () => {
		// a segment of the township whose slots were seeded: seeded states have no check
		const seg = (
			await sql<{ id: number }>`
				SELECT ev.waterway_id AS id FROM equipment_events ev
				JOIN waterways w ON w.id = ev.waterway_id
				WHERE w.township_code = ${staff.jurisdiction} AND ev.check_id IS NULL
					AND ev.waterway_id <> ${segment}
				GROUP BY ev.waterway_id HAVING count(*) > 1
				ORDER BY ev.waterway_id DESC LIMIT 1`.execute(d.db)
		).rows[0].id;
		const jpeg = (background: string) =>
			sharp({ create: { width: 400, height: 300, channels: 3, background } })
				.jpeg()
				.toBuffer();
		// two checks an hour apart: the history must tell them apart and keep each one whole
		const morning = new Date(Date.now() - 2 * 3600_000);
		const afternoon = new Date(morning.getTime() + 3600_000);
		const a = await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: seg,
				recordedAt: morning.toISOString(),
				note: '上午巡查：器材齐全',
				slots: ['pole', 'sign', 'rope', 'buoy'].map((item) => ({ item, status: 'present' })),
				photos: [
					{ item: null, data: await jpeg('#777') },
					{ item: 'sign', data: await jpeg('#2a6f97') }
				]
			},
			meta
		);
		const b = await recordCheck(
			d.db,
			staff,
			{
				clientUuid: randomUUID(),
				waterwayId: seg,
				recordedAt: afternoon.toISOString(),
				note: '下午复查：救生圈被拿走',
				slots: [
					{ item: 'buoy', status: 'missing' },
					{ item: 'rope', status: 'damaged' }
				],
				photos: [{ item: 'buoy', data: await jpeg('#993355') }]
			},
			meta
		);
		const photosOf = async (check: number) =>
			(
				await sql<{ id: number; item: string | null }>`
					SELECT id, item FROM photos WHERE check_id = ${check} ORDER BY id`.execute(d.db)
			).rows;
		const [photosA, photosB] = [await photosOf(a.id), await photosOf(b.id)];
		expect(photosA).toHaveLength(2);
		expect(photosB).toHaveLength(1);

		const { history } = await segmentPage(d.db, staff, seg);
		const ofA = history.filter((h) => h.checkId === a.id);
		const ofB = history.filter((h) => h.checkId === b.id);
		expect(ofA).toHaveLength(1);
		expect(ofB).toHaveLength(1);
		// newest first: the afternoon's check, then the morning's, then the seeded states
		expect(history[0]).toEqual({
			key: `check:${b.id}`,
			checkId: b.id,
			// a field check is an inspection (a rescue's use of items is not: rescue-not-inspection)
			kind: 'inspection',
			at: afternoon,
			by: expect.any(String),
			note: '下午复查：救生圈被拿走',
			items: [
				{ item: 'buoy', status: 'missing' },
				{ item: 'rope', status: 'damaged' }
			],
			photos: [{ id: photosB[0].id, item: 'buoy' }]
		});
		expect(history[1]).toMatchObject({
			key: `check:${a.id}`,
			at: morning,
			by: history[0].by,
			note: '上午巡查：器材齐全',
			// in the order of the tiles, whatever order the phone sent
			items: ['sign', 'buoy', 'rope', 'pole'].map((item) => ({ item, status: 'present' })),
			// the item's photo first, then the photo of the site
			photos: [
				{ id: photosA.find((p) => p.item === 'sign')!.id, item: 'sign' },
				{ id: photosA.find((p) => p.item === null)!.id, item: null }
			]
		});
		// the note is told once per check, not once per item
		expect(JSON.stringify(history).split('上午巡查').length - 1).toBe(1);
		// the events stay one per item (append-only), only the page groups them
		const events = await sql<{ check_id: number | null; n: number }>`
			SELECT check_id, count(*)::int AS n FROM equipment_events WHERE waterway_id = ${seg}
			GROUP BY check_id`.execute(d.db);
		expect(events.rows.find((r) => r.check_id === a.id)?.n).toBe(4);
		expect(events.rows.find((r) => r.check_id === b.id)?.n).toBe(2);
		// seeded states without a check: one entry each, after the checks
		const seeded = history.slice(2);
		expect(seeded.length).toBe(events.rows.find((r) => r.check_id === null)!.n);
		for (const h of seeded) {
			expect(h.checkId).toBeNull();
			expect(h.kind).toBeNull();
			expect(h.key).toMatch(/^event:\d+$/);
			expect(h.items).toHaveLength(1);
			expect(h.photos).toEqual([]);
		}
		expect(new Set(history.map((h) => h.key)).size).toBe(history.length);
	});
});
