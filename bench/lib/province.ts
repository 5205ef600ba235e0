// The demo province at a scale. Scale 1 is exactly what the embedded demo seeds on its first
// start (SEED_AREA=42): the bench creates it by starting the built app on an empty database,
// which is also the "first start" measurement. Other scales are derived from a copy:
//   0.5 — every other child (even ids) and every other segment (even ids) deleted;
//   2   — every child duplicated with a deterministic jitter of 50–300 m at a bearing derived
//         from its id (same village, so scoping and density per village double), and every
//         segment duplicated 350 m away (a parallel channel, same township, same four-item
//         states), so both the children and the segments double.
// Then child aggregates (map counts) are refreshed, the analyst's geography indexes created and
// the tables analysed. Derived databases are kept (bench/.data, or databases tongan_bench_*) and
// reused by later runs.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';
import { openPglite, openPostgres, type Database } from '../../src/lib/server/db/engine';
import { refreshChildAggregates } from '../../src/lib/server/repositories/children';
import { ensureGeographyIndexes } from '../../tests/support/analysis-reference';
import { ROOT, WORK, startServer } from './app';

export type Engine = 'pglite' | 'postgres';

export interface Province {
	engine: Engine;
	scale: number;
	/** env for the built app to serve this database */
	serverEnv: Record<string, string>;
	open(): Promise<Database>;
	firstStartS: number | null;
}

function serverUrl(): string {
	const u = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
	if (!u) throw new Error('--engine postgres needs DATABASE_URL or TEST_DATABASE_URL');
	return u;
}

function dbUrl(name: string): string {
	const u = new URL(serverUrl());
	u.pathname = `/${name}`;
	return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
	const c = new pg.Client({ connectionString: dbUrl('postgres') });
	await c.connect();
	try {
		return await fn(c);
	} finally {
		await c.end();
	}
}

const scaleTag = (s: number) => String(s).replace('.', '_');

/**
 * The PostgreSQL bench databases' names begin with this: `BENCH_PG_PREFIX` lets two checkouts
 * on one server keep databases of their own (tongan_bench_base, tongan_bench_s1…).
 */
export const PG_PREFIX = process.env.BENCH_PG_PREFIX || 'tongan_bench';
if (!/^[a-z_][a-z0-9_]{0,40}$/.test(PG_PREFIX))
	throw new Error('BENCH_PG_PREFIX must be a lower-case SQL name');

/**
 * First start of the app on an empty database (the embedded demo's first start, or a fresh
 * PostgreSQL database with SEED_DEMO=1): seconds until the first page is served.
 */
export async function firstStart(
	engine: Engine,
	build: string,
	port: number,
	log: (m: string) => void
): Promise<{ seconds: number; env: Record<string, string> }> {
	let env: Record<string, string>;
	if (engine === 'pglite') {
		const dir = path.join(WORK, 'pglite-base');
		rmSync(dir, { recursive: true, force: true });
		env = { DATA_DIR: dir, SEED_DEMO: '1', DEMO_ACCOUNTS: '1', SEED_AREA: '42' };
	} else {
		await admin(async (c) => {
			await c.query(`DROP DATABASE IF EXISTS ${PG_PREFIX}_base WITH (FORCE)`);
			await c.query(`CREATE DATABASE ${PG_PREFIX}_base`);
		});
		env = {
			DATABASE_URL: dbUrl(`${PG_PREFIX}_base`),
			SEED_DEMO: '1',
			DEMO_ACCOUNTS: '1',
			SEED_AREA: '42'
		};
	}
	log(`first start on an empty ${engine} database (progress below)…`);
	// the province is built on this start: on a loaded machine (2 cores, other work running) it
	// took over the usual 5 minutes, so it gets 30
	const s = await startServer(
		build,
		env,
		port,
		path.join(WORK, `first-start-${engine}.log`),
		(l) => log(`  | ${l}`),
		30 * 60_000
	);
	await s.stop();
	const seconds = s.readyMs / 1000;
	writeFileSync(
		path.join(WORK, `base-${engine}.json`),
		JSON.stringify({ firstStartS: seconds, at: new Date().toISOString() })
	);
	return { seconds, env };
}

export function baseInfo(engine: Engine): { firstStartS: number } | null {
	const f = path.join(WORK, `base-${engine}.json`);
	return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { firstStartS: number }) : null;
}

/** Tables with triggers of their own (e.g. append-only histories): off while rescaling a copy. */
async function userTriggerTables(db: Kysely<DB>): Promise<string[]> {
	const r = await sql<{ t: string }>`
		SELECT DISTINCT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT g.tgisinternal AND n.nspname = 'public' ORDER BY 1`.execute(db);
	return r.rows.map((x) => x.t);
}

