// Every import kind besides the children's homes, on both engines, through the service: per-row
// errors (row, field, what is wrong, in Chinese), the jurisdiction check, the upsert by the
// source's own id (a re-import changes nothing, not even the data version), and the derived
// data following through the change path. Every figure is checked against SQL written here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	commitImport,
	dryRunImport,
	prepareImport,
	type ImportOutcome
} from '../../src/lib/server/services/imports';
import type { ImportKind } from '../../src/lib/import/kinds';
import { problemText } from '../../src/lib/import/messages';
import { POINT_KINDS } from '../../src/lib/server/repositories/import-kinds';
import { translator } from '../../src/lib/i18n';
import { villagesInside, type VillageCentre } from '../support/villages';

const META = { ip: '127.0.0.1', userAgent: 'test' };
const zh = translator('zh-CN');

type Village = VillageCentre;

async function dataVersion(d: TestDatabase) {
	const r = await sql<{ value: string | null }>`
		SELECT value FROM app_meta WHERE key = 'data_version'`.execute(d.db);
	return r.rows[0]?.value ?? null;
}
async function notedChanges(d: TestDatabase) {
	const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM data_changes`.execute(d.db);
	return Number(r.rows[0].n);
}

describe.each(testEngines())('import kinds on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	/** villages of the county, the first ones in the river chief's township */
	let villages: Village[];
	let outside: [number, number];
	let chiefId: number;

	const enc = (text: string) => new TextEncoder().encode(text);
	const prepare = (kind: ImportKind, name: string, text: string) =>
		prepareImport(
			d.db,
			admin,
			{ name, bytes: enc(text) },
			{ kind, encoding: 'auto', crs: 'wgs84', swap: false, mapping: null }
		);
	const dry = async (kind: ImportKind, name: string, text: string) =>
		dryRunImport(d.db, admin, await prepare(kind, name, text));
	const commit = async (kind: ImportKind, name: string, text: string) => {
		const p = await prepare(kind, name, text);
		return commitImport(d.db, admin, p, p.sha256, META);
	};
	const problemsOf = (r: ImportOutcome) =>
		Object.fromEntries(r.problems.map((x) => [x.row, `${x.field}:${x.key}`]));
	/** a re-import of the same file: all unchanged, and not one row touched */
	async function reimportChangesNothing(kind: ImportKind, name: string, text: string, n: number) {
		const before = await dataVersion(d);
		const r = await commit(kind, name, text);
		expect(r).toMatchObject({ inserts: 0, updates: 0, unchanged: n, committed: true });
		expect(await dataVersion(d)).toBe(before);
	}

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		const chief = (
			await sql<{ id: number; jurisdiction_code: string }>`
				SELECT id, jurisdiction_code FROM users WHERE username = 'river.chief'`.execute(d.db)
		).rows[0];
		chiefId = Number(chief.id);
		villages = await villagesInside(d.db, admin.jurisdiction, 3, chief.jurisdiction_code);
		expect(villages[0].township).toBe(chief.jurisdiction_code);
		const box = (
			await sql<{ e: number; n: number }>`
				SELECT ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM admin_units WHERE code = ${admin.jurisdiction}`.execute(
				d.db
			)
		).rows[0];
		outside = [Number(box.e) + 0.3, Number(box.n) - 0.05];
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	it("Sunshine Stations: rows outside or in an unknown area are named; the rest upserted by the source's id", async () => {
		const v = villages[0];
		const text = [
			'编号,名称,区划代码,服务内容,经度,纬度',
			`S-1,一号阳光驿站,${v.code},托管,${v.lon},${v.lat}`,
			`S-2,界外驿站,${v.code},,${outside[0]},${outside[1]}`,
			`S-3,外县驿站,429999999999,,${v.lon},${v.lat}`
		].join('\n');
		const r = await dry('sunshine_stations', 'stations.csv', text);
		expect(r).toMatchObject({ rows: 3, inserts: 1, rejected: 2 });
		expect(problemsOf(r)).toEqual({ 3: 'lon:outside', 4: 'adminCode:unitUnknown' });
		expect(problemText(zh, r.problems[1])).toBe(
			'第 4 行，区划代码（列“区划代码”）：区划代码不存在或不在您的管辖范围内（“429999999999”）'
		);
		await commit('sunshine_stations', 'stations.csv', text);
		const rows = (
			await sql<{ name: string; admin_code: string; services: string }>`
				SELECT name, admin_code, services FROM sunshine_stations WHERE source_id LIKE 'S-%'`.execute(d.db)
		).rows;
		expect(rows).toEqual([{ name: '一号阳光驿站', admin_code: v.code, services: '托管' }]);
		// the change path applied the new site before the answer
		expect(await notedChanges(d)).toBe(0);
		await reimportChangesNothing('sunshine_stations', 'stations.csv', text, 1);
		const edited = text.replace('托管', '托管、课后辅导');
		expect(await dry('sunshine_stations', 'stations.csv', edited)).toMatchObject({
			updates: 1,
			inserts: 0
		});
	});

	it('institutions: kinds in Chinese words, a capacity that is not a whole number is refused', async () => {
		const v = villages[1];
		const text = [
			'编号,类型,名称,区划代码,容量,经度,纬度',
			`I-1,幼儿园,阳光幼儿园,${v.code},120,${v.lon},${v.lat}`,
			`I-2,网吧,某网吧,${v.code},,${v.lon},${v.lat}`,
			`I-3,中小学,某小学,${v.code},12.5,${v.lon},${v.lat}`
		].join('\n');
		const r = await dry('institutions', 'inst.csv', text);
		expect(r).toMatchObject({ inserts: 1, rejected: 2 });
		expect(problemsOf(r)).toEqual({ 3: 'kind:institutionKind', 4: 'capacity:integer' });
		expect(problemText(zh, r.problems[0])).toContain('第 3 行，类型（列“类型”）：无法识别“网吧”');
		await commit('institutions', 'inst.csv', text);
		const rows = (
			await sql<{ kind: string; capacity: number }>`
				SELECT kind, capacity FROM institutions WHERE source_id LIKE 'I-%'`.execute(d.db)
		).rows;
		expect(rows).toEqual([{ kind: 'kindergarten', capacity: 120 }]);
		await reimportChangesNothing('institutions', 'inst.csv', text, 1);
	});

	it("each point kind's column list is its table's: a column added later cannot be left out of the upsert", async () => {
		for (const k of Object.values(POINT_KINDS)) {
			const cols = (
				await sql<{ column_name: string }>`
					SELECT column_name FROM information_schema.columns
					WHERE table_schema = current_schema() AND table_name = ${k.table}
					ORDER BY column_name`.execute(d.db)
			).rows.map((r) => r.column_name);
			// the id is the table's, synthetic marks demo rows, and the point is the row's lon/lat
			const imported = [k.area, ...k.columns].map((c) => c.column);
			expect(
				cols.filter((c) => !['id', 'synthetic', 'geom', 'source_id'].includes(c)).sort()
			).toEqual([...imported].sort());
		}
	});

	it('the children roster: categories and dates as written, no identity numbers, counts follow', async () => {
		const v = villages[2];
		const count = async () =>
			Number(
				(
					await sql<{ total: number }>`
						SELECT total FROM child_counts WHERE code = ${v.code}`.execute(d.db)
				).rows[0]?.total ?? 0
			);
		const before = await count();
		const text = [
			'记录编号,村代码,出生日期,类别,经度,纬度',
			`C-1,${v.code},2016/3/8,农村留守儿童、孤儿,${v.lon},${v.lat}`,
			`42108320160308123X,${v.code},2016-03-08,孤儿,${v.lon},${v.lat}`,
			`C-3,${v.code},2016-02-30,孤儿,${v.lon},${v.lat}`,
			`C-4,${v.code},2016-02-03,神童,${v.lon},${v.lat}`,
			`C-5,${villages[0].code},2016-02-03,孤儿,${outside[0]},${outside[1]}`
		].join('\n');
		const r = await dry('children', 'roster.csv', text);
		expect(r).toMatchObject({ rows: 5, inserts: 1, rejected: 4 });
		expect(problemsOf(r)).toEqual({
			3: 'sourceId:idNumber',
			4: 'birthDate:date',
			5: 'categories:category',
			6: 'lon:outside'
		});
		expect(problemText(zh, r.problems[2])).toBe(
			'第 5 行，儿童类别（列“类别”）：无法识别的儿童类别“神童”'
		);
		// the preview never names a child
		expect(r.preview.map((p) => p.name)).toEqual(['']);
		await commit('children', 'roster.csv', text);
		const rows = (
			await sql<{ pseudonym: string; birth: string; categories: string[] }>`
				SELECT pseudonym, birth_date::text AS birth, categories FROM children
				WHERE source_id = 'C-1'`.execute(d.db)
		).rows;
		expect(rows).toHaveLength(1);
		expect(rows[0].birth).toBe('2016-03-08');
		expect([...rows[0].categories].sort()).toEqual(['left_behind_rural', 'orphan']);
		expect(rows[0].pseudonym).not.toContain('C-1');
		// the village's count followed through the change path before the answer
		expect(await count()).toBe(before + 1);
		await reimportChangesNothing('children', 'roster.csv', text, 1);
		expect(await count()).toBe(before + 1);
	});

	const line = (v: Village, dx = 0) => [
		[v.lon + dx, v.lat],
		[v.lon + dx + 0.002, v.lat + 0.001]
	];
	const segments = () =>
		JSON.stringify({
			type: 'FeatureCollection',
			features: [
				{ 编号: 'W-1', 名称: '一号渠', 类型: '渠道', dx: 0 },
				{ 编号: 'W-6', 名称: '六号塘', 类型: '坑塘', dx: 0.004 }
			]
				.map((p): object => ({
					type: 'Feature',
					properties: {
						河段编号: p.编号,
						名称: p.名称,
						类型: p.类型,
						乡镇代码: villages[0].township
					},
					geometry: { type: 'LineString', coordinates: line(villages[0], p.dx) }
				}))
				.concat([
					{
						type: 'Feature',
						properties: {
							河段编号: 'W-2',
							名称: '界外河',
							类型: '河流',
							乡镇代码: villages[0].township
						},
						geometry: {
							type: 'LineString',
							coordinates: [outside, [outside[0] + 0.01, outside[1]]]
						}
					},
					{
						type: 'Feature',
						properties: { 河段编号: 'W-3', 名称: '错码河', 类型: '河流', 乡镇代码: '4210' },
						geometry: { type: 'LineString', coordinates: line(villages[1]) }
					},
					{
						type: 'Feature',
						properties: {
							河段编号: 'W-4',
							名称: '点状河',
							类型: '河流',
							乡镇代码: villages[0].township
						},
						geometry: { type: 'Point', coordinates: [villages[0].lon, villages[0].lat] }
					}
				])
		});

	it('a roster row with problems the file shows and problems only the database finds reports them all', async () => {
		const unknownVillage = `${admin.jurisdiction.slice(0, 6)}999999`;
		const text = [
			'记录编号,村代码,出生日期,类别,经度,纬度',
			// no birth date, a category nobody uses, a village the county does not have, a home
			// outside the county
			`D-1,${unknownVillage},,神童,${outside[0]},${outside[1]}`,
			// a longitude of 200 beside an unknown village: the point is not also called outside
			`D-2,${unknownVillage},2016-02-03,孤儿,200,${villages[0].lat}`
		].join('\n');
		const r = await dry('children', 'roster.csv', text);
		expect(r).toMatchObject({ rows: 2, inserts: 0, rejected: 2, problemCount: 6 });
		const of = (row: number) =>
			r.problems
				.filter((x) => x.row === row)
				.map((x) => `${x.field}:${x.key}`)
				.sort();
		expect(of(2)).toEqual([
			'birthDate:required',
			'categories:category',
			'lon:outside',
			'villageCode:villageUnknown'
		]);
		expect(of(3)).toEqual(['lon:lonRange', 'villageCode:villageUnknown']);
	});

	it('waterway segments from GeoJSON: lines inside only, with their slots, the rule computed', async () => {
		const r = await dry('waterways', 'segments.geojson', segments());
		expect(r).toMatchObject({ rows: 5, inserts: 2, rejected: 3 });
		expect(problemsOf(r)).toEqual({
			3: 'geometry:outside',
			4: 'townshipCode:code',
			5: 'geometry:type'
		});
		await commit('waterways', 'segments.geojson', segments());
		const rows = (
			await sql<{
				source_id: string;
				kind: string;
				county_code: string;
				length_m: number;
				slots: number;
				ruled: number;
			}>`
				SELECT w.source_id, w.kind, w.county_code, w.length_m,
					(SELECT count(*)::int FROM safety_equipment e WHERE e.waterway_id = w.id) AS slots,
					(SELECT count(*)::int FROM segment_requirements s WHERE s.waterway_id = w.id) AS ruled
				FROM waterways w WHERE w.source_id LIKE 'W-%' ORDER BY w.source_id`.execute(d.db)
		).rows;
		expect(rows.map((x) => [x.source_id, x.kind, x.county_code, x.slots, x.ruled])).toEqual([
			['W-1', 'canal', admin.jurisdiction, 4, 1],
			['W-6', 'pond', admin.jurisdiction, 4, 1]
		]);
		// about 220 m of line
		expect(Number(rows[0].length_m)).toBeGreaterThan(150);
		expect(Number(rows[0].length_m)).toBeLessThan(300);
		await reimportChangesNothing('waterways', 'segments.geojson', segments(), 2);
	});

	it("river-chief assignments by the segment's source id: only active river chiefs of the area", async () => {
		const text = [
			'河段编号,河长账号',
			'W-1,river.chief',
			'W-404,river.chief',
			'W-6,county.admin',
			'W-1,river.chief'
		].join('\n');
		const r = await dry('river_chiefs', 'chiefs.csv', text);
		expect(r).toMatchObject({ rows: 4, updates: 1, rejected: 3 });
		expect(problemsOf(r)).toEqual({
			3: 'sourceId:segmentUnknown',
			4: 'chief:chiefUnknown',
			5: 'sourceId:duplicate'
		});
		expect(problemText(zh, r.problems[1])).toBe(
			'第 4 行，河长账号（列“河长账号”）：账号“county.admin”不是您管辖范围内在用的河长'
		);
		await commit('river_chiefs', 'chiefs.csv', text);
		const held = (
			await sql<{ source_id: string; river_chief_id: number | null }>`
				SELECT source_id, river_chief_id FROM waterways WHERE source_id IN ('W-1', 'W-6')
				ORDER BY source_id`.execute(d.db)
		).rows;
		expect(held.map((x) => [x.source_id, x.river_chief_id && Number(x.river_chief_id)])).toEqual([
			['W-1', chiefId],
			['W-6', null]
		]);
		await reimportChangesNothing('river_chiefs', 'chiefs.csv', text, 1);
	});

	it('equipment states: the state and its history, as a field check writes them; older checks refused', async () => {
		const text = [
			'河段编号,设施,状态,检查时间',
			'W-1,救生圈,缺失,2026-05-20',
			'W-1,防护栏,完好,',
			'W-1,救生圈,损坏,2026-05-21',
			'W-1,喇叭,完好,',
			'W-404,救生绳,完好,'
		].join('\n');
		const r = await dry('equipment', 'items.csv', text);
		expect(r).toMatchObject({ rows: 5, updates: 1, inserts: 1, rejected: 3 });
		expect(problemsOf(r)).toEqual({
			4: 'sourceId:duplicate',
			5: 'item:item',
			6: 'sourceId:segmentUnknown'
		});
		await commit('equipment', 'items.csv', text);
		const slots = (
			await sql<{ item: string; status: string; at: string | null; by: number | null }>`
				SELECT e.item, e.status, to_char(e.checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at,
					e.checked_by AS by
				FROM safety_equipment e JOIN waterways w ON w.id = e.waterway_id
				WHERE w.source_id = 'W-1' AND e.item IN ('buoy', 'barrier') ORDER BY e.item`.execute(d.db)
		).rows;
		expect(slots.map((x) => [x.item, x.status, Number(x.by)])).toEqual([
			['barrier', 'present', admin.userId],
			['buoy', 'missing', admin.userId]
		]);
		expect(slots[1].at).toBe('2026-05-20 00:00');
		const events = (
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM equipment_events v JOIN waterways w ON w.id = v.waterway_id
				WHERE w.source_id = 'W-1'`.execute(d.db)
		).rows[0];
		expect(Number(events.n)).toBe(2);
		await reimportChangesNothing('equipment', 'items.csv', text, 2);
		const older = await dry(
			'equipment',
			'old.csv',
			'河段编号,设施,状态,检查时间\nW-1,救生圈,完好,2026-05-01'
		);
		expect(problemsOf(older)).toEqual({ 2: 'checkedAt:stale' });
	});
});
