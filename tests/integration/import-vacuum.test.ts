// The embedded engine has no autovacuum: a re-import's updated rows (their old versions) and the
// stage every commit empties stayed dead for good, the tables growing with each import. Now the
// commit reclaims them on PGlite, as soon as it has applied; on PostgreSQL that is left to the
// server's autovacuum (this machine's is off for CI: nothing vacuums there, and the app does not
// take it upon itself). On both, a re-import still writes what the file says. The embedded
// engine's analysis after an import reads a smaller sample: it holds the one session.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	commitImport,
	EMBEDDED_STATISTICS_TARGET,
	prepareImport
} from '../../src/lib/server/services/imports';
import { villagesInside, type VillageCentre } from '../support/villages';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const ROWS = 400;

/** The roster: the same children each time, born in `year`. */
function roster(villages: VillageCentre[], year: number): Uint8Array {
	const lines = ['记录编号,村代码,出生日期,类别,经度,纬度'];
	for (let i = 0; i < ROWS; i++) {
		const v = villages[i % villages.length];
		lines.push(`VAC-${i},${v.code},${year}-0${1 + (i % 9)}-1${i % 10},留守儿童,${v.lon},${v.lat}`);
	}
	return new TextEncoder().encode(lines.join('\n'));
}

interface TableStats {
	dead: number;
	vacuumed: boolean;
}

/** Dead rows and whether a (manual) vacuum ran, as the statistics have them now. */
async function stats(d: TestDatabase, table: string): Promise<TableStats> {
	await sql`SELECT pg_stat_force_next_flush()`.execute(d.db);
	const r = await sql<{ dead: number; vacuumed: boolean }>`
		SELECT n_dead_tup AS dead, last_vacuum IS NOT NULL AS vacuumed
		FROM pg_stat_user_tables WHERE relname = ${table}`.execute(d.db);
	return { dead: Number(r.rows[0]?.dead ?? 0), vacuumed: Boolean(r.rows[0]?.vacuumed) };
}

describe.each(testEngines())('dead rows after a re-import on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let villages: VillageCentre[];

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		villages = await villagesInside(d.db, admin.jurisdiction, 40);
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	async function importRoster(year: number) {
		const p = await prepareImport(
			d.db,
			admin,
			{ name: `roster-${year}.csv`, bytes: roster(villages, year) },
			{ kind: 'children', encoding: 'auto', crs: 'wgs84', swap: false, mapping: null }
		);
		return commitImport(d.db, admin, p, p.sha256, { ip: '127.0.0.1', userAgent: 'test' });
	}

	const born = async (year: number) =>
		Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children
					WHERE source_id LIKE 'VAC-%' AND extract(year FROM birth_date) = ${year}`.execute(d.db)
			).rows[0].n
		);

	it('a re-import that changes every row writes it, and the embedded engine reclaims the old rows', async () => {
		expect(await importRoster(2014)).toMatchObject({ committed: true, inserts: ROWS });
		expect(await importRoster(2015)).toMatchObject({ committed: true, updates: ROWS, inserts: 0 });
		expect(await born(2015)).toBe(ROWS);
		expect(await born(2014)).toBe(0);
		const children = await stats(d, 'children');
		const stage = await stats(d, 'import_staging');
		if (engine === 'pglite') {
			// 400 old versions of the updated children, 400 staged rows: reclaimed
			expect(children).toEqual({ dead: 0, vacuumed: true });
			expect(stage).toEqual({ dead: 0, vacuumed: true });
		} else {
			// the server's autovacuum is the one to do it: the app ran no VACUUM
			expect(children.vacuumed).toBe(false);
			expect(stage.vacuumed).toBe(false);
		}
		// and the same file again changes nothing
		expect(await importRoster(2015)).toMatchObject({ committed: true, unchanged: ROWS });
		expect(await born(2015)).toBe(ROWS);
	});

	it('the embedded engine analyses what an import wrote from a smaller sample (the one session waits for it)', async () => {
		await importRoster(2016);
		// the statistics target the analysis ran with shows in the histogram: at most target + 1
		// bounds; the fixture's ~3,800 children have birth dates enough for a hundred
		const r = await sql<{ bounds: number }>`
			SELECT array_length(histogram_bounds::text::text[], 1) AS bounds
			FROM pg_stats WHERE tablename = 'children' AND attname = 'birth_date'`.execute(d.db);
		const bounds = Number(r.rows[0].bounds);
		if (engine === 'pglite') expect(bounds).toBe(EMBEDDED_STATISTICS_TARGET + 1);
		else expect(bounds).toBeGreaterThan(50);
		// and the planner still counts the table as it is
		const c = await sql<{ believed: number; counted: number }>`
			SELECT (SELECT reltuples FROM pg_class WHERE oid = 'children'::regclass)::float8 AS believed,
				(SELECT count(*) FROM children)::float8 AS counted`.execute(d.db);
		expect(Number(c.rows[0].believed)).toBe(Number(c.rows[0].counted));
	});
});
