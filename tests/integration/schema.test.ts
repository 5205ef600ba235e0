import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, ROOT, type TestDatabase } from '../support/template';
import { listMigrations, migrate } from '../../src/lib/server/db/migrate';

describe.each(testEngines())('schema and migrations on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('records every migration file once, and a second run applies nothing', async () => {
		const files = await listMigrations(path.join(ROOT, 'migrations'));
		const rows = await d.db
			.selectFrom('schema_migrations')
			.select('version')
			.orderBy('version')
			.execute();
		expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
		expect(await migrate(d.db, path.join(ROOT, 'migrations'))).toEqual([]);
	});

	it('runs PostGIS 3.3 or newer', async () => {
		const r = await sql<{ v: string }>`SELECT postgis_lib_version() AS v`.execute(d.db);
		const [maj, min] = r.rows[0].v.split('.').map(Number);
		expect(maj * 100 + min).toBeGreaterThanOrEqual(303);
	});

	// Bulk-written points that no query searches by place (migration 0025): a province-wide
	// launch writes ~78,000 targets, and their readers go by campaign, id or hazard.
	const WITHOUT_GIST = ['campaign_targets.geom'];

	it('has a GiST index on every geometry column but the bulk-written targets', async () => {
		const cols = await sql<{ t: string; c: string }>`
			SELECT f_table_name AS t, f_geometry_column AS c FROM geometry_columns
			WHERE f_table_schema = 'public'`.execute(d.db);
		expect(cols.rows.length).toBeGreaterThanOrEqual(7);
		const idx = await sql<{ t: string; def: string }>`
			SELECT tablename AS t, indexdef AS def FROM pg_indexes WHERE schemaname = 'public'`.execute(d.db);
		for (const { t, c } of cols.rows) {
			const has = idx.rows.some(
				(i) =>
					i.t === t &&
					/USING gist/i.test(i.def) &&
					(i.def.includes(`(${c})`) || i.def.includes(`("${c}")`))
			);
			expect(has, `${t}.${c} has a GiST index`).toBe(!WITHOUT_GIST.includes(`${t}.${c}`));
		}
	});

	it('rejects bad rows and changes nothing', async () => {
		const before = await d.db
			.selectFrom('children')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		const village = await d.db
			.selectFrom('admin_units')
			.select('code')
			.where('level', '=', 'village')
			.executeTakeFirstOrThrow();
		await expect(
			sql`INSERT INTO children (pseudonym, village_code, birth_date, categories, residence)
				VALUES ('X1', ${village.code}, '2015-01-01', ARRAY['not_a_category'], ST_SetSRID(ST_MakePoint(113.5, 29.8), 4326))`.execute(
				d.db
			)
		).rejects.toThrow(/children_categories_chk/);
		await expect(
			sql`INSERT INTO admin_units (code, level, name, center) VALUES ('42', 'county', 'x', ST_SetSRID(ST_MakePoint(113, 30), 4326))`.execute(
				d.db
			)
		).rejects.toThrow(/admin_units_code_chk/);
		await expect(
			sql`INSERT INTO safety_equipment (waterway_id, item, status) VALUES (1, 'lamp', 'present')`.execute(
				d.db
			)
		).rejects.toThrow();
		const after = await d.db
			.selectFrom('children')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});
});
