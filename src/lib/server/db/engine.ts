// Engine choice: a real PostgreSQL + PostGIS server (DATABASE_URL) or the embedded PGlite +
// PostGIS, which runs in a child process (pglite-host.mjs) reached over Node's IPC channel.
// Either way the app holds one Kysely instance with PostgreSQL's SQL compiler, so every query
// and migration is the same text on both engines.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Kysely, PostgresDialect, type KyselyConfig } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { PgliteHostClient, PgliteHostDialect } from './pglite-dialect';
import { explainError, preflightPostgres } from './preflight';

// int8 (ids, counts) and numeric (areas) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type EngineKind = 'pglite' | 'postgres';

export interface Database {
	db: Kysely<DB>;
	engine: EngineKind;
	close(): Promise<void>;
}

function hostScript(projectRoot: string): string {
	const candidates = [
		path.join(projectRoot, 'src/lib/server/db/pglite-host.mjs'),
		path.join(path.dirname(new URL(import.meta.url).pathname), 'pglite-host.mjs')
	];
	const found = candidates.find((c) => existsSync(c));
	if (!found) throw new Error(`pglite-host.mjs not found (looked in ${candidates.join(', ')})`);
	return found;
}

export interface PgliteOptions {
	dataDir: string;
	projectRoot: string;
	onProgress?: (message: string) => void;
}

/** Start the embedded engine's host process; resolves once it accepts queries. */
export function startPgliteHost(opts: PgliteOptions): Promise<ChildProcess> {
	const child = spawn(process.execPath, [hostScript(opts.projectRoot), opts.dataDir], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		serialization: 'advanced',
		cwd: opts.projectRoot
	});
	return new Promise((resolve, reject) => {
		const onExit = (code: number | null) =>
			reject(new Error(`embedded database process exited with code ${code} before it was ready`));
		child.once('exit', onExit);
		child.once('error', reject);
		const onMessage = (raw: unknown) => {
			const msg = raw as { type?: string; message?: string };
			if (msg.type === 'progress' && msg.message) opts.onProgress?.(msg.message);
			if (msg.type === 'ready') {
				child.off('exit', onExit);
				child.off('message', onMessage);
				resolve(child);
			}
		};
		child.on('message', onMessage);
	});
}

function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		// closing the IPC channel makes the host finish its queue and close the data dir cleanly
		child.disconnect();
	});
}

/**
 * With TONGAN_SLOW_SQL_MS set, every statement that took at least that many milliseconds is
 * logged with its time and its first words: to find which statement holds the embedded engine's
 * one session (a page waits for the whole of it). Off by default: it costs a clock read per
 * statement and fills the log.
 */
function slowStatements(): KyselyConfig['log'] {
	const ms = Number(process.env.TONGAN_SLOW_SQL_MS);
	if (!process.env.TONGAN_SLOW_SQL_MS || !Number.isFinite(ms)) return undefined;
	return (e) => {
		if (e.queryDurationMillis < ms) return;
		const text = e.query.sql.replace(/\s+/g, ' ').trim().slice(0, 160);
		const failed = e.level === 'error' ? ' (failed)' : '';
		console.log(`[tongan] slow sql ${Math.round(e.queryDurationMillis)} ms${failed}: ${text}`);
	};
}

/** The Kysely instances of the embedded engine: one session, so one long statement holds everyone. */
const singleSession = new WeakSet<object>();

/** Whether `db` is the embedded engine's single session (where a long transaction holds every request). */
export const isSingleSession = (db: object): boolean => singleSession.has(db);

export async function openPglite(opts: PgliteOptions): Promise<Database> {
	const child = await startPgliteHost(opts);
	const db = new Kysely<DB>({
		dialect: new PgliteHostDialect(new PgliteHostClient(child)),
		log: slowStatements()
	});
	singleSession.add(db);
	return {
		db,
		engine: 'pglite',
		async close() {
			await db.destroy();
			await stopChild(child);
		}
	};
}

export async function openPostgres(connectionString: string, max = 10): Promise<Database> {
	// a missing database, a refused role or PostGIS out of reach is said plainly here, not as a
	// stack trace from the pool or the first migration
	await preflightPostgres(connectionString);
	const pool = new pg.Pool({ connectionString, max });
	// an idle connection dropped by the server (restart, admin terminate) must not crash the
	// app: the pool discards it and the next query opens a new one
	pool.on('error', (e) => console.warn(`[tongan] database connection lost: ${e.message}`));
	const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: slowStatements() });
	// fail fast with a clear message if the server is not reachable
	try {
		await db.connection().execute(async (c) => {
			await c.selectNoFrom((eb) => eb.val(1).as('one')).execute();
		});
	} catch (e) {
		await db.destroy().catch(() => {});
		throw explainError(e, connectionString);
	}
	return {
		db,
		engine: 'postgres',
		async close() {
			await db.destroy();
		}
	};
}
