// After an import the planner knows the tables as they now are: the commit analyses what it
// wrote. The embedded engine never does it by itself (no autovacuum), and a county's children
// multiplied by an import were otherwise planned at their old count in every query after.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { commitImport, prepareImport } from '../../src/lib/server/services/imports';
import { IMPORT_WRITES } from '../../src/lib/server/repositories/imports';
import { IMPORT_KINDS } from '../../src/lib/import/kinds';
import { villagesInside } from '../support/villages';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

/** What the planner believes the table holds, and what it holds. */
async function planned(d: TestDatabase, table: string) {
	const r = await sql<{ believed: number; counted: number }>`
		SELECT (SELECT reltuples FROM pg_class WHERE oid = ${table}::regclass)::float8 AS believed,
			(SELECT count(*) FROM ${sql.table(table)})::float8 AS counted`.execute(d.db);
	return { believed: Number(r.rows[0].believed), counted: Number(r.rows[0].counted) };
}

describe.each(testEngines())('statistics after an import on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	it('every kind names the tables it writes, and they are tables', async () => {
		for (const kind of IMPORT_KINDS) {
			expect(IMPORT_WRITES[kind]?.length, kind).toBeGreaterThan(0);
			for (const t of IMPORT_WRITES[kind]) {
				const r = await sql<{ ok: boolean }>`SELECT to_regclass(${t}) IS NOT NULL AS ok`.execute(
					d.db
				);
				expect(r.rows[0].ok, t).toBe(true);
			}
		}
	});

	it('the planner counts the imported rows as soon as the commit answers', async () => {
		const villages = await villagesInside(d.db, admin.jurisdiction, 40);
		// a table the planner does not know as it is: rows it never counted
		const before = await planned(d, 'children_homes');
		const lines = villages.map(
			(v, i) => `STAT-${i},统计儿童之家${i},${v.code},35,开放,${v.lon},${v.lat}`
		);
		const bytes = new TextEncoder().encode(
			['编号,名称,村代码,面积,状态,经度,纬度', ...lines].join('\n')
		);
		const p = await prepareImport(
			d.db,
			admin,
			{ name: 'homes.csv', bytes },
			{ kind: 'children_homes', encoding: 'auto', crs: 'wgs84', swap: false, mapping: null }
		);
		const r = await commitImport(d.db, admin, p, p.sha256, { ip: '127.0.0.1', userAgent: 'test' });
		expect(r).toMatchObject({ committed: true, inserts: villages.length });
		const after = await planned(d, 'children_homes');
		expect(after.counted).toBe(before.counted + villages.length);
		expect(after.believed).toBe(after.counted);
	});
});
