// A large children's roster on both engines, with the size from which the embedded engine writes
// new children beside the table (repositories/import-shadow.ts) lowered so a small file takes
// that path: while the commit writes, a colleague's query is answered and sees none of the new
// rows; after it every row is there once, as the file says, the derived counts follow, and the
// rows end up in `children` itself; a failure at any point leaves nothing; a second commit right
// after the first updates rows instead of doubling them; and a server killed while the rows are
// written beside the table, or while they are moved in, leaves all or nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import {
	ensurePgliteTemplate,
	openTestDatabase,
	principalOf,
	ROOT,
	testEngines,
	type TestDatabase
} from '../support/template';
import { openPglite } from '../../src/lib/server/db/engine';
import type { DB } from '../../src/lib/server/db/schema';
import type { Principal } from '../../src/lib/server/auth/policy';
import {
	commitImport,
	prepareImport,
	settleImports,
	SHADOW,
	type ImportOptions
} from '../../src/lib/server/services/imports';
import { sweepStaleImports } from '../../src/lib/server/services/import-cleanup';
import { villagesInside, type VillageCentre } from '../support/villages';

const OPTS: ImportOptions = {
	kind: 'children',
	encoding: 'auto',
	crs: 'wgs84',
	swap: false,
	mapping: null
};
const META = { ip: '127.0.0.1', userAgent: 'test' };
const HEADER = '记录编号,村代码,出生日期,类别,经度,纬度';

type Village = VillageCentre;

/** `n` children spread over the villages, each a few metres from its village's centre. */
function roster(prefix: string, villages: Village[], n: number, year = 2014) {
	const rows = Array.from({ length: n }, (_, i) => {
		const v = villages[i % villages.length];
		return {
			sid: `${prefix}-${i}`,
			vc: v.code,
			birth: `${year + (i % 5)}-0${1 + (i % 9)}-1${i % 10}`,
			lon: Number((v.lon + ((i % 7) - 3) * 1e-4).toFixed(6)),
			lat: Number((v.lat + ((i % 5) - 2) * 1e-4).toFixed(6))
		};
	});
	const text = [
		HEADER,
		...rows.map((r) => `${r.sid},${r.vc},${r.birth},孤儿,${r.lon},${r.lat}`)
	].join('\n');
	return { rows, bytes: new TextEncoder().encode(text) };
}

async function childrenLike(db: Kysely<DB>, like: string) {
	return (
		await sql<{ sid: string; vc: string; birth: string; lon: number; lat: number }>`
			SELECT source_id AS sid, village_code AS vc, birth_date::text AS birth,
				ST_X(residence) AS lon, ST_Y(residence) AS lat
			FROM children WHERE source_id LIKE ${like}`.execute(db)
	).rows
		.map((r) => ({ ...r, lon: Number(r.lon), lat: Number(r.lat) }))
		.sort((a, b) => (a.sid < b.sid ? -1 : 1));
}
const countLike = async (db: Kysely<DB>, like: string) =>
	Number(
		(
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM children WHERE source_id LIKE ${like}`.execute(db)
		).rows[0].n
	);
/** Rows in `children` itself, not in a table attached to it. */
const ownRowsLike = async (db: Kysely<DB>, like: string) =>
	Number(
		(
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM ONLY children WHERE source_id LIKE ${like}`.execute(db)
		).rows[0].n
	);
const shadows = async (db: Kysely<DB>) =>
	(
		await sql<{ name: string }>`
			SELECT relname AS name FROM pg_class WHERE relname LIKE 'import_children_%'
				AND relkind = 'r'`.execute(db)
	).rows.map((r) => r.name);
const attached = async (db: Kysely<DB>) =>
	Number(
		(
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'children'::regclass`.execute(db)
		).rows[0].n
	);
const importAudits = async (db: Kysely<DB>) =>
	Number(
		(
			await sql<{ n: number }>`
				SELECT count(*)::int AS n FROM audit_log WHERE action = 'import'`.execute(db)
		).rows[0].n
	);
const staged = async (db: Kysely<DB>) =>
	Number(
		(await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_staging`.execute(db)).rows[0].n
	);

async function villagesOf(db: Kysely<DB>, admin: Principal): Promise<Village[]> {
	return villagesInside(db, admin.jurisdiction, 3);
}

const saved = { ...SHADOW };
beforeAll(() => {
	// a few hundred rows take the large-file path, a hundred and fifty per statement
	SHADOW.fromRows = 100;
	SHADOW.sliceRows = 150;
});
afterAll(() => {
	Object.assign(SHADOW, saved);
});

