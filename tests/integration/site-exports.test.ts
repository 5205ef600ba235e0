// The public sites (children's homes, Sunshine Stations, institutions) as files, through their
// endpoint on a seeded database: each format opened by GDAL (field types, feature counts,
// points), the rows those of the viewer's area only (another county's sites never appear),
// the watermark (file name, workbook properties, GeoJSON member), one audit row per export,
// and the round trip: every file exported, read back by a dry-run import, finds every row
// unchanged. Every figure is checked against SQL written here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	openTestDatabase,
	principalOf,
	ROOT,
	testEngines,
	type TestDatabase
} from '../support/template';
import { ogrinfo } from '../support/ogr';
import { unzip } from '../support/xlsx';
import type { Principal } from '../../src/lib/server/auth/policy';
import { download } from '../support/route-event';
import type { Locale } from '../../src/lib/i18n';
import { GET } from '../../src/routes/api/exports/sites/+server';
import { dryRunImport, prepareImport } from '../../src/lib/server/services/imports';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

type Kind = 'children_homes' | 'sunshine_stations' | 'institutions';
const KINDS: Kind[] = ['children_homes', 'sunshine_stations', 'institutions'];
/** the column each table registers its sites to */
const UNIT: Record<Kind, string> = {
	children_homes: 'village_code',
	sunshine_stations: 'admin_code',
	institutions: 'admin_code'
};

/** The sites export as `who`. */
const exportSites = (who: Principal, query: string, locale: Locale = 'en') =>
	download(GET, '/api/exports/sites', who, query, locale);

const csvLines = (b: Buffer) => b.toString('utf8').slice(1).trim().split('\r\n');

