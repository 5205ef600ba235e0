// "Near a place" for emergency staff: a river reach or a drawn area answers with the
// institutions, open hazards and children counts in it. Every figure is held to an independent
// SQL count (a different predicate than the service's: distances and envelopes, not
// ST_DWithin / ST_Intersects on the drawn text); children are only sums of the villages'
// released figures; an area outside the jurisdiction is refused, one across its edge is cut to
// it; a bad area is a 400 in Chinese and writes nothing. The homes' file is the audited read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase, principalOf } from '../support/template';
import { nearPlace } from '../../src/lib/server/services/emergency-place';
import { declareEmergency } from '../../src/lib/server/services/admin';
import { listResidencesByVillage } from '../../src/lib/server/services/residences';
import { homesTable } from '../../src/lib/server/exports-homes';
import { CheckRejected, Forbidden, NotFoundError } from '../../src/lib/server/errors';
import { refusalOf } from '../../src/lib/server/http/errors';
import { jurisdictionPrefix } from '../../src/lib/domain/admin';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
type Ring = [number, number][];
const box = (w: number, s: number, e: number, n: number): Ring => [
	[w, s],
	[e, s],
	[e, n],
	[w, n],
	[w, s]
];

describe.each(testEngines())('near a place on %s', (engine) => {
	let d: TestDatabase;
	let county: string;
	let township: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		county = (await principalOf(d.db, 'emergency')).jurisdiction;
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
	const prefixOf = jurisdictionPrefix;

	/** A box of ±half degrees around the centre of the township (inside the county). */
	async function townshipBox(half: number): Promise<Ring> {
		const c = await sql<{ x: number; y: number }>`
			SELECT ST_X(center) AS x, ST_Y(center) AS y FROM admin_units WHERE code = ${township}`.execute(
			d.db
		);
		const x = Number(c.rows[0].x);
		const y = Number(c.rows[0].y);
		return box(x - half, y - half, x + half, y + half);
	}

	/** One open and one closed-off hazard target inside the box, and an open one far outside. */
	async function seedHazards(ring: Ring): Promise<void> {
		const admin = await principalOf(d.db, 'county.admin');
		const cx = (ring[0][0] + ring[2][0]) / 2;
		const cy = (ring[0][1] + ring[2][1]) / 2;
		const camp = await sql<{ id: number }>`
			INSERT INTO campaigns (name, area_code, starts_at, ends_at, rules, created_by)
			VALUES ('汛期排查', ${county}, now() - interval '1 day', now() + interval '30 days', '{}',
				${admin.userId}) RETURNING id`.execute(d.db);
		const cid = camp.rows[0].id;
		const target = async (name: string, lon: number, lat: number) =>
			(
				await sql<{ id: number }>`
				INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason)
				VALUES (${cid}, 'field', ${name}, ${township}, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326),
					'field', '{"code":"field","fieldKind":"pit"}') RETURNING id`.execute(d.db)
			).rows[0].id;
		const inside = await target('施工坑', cx, cy);
		const far = await target('远处水井', cx + 5, cy + 5);
		for (const t of [inside, inside, far])
			await sql`INSERT INTO hazards (target_id, item, found_by, found_at)
				VALUES (${t}, 'pit', ${admin.userId}, now())`.execute(d.db);
	}

	it('a drawn area: institutions, open hazards and released village counts equal SQL', async () => {
		const staff = await principalOf(d.db, 'emergency');
		const ring = await townshipBox(0.04);
		await seedHazards(ring);
		const [w, s] = ring[0];
		const [e, n] = ring[2];
		const answer = await nearPlace(d.db, staff, { kind: 'area', ring });
		expect(answer.place.kind).toBe('area');

		const inst = await sql<{ id: number }>`
			SELECT id FROM institutions
			WHERE admin_code LIKE ${prefixOf(county) + '%'}
				AND ST_X(geom) BETWEEN ${w} AND ${e} AND ST_Y(geom) BETWEEN ${s} AND ${n}
			ORDER BY id`.execute(d.db);
		expect(answer.institutions.map((i) => i.id).sort((a, b) => a - b)).toEqual(
			inst.rows.map((r) => Number(r.id))
		);
		expect(inst.rows.length).toBeGreaterThan(0);

		const hz = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
			WHERE h.state <> 'closed' AND ST_X(t.geom) BETWEEN ${w} AND ${e}
				AND ST_Y(t.geom) BETWEEN ${s} AND ${n}`.execute(d.db);
		expect(answer.hazards.length).toBe(hz.rows[0].n);
		expect(answer.hazards.length).toBe(2);
		// each item can be put in words: its checklist goes with it (the page showed the raw key)
		for (const h of answer.hazards) {
			expect(h.checklist).toBe('field');
			expect(h.label).toBeNull();
		}

		const villages = await sql<{ code: string; total: number; lb: number; dif: number }>`
			SELECT a.code, cc.total_released AS total, cc.left_behind_released AS lb,
				cc.in_difficulty_released AS dif
			FROM admin_units a JOIN child_counts cc ON cc.code = a.code
			WHERE a.level = 'village' AND a.code LIKE ${prefixOf(county) + '%'}
				AND ST_X(a.center) BETWEEN ${w} AND ${e} AND ST_Y(a.center) BETWEEN ${s} AND ${n}
			ORDER BY a.code`.execute(d.db);
		expect(villages.rows.length).toBeGreaterThan(0);
		expect(answer.villages.map((v) => [v.code, v.total])).toEqual(
			villages.rows.map((r) => [r.code, r.total])
		);
		const sum = (k: 'total' | 'lb' | 'dif') => villages.rows.reduce((a, r) => a + Number(r[k]), 0);
		expect(answer.children).toEqual({
			total: sum('total'),
			leftBehind: sum('lb'),
			inDifficulty: sum('dif')
		});
		// released figures only: each village's figure is its area page's, never a new count
		for (const v of answer.villages) {
			const raw = await sql<{ n: number }>`
				SELECT total_released AS n FROM child_counts WHERE code = ${v.code}`.execute(d.db);
			expect(v.total).toBe(raw.rows[0].n);
		}
	});

	it('a river reach: what lies within the distance equals SQL on the sphere', async () => {
		const staff = await principalOf(d.db, 'emergency');
		const seg = await sql<{ id: number }>`
			SELECT w.id FROM waterways w WHERE w.township_code LIKE ${prefixOf(township) + '%'}
			ORDER BY w.id LIMIT 1`.execute(d.db);
		const id = Number(seg.rows[0].id);
		const answer = await nearPlace(d.db, staff, { kind: 'segment', segmentId: id, radiusM: 2000 });
		const inst = await sql<{ id: number }>`
			SELECT i.id FROM institutions i, waterways w
			WHERE w.id = ${id} AND i.admin_code LIKE ${prefixOf(county) + '%'}
				AND ST_Distance(w.geom::geography, i.geom::geography, false) <= 2000
			ORDER BY i.id`.execute(d.db);
		expect(answer.institutions.map((i) => i.id).sort((a, b) => a - b)).toEqual(
			inst.rows.map((r) => Number(r.id))
		);
		const vil = await sql<{ code: string }>`
			SELECT a.code FROM admin_units a, waterways w
			WHERE w.id = ${id} AND a.level = 'village' AND a.code LIKE ${prefixOf(county) + '%'}
				AND ST_Distance(w.geom::geography, a.center::geography, false) <= 2000
			ORDER BY a.code`.execute(d.db);
		expect(answer.villages.map((v) => v.code)).toEqual(vil.rows.map((r) => r.code));
		// a distance not offered, and a segment of another county
		await expect(
			nearPlace(d.db, staff, { kind: 'segment', segmentId: id, radiusM: 750 })
		).rejects.toMatchObject({ key: 'place.err.radius' });
		const other = await sql<{ id: number }>`
			SELECT id FROM waterways WHERE township_code NOT LIKE ${prefixOf(county) + '%'}
			ORDER BY id LIMIT 1`.execute(d.db);
		if (other.rows.length)
			await expect(
				nearPlace(d.db, staff, {
					kind: 'segment',
					segmentId: Number(other.rows[0].id),
					radiusM: 500
				})
			).rejects.toBeInstanceOf(NotFoundError);
		await expect(
			nearPlace(d.db, staff, { kind: 'segment', segmentId: 2 ** 40, radiusM: 500 })
		).rejects.toBeInstanceOf(NotFoundError);
	});

	it('outside the jurisdiction: refused; across its edge: cut to it', async () => {
		const staff = await principalOf(d.db, 'emergency');
		// 武汉 (江岸区), far from 洪湖市
		const wuhan = box(114.28, 30.58, 114.32, 30.62);
		const out = await nearPlace(d.db, staff, { kind: 'area', ring: wuhan }).catch(
			(e: unknown) => e
		);
		expect(out).toBeInstanceOf(CheckRejected);
		expect(refusalOf('zh-CN', out)).toMatchObject({
			status: 400,
			message: '所画区域不在您的辖区内'
		});
		// a wide box over the county and beyond it: only what is registered inside the county
		const bb = await sql<{ w: number; s: number; e: number; n: number }>`
			SELECT ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n
			FROM admin_units WHERE code = ${county}`.execute(d.db);
		const { w, s, e, n } = bb.rows[0];
		const wide = box(Number(w) - 0.05, Number(s) + 0.01, Number(w) + 0.2, Number(s) + 0.2);
		const cut = await nearPlace(d.db, staff, { kind: 'area', ring: wide });
		expect(Number(e)).toBeGreaterThan(Number(w));
		expect(Number(n)).toBeGreaterThan(Number(s));
		for (const i of cut.institutions) expect(i.admin_code.startsWith(prefixOf(county))).toBe(true);
		for (const v of cut.villages) expect(v.code.startsWith(prefixOf(county))).toBe(true);
		const env = sql`ST_MakeEnvelope(${wide[0][0]}, ${wide[0][1]}, ${wide[2][0]}, ${wide[2][1]}, 4326)`;
		const inside = await sql<{ id: number }>`
			SELECT id FROM institutions WHERE admin_code LIKE ${prefixOf(county) + '%'}
				AND ST_Intersects(geom, ${env}) ORDER BY id`.execute(d.db);
		expect(cut.institutions.map((i) => i.id).sort((a, b) => a - b)).toEqual(
			inside.rows.map((r) => Number(r.id))
		);
		const vin = await sql<{ code: string }>`
			SELECT code FROM admin_units WHERE level = 'village' AND code LIKE ${prefixOf(county) + '%'}
				AND ST_Intersects(center, ${env}) ORDER BY code`.execute(d.db);
		expect(cut.villages.map((v) => v.code)).toEqual(vin.rows.map((r) => r.code));
		expect(vin.rows.length).toBeGreaterThan(0);
	});

	it('a bad area is a 400 in Chinese and writes nothing; other roles are refused', async () => {
		const staff = await principalOf(d.db, 'emergency');
		const state = async () =>
			(
				await sql<{ audit: number; version: string }>`
				SELECT (SELECT count(*)::int FROM audit_log) AS audit,
					(SELECT value FROM app_meta WHERE key = 'data_version') AS version`.execute(d.db)
			).rows[0];
		const before = await state();
		const good = await townshipBox(0.02);
		const [w, s] = good[0];
		const [e, n] = good[2];
		const cases: [Ring, string][] = [
			// a bow tie: its edges cross
			[
				[
					[w, s],
					[e, n],
					[e, s],
					[w, n],
					[w, s]
				],
				'place.err.kinks'
			],
			[good.slice(0, 4), 'place.err.closed'],
			[
				[
					[w, s],
					[e, s],
					[w, s]
				],
				'place.err.vertices'
			],
			[box(w, s, w + 0.0001, s + 0.0001), 'place.err.small'],
			[box(110, 29.5, 115, 32.5), 'place.err.large'],
			[box(w, s, e, 80), 'place.err.coordinates']
		];
		for (const [ring, key] of cases) {
			const err = await nearPlace(d.db, staff, { kind: 'area', ring }).catch((x: unknown) => x);
			expect(err, key).toBeInstanceOf(CheckRejected);
			expect((err as CheckRejected).key).toBe(key);
			const r = refusalOf('zh-CN', err);
			expect(r?.status).toBe(400);
			expect(r?.message).toMatch(/[\u4e00-\u9fff]/);
		}
		expect(await state()).toEqual(before);
		const chief = await principalOf(d.db, 'river.chief');
		await expect(nearPlace(d.db, chief, { kind: 'area', ring: good })).rejects.toBeInstanceOf(
			Forbidden
		);
	});

	it('the homes file inside an emergency: the page rows, audited as an export', async () => {
		const admin = await principalOf(d.db, 'county.admin');
		const staff = await principalOf(d.db, 'emergency');
		const ok = await declareEmergency(
			d.db,
			admin,
			{
				areaCode: township,
				startsAt: new Date(Date.now() - 60_000),
				endsAt: new Date(Date.now() + 3600_000),
				reason: '汛情'
			},
			meta
		);
		if (!ok.ok) throw new Error('declare');
		const list = await listResidencesByVillage(
			d.db,
			staff,
			township,
			'emergency_rescue',
			'csv',
			meta
		);
		const table = homesTable(list.villages, 'zh-CN');
		const n = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM children WHERE village_code LIKE ${prefixOf(township) + '%'}`.execute(
			d.db
		);
		expect(table.rows.length).toBe(n.rows[0].n);
		expect(table.header[0]).toBe('村');
		const audit = await sql<{ action: string; emergency_id: number | null }>`
			SELECT action, emergency_id FROM audit_log WHERE username = 'emergency'
			ORDER BY id DESC LIMIT 1`.execute(d.db);
		expect(audit.rows[0]).toEqual({ action: 'export', emergency_id: ok.value });
	});
});
