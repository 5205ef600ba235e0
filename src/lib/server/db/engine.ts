// Engine choice: a real PostgreSQL + PostGIS server (DATABASE_URL) or the embedded PGlite +
// PostGIS, which runs in a child process (pglite-host.mjs) and is reached over the same wire
// protocol. Either way the app holds a `pg` Pool and one Kysely instance, so every query and
// migration takes the same path on both engines.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';

// int8 (ids, counts) and numeric (areas) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type EngineKind = 'pglite' | 'postgres';

export interface Database {
	db: Kysely<DB>;
	engine: EngineKind;
	pool: pg.Pool;
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

/** Start the embedded engine's host process and resolve with its port once it serves. */
export function startPgliteHost(
	opts: PgliteOptions
): Promise<{ child: ChildProcess; port: number }> {
	const child = spawn(process.execPath, [hostScript(opts.projectRoot), opts.dataDir], {
		stdio: ['pipe', 'pipe', 'inherit'],
		cwd: opts.projectRoot
	});
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		const onExit = (code: number | null) =>
			reject(new Error(`embedded database process exited with code ${code} before it was ready`));
		child.once('exit', onExit);
		child.once('error', reject);
		lines.on('line', (line) => {
			let msg: { ready?: boolean; port?: number; progress?: string };
			try {
				msg = JSON.parse(line);
			} catch {
				return;
			}
			if (msg.progress) opts.onProgress?.(msg.progress);
			if (msg.ready && msg.port) {
				child.off('exit', onExit);
				resolve({ child, port: msg.port });
			}
		});
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
		child.kill('SIGTERM');
	});
}

export async function openPglite(opts: PgliteOptions): Promise<Database> {
	const { child, port } = await startPgliteHost(opts);
	// PGlite is single-connection: one pooled client, requests queue in the pool.
	const pool = new pg.Pool({
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database: 'postgres',
		max: 1,
		idleTimeoutMillis: 0
	});
	const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
	return {
		db,
		engine: 'pglite',
		pool,
		async close() {
			await db.destroy();
			await stopChild(child);
		}
	};
}

export async function openPostgres(connectionString: string, max = 10): Promise<Database> {
	const pool = new pg.Pool({ connectionString, max });
	const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
	// fail fast with a clear message if the server is not reachable
	await db.connection().execute(async (c) => {
		await c.selectNoFrom((eb) => eb.val(1).as('one')).execute();
	});
	return {
		db,
		engine: 'postgres',
		pool,
		async close() {
			await db.destroy();
		}
	};
}