describe.each(testEngines())('site exports on %s', (engine) => {
	let d: TestDatabase;
	let county: Principal;
	let staff: Principal;
	let countyPrefix: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		county = (await principalOf(d.db, 'county.admin')) as Principal;
		staff = (await principalOf(d.db, 'township.staff')) as Principal;
		countyPrefix = county.jurisdiction.slice(0, 6);
		// a database seeded before every site had a source id: a few of each kind without one,
		// as migration 0029 finds them (run again here; it fills only what is missing)
		for (const k of KINDS)
			await sql`
				UPDATE ${sql.table(k)} SET source_id = NULL
				WHERE id IN (SELECT id FROM ${sql.table(k)} ORDER BY id LIMIT 3)`.execute(d.db);
		await sql
			.raw(readFileSync(path.join(ROOT, 'migrations/0029_backfill_source_ids.sql'), 'utf8'))
			.execute(d.db);
		// a home measured to the tenth of a square metre (the seed's are whole): a Real column
		await sql`
			UPDATE children_homes SET area_m2 = 45.5
			WHERE id = (SELECT min(id) FROM children_homes WHERE village_code LIKE ${countyPrefix + '%'})`.execute(
			d.db
		);
		// the sample area has no Sunshine Station: two, imported into two of its townships
		await sql`
			INSERT INTO sunshine_stations (source_id, name, admin_code, services, geom)
			SELECT 'station-' || code, name || '阳光驿站', code, '课业辅导, 心理关爱', center
			FROM admin_units WHERE level = 'township' AND code LIKE ${countyPrefix + '%'}
			ORDER BY code LIMIT 2`.execute(d.db);
		// a village of a neighbouring county, with one site of each kind
		const other = '421081100201';
		await sql`
			INSERT INTO admin_units (code, level, name, parent_code, center) VALUES
				('421081000000', 'county', '邻县', '421000000000', ST_SetSRID(ST_MakePoint(113.2, 29.9), 4326)),
				('421081100000', 'township', '邻镇', '421081000000', ST_SetSRID(ST_MakePoint(113.2, 29.9), 4326)),
				(${other}, 'village', '邻村', '421081100000', ST_SetSRID(ST_MakePoint(113.2, 29.9), 4326))`.execute(
			d.db
		);
		const at = sql`ST_SetSRID(ST_MakePoint(113.2, 29.9), 4326)`;
		await sql`
			INSERT INTO children_homes (source_id, name, village_code, area_m2, status, geom)
			VALUES ('elsewhere-home', '别县之家', ${other}, 40, 'open', ${at})`.execute(d.db);
		await sql`
			INSERT INTO sunshine_stations (source_id, name, admin_code, services, geom)
			VALUES ('elsewhere-station', '别县驿站', ${other}, '', ${at})`.execute(d.db);
		await sql`
			INSERT INTO institutions (source_id, kind, name, admin_code, capacity, geom)
			VALUES ('elsewhere-school', 'school', '别县小学', ${other}, 100, ${at})`.execute(d.db);
	});
	afterAll(async () => {
		await d?.close();
	});

	const countIn = async (k: Kind, prefix: string) =>
		Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM ${sql.table(k)} WHERE ${sql.ref(UNIT[k])} LIKE ${prefix + '%'}`.execute(
					d.db
				)
			).rows[0].n
		);
	const audits = async (resource: string) =>
		(
			await sql<{ username: string; detail: unknown }>`
				SELECT username, detail FROM audit_log WHERE action = 'export' AND resource = ${resource}
				ORDER BY id`.execute(d.db)
		).rows.map((r) => ({
			username: r.username,
			detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as {
				file: string;
				rows: number;
			}
		}));

	it.each(KINDS)(
		'writes %s as CSV, XLSX and GeoJSON that GDAL reads, the county only',
		async (k) => {
			const n = await countIn(k, countyPrefix);
			expect(n).toBeGreaterThan(0);

			const csv = await exportSites(county, `kind=${k}&format=csv`);
			expect(csv.status).toBe(200);
			expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
			const lines = csvLines(csv.bytes);
			expect(lines).toHaveLength(n + 1);
			expect(csv.bytes.toString('utf8')).not.toContain('elsewhere-');
			const c = ogrinfo(
				csv.bytes,
				'csv',
				'-oo',
				'X_POSSIBLE_NAMES=lon',
				'-oo',
				'Y_POSSIBLE_NAMES=lat'
			);
			expect(c.count).toBe(n);
			expect(c.geometry).toBe('Point');

			const xlsx = await exportSites(county, `kind=${k}&format=xlsx`);
			expect(xlsx.type).toContain('spreadsheetml');
			const x = ogrinfo(xlsx.bytes, 'xlsx');
			expect(x.count).toBe(n);
			expect(x.fields.get('source_id')).toBe('String');
			expect(x.fields.get('lon')).toBe('Real');
			expect(x.fields.get('lat')).toBe('Real');
			if (k === 'children_homes') expect(x.fields.get('area_m2')).toBe('Real');
			if (k === 'institutions') expect(x.fields.get('capacity')).toBe('Integer');
			// the watermark in the workbook's properties: who exported it
			const core = unzip(xlsx.bytes).get('docProps/core.xml')?.toString('utf8') ?? '';
			expect(core).toContain(`<dc:creator>${county.username}</dc:creator>`);
			expect(xlsx.bytes.includes(Buffer.from('elsewhere-'))).toBe(false);

			const geo = await exportSites(county, `kind=${k}&format=geojson`);
			expect(geo.type).toContain('geo+json');
			const g = ogrinfo(geo.bytes, 'geojson');
			expect(g.count).toBe(n);
			expect(g.geometry).toBe('Point');
			const fc = JSON.parse(geo.bytes.toString('utf8')) as GeoJSON.FeatureCollection & {
				exported: { by: string; at: string };
			};
			expect(fc.exported.by).toBe(county.username);
			expect(fc.exported.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
			expect(
				fc.features.some((f) => String(f.properties!.source_id).startsWith('elsewhere-'))
			).toBe(false);
			// each point where the database has it, unrounded
			const stored = await sql<{ source_id: string; lon: number; lat: number }>`
			SELECT source_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM ${sql.table(k)}
			WHERE ${sql.ref(UNIT[k])} LIKE ${countyPrefix + '%'}`.execute(d.db);
			const at = new Map(stored.rows.map((r) => [r.source_id, [Number(r.lon), Number(r.lat)]]));
			for (const f of fc.features)
				expect((f.geometry as GeoJSON.Point).coordinates).toEqual(
					at.get(String(f.properties!.source_id))
				);

			// the file's name carries the user; one audit row per export, with the rows and the file
			for (const [f, file] of [
				['csv', csv],
				['xlsx', xlsx],
				['geojson', geo]
			] as const) {
				expect(file.name).toContain(county.username);
				const logged = await audits(`sites.${k}.${f}`);
				expect(logged).toHaveLength(1);
				expect(logged[0].username).toBe(county.username);
				expect(logged[0].detail).toMatchObject({ rows: n, file: file.name });
			}
		}
	);

	it('gives a township’s staff the sites of their township only', async () => {
		const prefix = staff.jurisdiction.slice(0, 9);
		for (const k of KINDS) {
			const r = await exportSites(staff, `kind=${k}&format=csv`);
			expect(r.status).toBe(200);
			const lines = csvLines(r.bytes);
			expect(lines).toHaveLength((await countIn(k, prefix)) + 1);
			const code = lines[0].split(',').findIndex((h) => /_code$/.test(h));
			for (const l of lines.slice(1)) expect(l.split(',')[code].startsWith(prefix)).toBe(true);
		}
	});

	it('gives every seeded site a source id of its own, the backfilled ones as the seed does', async () => {
		for (const k of KINDS) {
			const r = await sql<{ missing: number; n: number; distinct: number; odd: number }>`
				SELECT count(*) FILTER (WHERE source_id IS NULL)::int AS missing, count(*)::int AS n,
					count(DISTINCT source_id)::int AS distinct,
					count(*) FILTER (WHERE synthetic AND source_id !~ '^tongan-[a-z]+-[0-9]+$')::int AS odd
				FROM ${sql.table(k)}`.execute(d.db);
			expect(r.rows[0], k).toMatchObject({ missing: 0, odd: 0, distinct: r.rows[0].n });
		}
	});

	it('refuses an unknown kind or format with a 400, logging nothing', async () => {
		const before = (await audits('sites.children.csv')).length;
		expect((await exportSites(county, 'kind=children&format=csv')).status).toBe(400);
		expect((await exportSites(county, 'kind=institutions&format=pdf')).status).toBe(400);
		expect(await audits('sites.children.csv')).toHaveLength(before);
	});

	it.each(KINDS)(
		'reads %s back unchanged: a dry-run import of each exported file changes nothing',
		async (k) => {
			const n = await countIn(k, countyPrefix);
			for (const locale of ['zh-CN', 'en'] as const)
				for (const format of ['csv', 'xlsx', 'geojson'] as const) {
					const file = await exportSites(county, `kind=${k}&format=${format}`, locale);
					const p = await prepareImport(
						d.db,
						county,
						{ name: `sites.${format}`, bytes: new Uint8Array(file.bytes) },
						{ kind: k, encoding: 'auto', crs: 'auto', swap: false, mapping: null }
					);
					const r = await dryRunImport(d.db, county, p);
					expect({ ...r, problems: r.problems.slice(0, 3) }, `${locale} ${format}`).toMatchObject({
						rows: n,
						unchanged: n,
						inserts: 0,
						updates: 0,
						rejected: 0
					});
				}
		}
	);
});