describe.each(testEngines())('a large children roster on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let villages: Village[];

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		villages = await villagesOf(d.db, admin);
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	const villageCount = async (code: string) =>
		Number(
			(
				await sql<{ total: number }>`
					SELECT total FROM child_counts WHERE code = ${code}`.execute(d.db)
			).rows[0]?.total ?? 0
		);
	const villageRows = async (code: string) =>
		Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children WHERE village_code = ${code}`.execute(d.db)
			).rows[0].n
		);

	it('is invisible to others until committed, answers them meanwhile, and every row lands once', async () => {
		const n = 700;
		const { rows, bytes } = roster('S', villages, n);
		const before = await Promise.all(villages.map((v) => villageCount(v.code)));
		const p = await prepareImport(d.db, admin, { name: 'roster.csv', bytes }, OPTS);
		const seenMidWrite: number[] = [];
		const asked: Promise<unknown>[] = [];
		const done = await commitImport(d.db, admin, p, p.sha256, META, (phase, k, total) => {
			// a colleague's query sent while the rows are written: answered with none of them
			if (phase === 'write' && k > 0 && k < total)
				asked.push(countLike(d.db, 'S-%').then((c) => seenMidWrite.push(c)));
		});
		await Promise.all(asked);
		expect(done).toMatchObject({ committed: true, inserts: n, rejected: 0 });
		if (engine === 'pglite') expect(seenMidWrite.length).toBeGreaterThan(0);
		expect(seenMidWrite.every((c) => c === 0)).toBe(true);
		// committed: every row once, as written in the file
		const expected = rows.map((r) => ({ ...r })).sort((a, b) => (a.sid < b.sid ? -1 : 1));
		expect(await childrenLike(d.db, 'S-%')).toEqual(expected);
		expect(await importAudits(d.db)).toBe(1);
		expect(await staged(d.db)).toBe(0);
		// the derived counts followed through the change path before the answer
		for (const [i, v] of villages.entries()) {
			const added = rows.filter((r) => r.vc === v.code).length;
			expect(await villageCount(v.code)).toBe(before[i] + added);
		}
		// and the rows end up in `children` itself, nothing left beside it, each child keeping its
		// id, pseudonym and record key: the key seeds the noise of every released count
		// (migration 0007), so a new one would release the same children with other noise
		const identity = () =>
			sql<{ id: string; pseudonym: string; record_key: number }>`
				SELECT id, pseudonym, record_key FROM children WHERE source_id LIKE 'S-%'
				ORDER BY id`
				.execute(d.db)
				.then((r) => r.rows);
		const identities = await identity();
		await settleImports(d.db);
		expect(await identity()).toEqual(identities);
		expect(await ownRowsLike(d.db, 'S-%')).toBe(n);
		expect(await childrenLike(d.db, 'S-%')).toEqual(expected);
		expect(await attached(d.db)).toBe(0);
		expect(await shadows(d.db)).toEqual([]);
		for (const v of villages) expect(await villageCount(v.code)).toBe(await villageRows(v.code));
		// and the planner counts the table as it now is, the moved rows in it
		const planned = await sql<{ believed: number; counted: number }>`
			SELECT (SELECT reltuples FROM pg_class WHERE oid = 'children'::regclass)::float8 AS believed,
				(SELECT count(*) FROM ONLY children)::float8 AS counted`.execute(d.db);
		expect(Number(planned.rows[0].believed)).toBe(Number(planned.rows[0].counted));
	});

	it('a second commit right after the first updates its rows, never doubles them', async () => {
		const n = 400;
		const first = roster('U', villages, n);
		const p1 = await prepareImport(d.db, admin, { name: 'a.csv', bytes: first.bytes }, OPTS);
		await commitImport(d.db, admin, p1, p1.sha256, META);
		// at once, the moves of the first not awaited: new birth dates for every row
		const second = roster('U', villages, n, 2016);
		const p2 = await prepareImport(d.db, admin, { name: 'b.csv', bytes: second.bytes }, OPTS);
		const r2 = await commitImport(d.db, admin, p2, p2.sha256, META);
		expect(r2).toMatchObject({ committed: true, updates: n, inserts: 0 });
		await settleImports(d.db);
		const expected = second.rows.map((r) => ({ ...r })).sort((a, b) => (a.sid < b.sid ? -1 : 1));
		expect(await childrenLike(d.db, 'U-%')).toEqual(expected);
		expect(await attached(d.db)).toBe(0);
	});

	it('a failure in the commit transaction leaves no row, no audit entry, nothing beside the table', async () => {
		const audits = await importAudits(d.db);
		// the change note of the new children fails (a trigger only this test adds)
		await sql`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.source = 'children' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`.execute(
			d.db
		);
		await sql`CREATE TRIGGER boom BEFORE INSERT ON data_changes FOR EACH ROW EXECUTE FUNCTION boom()`.execute(
			d.db
		);
		try {
			const { bytes } = roster('F', villages, 500);
			const p = await prepareImport(d.db, admin, { name: 'f.csv', bytes }, OPTS);
			await expect(commitImport(d.db, admin, p, p.sha256, META)).rejects.toThrow('boom');
			expect(await countLike(d.db, 'F-%')).toBe(0);
			expect(await importAudits(d.db)).toBe(audits);
			expect(await staged(d.db)).toBe(0);
			expect(await shadows(d.db)).toEqual([]);
		} finally {
			await sql`DROP TRIGGER boom ON data_changes`.execute(d.db);
			await sql`DROP FUNCTION boom()`.execute(d.db);
		}
	});
});

/** Processes whose command line names this path (the embedded database's host). */
function holders(dir: string): number[] {
	const out: number[] = [];
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) out.push(Number(pid));
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

// Only the embedded engine writes beside the table: these are the moments only it has.
describe('a large children roster on pglite, interrupted', () => {
	let d: TestDatabase;
	let admin: Principal;
	let villages: Village[];

	beforeAll(async () => {
		d = await openTestDatabase('pglite');
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		villages = await villagesOf(d.db, admin);
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	it('a failure while the rows are written beside the table leaves nothing', async () => {
		// the third slice fails as it leaves the stage (a trigger only this test adds)
		await sql`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF OLD.row->>'sid' = 'G-350' THEN RAISE EXCEPTION 'boom'; END IF; RETURN OLD; END $$`.execute(
			d.db
		);
		await sql`CREATE TRIGGER boom BEFORE DELETE ON import_staging FOR EACH ROW EXECUTE FUNCTION boom()`.execute(
			d.db
		);
		try {
			const { bytes } = roster('G', villages, 600);
			const p = await prepareImport(d.db, admin, { name: 'g.csv', bytes }, OPTS);
			const seen: number[] = [];
			await expect(
				commitImport(d.db, admin, p, p.sha256, META, (phase, k) => {
					if (phase === 'write') seen.push(k);
				})
			).rejects.toThrow('boom');
			// two slices were written beside the table before the third failed
			expect(seen.filter((k) => k > 0).length).toBeGreaterThanOrEqual(2);
			expect(await countLike(d.db, 'G-%')).toBe(0);
			expect(await importAudits(d.db)).toBe(0);
			expect(await shadows(d.db)).toEqual([]);
		} finally {
			await sql`DROP TRIGGER boom ON import_staging`.execute(d.db);
			await sql`DROP FUNCTION boom()`.execute(d.db);
		}
		await sql`DELETE FROM import_staging`.execute(d.db);
	});

	/** A server committing `n` children in its own process, killed when `at` is printed. */
	async function killedAt(at: 'MID' | 'COMMITTED', n: number) {
		const dir = mkdtempSync(path.join(tmpdir(), 'tongan-shadow-'));
		const filePath = path.join(dir, 'roster.csv');
		writeFileSync(filePath, roster('K', villages, n).bytes);
		const target = path.join(dir, 'pgdata');
		await cp(await ensurePgliteTemplate(), target, { recursive: true });
		const child = spawn(
			path.join(ROOT, 'node_modules/.bin/vite-node'),
			[
				'tests/support/import-child.ts',
				'pglite',
				target,
				JSON.stringify(admin),
				filePath,
				'children',
				at === 'MID' ? 'hang' : 'go',
				'100',
				at === 'MID' ? '150' : '20'
			],
			{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
		);
		let err = '';
		child.stderr.on('data', (b) => (err += b));
		const reached = await new Promise<boolean>((resolve) => {
			child.stdout.on('data', (b: Buffer) => {
				if (b.toString().includes(at)) resolve(true);
			});
			child.on('exit', () => resolve(false));
		});
		expect(reached, err).toBe(true);
		child.kill('SIGKILL');
		await new Promise((r) => child.on('exit', r));
		for (let i = 0; i < 200 && holders(target).length > 0; i++)
			await new Promise((r) => setTimeout(r, 100));
		expect(holders(target)).toEqual([]);
		return { dir, target };
	}

	it('a server killed while the rows are written beside the table leaves nothing, and the start sweep removes them', async () => {
		const { dir, target } = await killedAt('MID', 600);
		try {
			const again = await openPglite({ dataDir: target, projectRoot: ROOT });
			try {
				expect(await countLike(again.db, 'K-%')).toBe(0);
				expect(await importAudits(again.db)).toBe(0);
				expect((await shadows(again.db)).length).toBe(1);
				await sweepStaleImports(again.db, path.join(dir, 'uploads'), 24 * 3600_000);
				expect(await shadows(again.db)).toEqual([]);
				expect(await countLike(again.db, 'K-%')).toBe(0);
			} finally {
				await again.close();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 300_000);

	it('a server killed after the commit, its rows not all moved into the table, shows every row once, and the start sweep finishes the move', async () => {
		const n = 600;
		const { dir, target } = await killedAt('COMMITTED', n);
		try {
			const again = await openPglite({ dataDir: target, projectRoot: ROOT });
			try {
				expect(await countLike(again.db, 'K-%')).toBe(n);
				expect(await importAudits(again.db)).toBe(1);
				await sweepStaleImports(again.db, path.join(dir, 'uploads'), 24 * 3600_000);
				expect(await ownRowsLike(again.db, 'K-%')).toBe(n);
				expect(await countLike(again.db, 'K-%')).toBe(n);
				expect(await shadows(again.db)).toEqual([]);
			} finally {
				await again.close();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 300_000);
});
