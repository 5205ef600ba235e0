// Prepared databases for tests. Creating PostGIS takes ~12 s on PGlite, so it is done once:
// a migrated and fixture-seeded PGlite data dir (and, with TEST_DATABASE_URL, a template
// database on the real server) is built and cached by a hash of everything that shapes it.
// Each test file then gets a fresh copy: a directory copy for PGlite, CREATE DATABASE …
// TEMPLATE for PostgreSQL.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/lib/server/db/engine';
import { migrate } from '../../src/lib/server/db/migrate';
import { seedDemo } from '../../src/lib/server/seed';
import { seedDemoUsers } from '../../src/lib/server/seed/users';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** 洪湖市: rivers, the Honghu lake shore, ponds and a few hundred villages. */
export const FIXTURE_AREA = process.env.TEST_SEED_AREA ?? '421083';
const CACHE = path.join(ROOT, 'node_modules/.cache/tongan-test');

async function filesUnder(dir: string): Promise<string[]> {
	const out: string[] = [];
	for (const e of await readdir(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...(await filesUnder(p)));
		else out.push(p);
	}
	return out.sort();
}

/** Hash of migrations, demo data and seed code: a change to any of them rebuilds templates. */
export async function templateKey(): Promise<string> {
	const h = createHash('sha256');
	h.update(FIXTURE_AREA);
	const dirs = [
		'migrations',
		'geodata/dist',
		'src/lib/server/seed',
		'src/lib/server/repositories',
		'src/lib/domain'
	];
	for (const d of dirs) {
		for (const f of await filesUnder(path.join(ROOT, d))) {
			h.update(path.relative(ROOT, f));
			h.update(await readFile(f));
		}
	}
	return h.digest('hex').slice(0, 12);
}

export async function ensurePgliteTemplate(
	log = (m: string) => console.log(`[test-db] ${m}`)
): Promise<string> {
	const dir = path.join(CACHE, `pglite-${await templateKey()}`);
	if (existsSync(path.join(dir, '.ready'))) return dir;
	await mkdir(CACHE, { recursive: true });
	// build in a private directory and rename it into place: several runners (vitest workers,
	// the e2e server) may ask at once, and none may see a half-built template
	const building = `${dir}.building-${process.pid}-${Date.now()}`;
	log(`building PGlite template for area ${FIXTURE_AREA} in ${building}`);
	const d = await openPglite({ dataDir: building, projectRoot: ROOT });
	try {
		await migrate(d.db, path.join(ROOT, 'migrations'));
		await seedDemo(d.db, ROOT, FIXTURE_AREA, log);
		await seedDemoUsers(d.db, log);
	} finally {
		await d.close();
	}
	await writeFile(path.join(building, '.ready'), new Date().toISOString());
	try {
		await rename(building, dir);
	} catch {
		// another runner finished first: use theirs
		await rm(building, { recursive: true, force: true });
		if (!existsSync(path.join(dir, '.ready'))) throw new Error(`template ${dir} is incomplete`);
	}
	return dir;
}

function adminUrl(url: string, database = 'postgres'): string {
	const u = new URL(url);
	u.pathname = `/${database}`;
	return u.toString();
}

export async function ensurePostgresTemplate(
	url: string,
	log = (m: string) => console.log(`[test-db] ${m}`)
): Promise<string> {
	const name = `tongan_tpl_${await templateKey()}`;
	const admin = new pg.Client({ connectionString: adminUrl(url) });
	await admin.connect();
	try {
		const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
		if (exists.rowCount) return name;
		log(`building PostgreSQL template ${name}`);
		const building = `${name}_building`;
		await admin.query(`DROP DATABASE IF EXISTS ${building}`);
		await admin.query(`CREATE DATABASE ${building}`);
		const d = await openPostgres(adminUrl(url, building), 2);
		try {
			await migrate(d.db, path.join(ROOT, 'migrations'));
			await seedDemo(d.db, ROOT, FIXTURE_AREA, log);
			await seedDemoUsers(d.db, log);
		} finally {
			await d.close();
		}
		await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
		return name;
	} finally {
		await admin.end();
	}
}

export type EngineName = 'pglite' | 'postgres';

export interface TestDatabase extends Database {
	/** for PostgreSQL: a connection string other tools can use */
	url?: string;
	dataDir?: string;
}

/** A fresh, seeded database for one test file. */
export async function openTestDatabase(engine: EngineName): Promise<TestDatabase> {
	if (engine === 'pglite') {
		const template = await ensurePgliteTemplate();
		const dir = path.join(
			os.tmpdir(),
			`tongan-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
		);
		await cp(template, dir, { recursive: true });
		const d = await openPglite({ dataDir: dir, projectRoot: ROOT });
		return {
			...d,
			dataDir: dir,
			async close() {
				await d.close();
				await rm(dir, { recursive: true, force: true });
			}
		};
	}
	const url = process.env.TEST_DATABASE_URL;
	if (!url) throw new Error('TEST_DATABASE_URL is not set');
	const template = await ensurePostgresTemplate(url);
	const name = `tongan_t_${process.pid}_${Date.now()}_${Math.random().toString(36).slice(2, 6)}`;
	const admin = new pg.Client({ connectionString: adminUrl(url) });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
	await admin.end();
	const dbUrl = adminUrl(url, name);
	const d = await openPostgres(dbUrl, 4);
	return {
		...d,
		url: dbUrl,
		async close() {
			await d.close();
			const a = new pg.Client({ connectionString: adminUrl(url) });
			await a.connect();
			await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await a.end();
		}
	};
}

/** Engines the integration suites run on. In CI both are required: a missing one fails. */
export function testEngines(): EngineName[] {
	const engines: EngineName[] = ['pglite'];
	if (process.env.TEST_DATABASE_URL) engines.push('postgres');
	else if (process.env.CI === 'true') {
		throw new Error(
			'CI=true but TEST_DATABASE_URL is unset: the PostgreSQL suites would be skipped'
		);
	}
	return engines;
}

export async function isDir(p: string): Promise<boolean> {
	return stat(p)
		.then((s) => s.isDirectory())
		.catch(() => false);
}

/** The demo user `username` as the policy sees them. */
export async function principalOf(db: TestDatabase['db'], username: string) {
	const u = await db
		.selectFrom('users')
		.select(['id', 'username', 'role', 'jurisdiction_code'])
		.where('username', '=', username)
		.executeTakeFirstOrThrow();
	return { userId: u.id, username: u.username, role: u.role, jurisdiction: u.jurisdiction_code };
}