async function rescale(db: Kysely<DB>, scale: number, log: (m: string) => void): Promise<void> {
	const guarded = await userTriggerTables(db);
	for (const t of guarded) await sql`ALTER TABLE ${sql.table(t)} DISABLE TRIGGER USER`.execute(db);
	try {
		await resize(db, scale, log);
	} finally {
		for (const t of guarded) await sql`ALTER TABLE ${sql.table(t)} ENABLE TRIGGER USER`.execute(db);
	}
	log('refreshing child aggregates, creating the analyst geography indexes, ANALYZE');
	await refreshChildAggregates(db);
	await ensureGeographyIndexes(db);
	await sql`VACUUM ANALYZE`.execute(db).catch(() => sql`ANALYZE`.execute(db));
}

async function resize(db: Kysely<DB>, scale: number, log: (m: string) => void): Promise<void> {
	if (scale === 0.5) {
		log('scale 0.5: deleting children and segments with even ids');
		await sql`DELETE FROM children WHERE id % 2 = 0`.execute(db);
		await sql`DELETE FROM waterways WHERE id % 2 = 0`.execute(db);
	} else if (scale === 2) {
		log('scale 2: duplicating children (jittered 50–300 m) and segments (350 m parallel)');
		// bearing and distance from the id: deterministic, and spread evenly
		await sql`
			INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, synthetic)
			SELECT pseudonym || '-x2', village_code, birth_date, categories,
				ST_SetSRID(ST_MakePoint(
					ST_X(residence) + (50 + (id * 7919) % 251) * sin(radians((id * 137.508) % 360))
						/ (111195.08 * cos(radians(ST_Y(residence)))),
					ST_Y(residence) + (50 + (id * 7919) % 251) * cos(radians((id * 137.508) % 360)) / 111195.08), 4326),
				true
			FROM children ORDER BY id`.execute(db);
		const max = await sql<{ m: number }>`SELECT max(id)::float8 AS m FROM waterways`.execute(db);
		await sql`
			INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m, synthetic)
			SELECT kind, name || ' ·' || id, county_code, township_code,
				ST_Translate(geom, 350 * 0.7071 / (111195.08 * cos(radians(ST_Y(ST_StartPoint(geom))))),
					350 * 0.7071 / 111195.08),
				length_m, true
			FROM waterways ORDER BY id`.execute(db);
		await sql`
			INSERT INTO safety_equipment (waterway_id, item, status, checked_at, note, inspected_at)
			SELECT w.id, se.item, se.status, se.checked_at, se.note, se.inspected_at
			FROM waterways w
			JOIN safety_equipment se ON se.waterway_id = substring(w.name from '·(\\d+)$')::bigint
			WHERE w.id > ${max.rows[0].m}`.execute(db);
	} else if (scale !== 1) throw new Error('--scale must be 0.5, 1 or 2');
}

/** The province at `scale` on `engine`, built from the first-start base if not there yet. */
export async function province(
	engine: Engine,
	scale: number,
	ensureBase: () => Promise<number>,
	log: (m: string) => void
): Promise<Province> {
	let firstStartS = baseInfo(engine)?.firstStartS ?? null;
	if (engine === 'pglite') {
		const dir = path.join(WORK, `pglite-s${scaleTag(scale)}`);
		if (!existsSync(path.join(dir, '.bench-ready'))) {
			if (!existsSync(path.join(WORK, 'pglite-base', 'PG_VERSION')) || firstStartS === null)
				firstStartS = await ensureBase();
			log(`deriving scale ${scale} from the base data dir`);
			rmSync(dir, { recursive: true, force: true });
			mkdirSync(WORK, { recursive: true });
			cpSync(path.join(WORK, 'pglite-base'), dir, { recursive: true });
			const d = await openPglite({ dataDir: dir, projectRoot: ROOT });
			try {
				await rescale(d.db, scale, log);
			} finally {
				await d.close();
			}
			writeFileSync(path.join(dir, '.bench-ready'), new Date().toISOString());
		}
		return {
			engine,
			scale,
			firstStartS,
			serverEnv: { DATA_DIR: dir, SEED_DEMO: '1', SEED_AREA: '42' },
			open: () => openPglite({ dataDir: dir, projectRoot: ROOT })
		};
	}
	const name = `${PG_PREFIX}_s${scaleTag(scale)}`;
	const exists = await admin(async (c) => {
		const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
		return !!r.rowCount;
	});
	if (!exists) {
		const baseThere = await admin(async (c) => {
			const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [
				`${PG_PREFIX}_base`
			]);
			return !!r.rowCount;
		});
		if (!baseThere || firstStartS === null) firstStartS = await ensureBase();
		log(`deriving database ${name} from ${PG_PREFIX}_base`);
		await admin((c) => c.query(`CREATE DATABASE ${name}_building TEMPLATE ${PG_PREFIX}_base`));
		const d = await openPostgres(dbUrl(`${name}_building`), 2);
		try {
			await rescale(d.db, scale, log);
		} finally {
			await d.close();
		}
		await admin((c) => c.query(`ALTER DATABASE ${name}_building RENAME TO ${name}`));
	}
	return {
		engine,
		scale,
		firstStartS,
		serverEnv: { DATABASE_URL: dbUrl(name), SEED_DEMO: '0' },
		open: () => openPostgres(dbUrl(name), 4)
	};
}
