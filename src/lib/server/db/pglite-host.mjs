// Process entry point: the PGlite host, started by engine.ts from this file by path (so it is
// plain JavaScript, run by node from src/ in every setting; see the README on why src/ ships).
// Runs the embedded PGlite + PostGIS database in its own process. PGlite blocks the JavaScript
// thread while a query runs and holds 1–1.6 GB, so it must never live inside the web server's
// process. The parent talks to it over Node's IPC channel (structured clone, so Dates and
// typed arrays survive): {id, op: 'query'|'exec', sql, params} → {id, ok, rows, affectedRows}
// or {id, ok: false, error}. Queries run one at a time, in arrival order; the parent's Kysely
// driver holds a single logical connection so transactions never interleave.
//
// Usage (spawned by engine.ts): node pglite-host.mjs <dataDir>
import { PGlite } from '@electric-sql/pglite';
import { postgisSlim } from './postgis-bundle.mjs';
import { existsSync, mkdirSync } from 'node:fs';

const dataDir = process.argv[2];
if (!dataDir || !process.send) {
	console.error('usage: spawned by engine.ts with an IPC channel: pglite-host.mjs <dataDir>');
	process.exit(2);
}

/**
 * Reply to the parent. Once it has gone (stopped, or killed mid-query) there is nobody to reply
 * to: the message is dropped instead of failing the process with EPIPE, and the disconnect
 * handler below closes the database cleanly.
 * @param {Record<string, unknown>} msg
 */
const send = (msg) => {
	if (!process.connected) return;
	process.send?.(msg, undefined, {}, () => {});
};

const fresh = !existsSync(`${dataDir}/PG_VERSION`);
mkdirSync(dataDir, { recursive: true });
send({
	type: 'progress',
	message: fresh ? 'creating embedded database' : 'opening embedded database'
});
const db = await PGlite.create({
	dataDir,
	extensions: { postgis: postgisSlim },
	// int8 (ids, counts) and numeric (areas) as JS numbers, as the pg driver is set up to do
	parsers: { 20: (v) => Number(v), 1700: (v) => Number(v) }
});
if (fresh) send({ type: 'progress', message: 'installing PostGIS (first start only, ~15 s)' });
await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
send({ type: 'ready' });

/** @param {unknown} e */
function describeError(e) {
	const err = /** @type {Record<string, unknown>} */ (e ?? {});
	return {
		message: String(err.message ?? e),
		code: err.code,
		detail: err.detail,
		constraint: err.constraint,
		table: err.table
	};
}

let chain = Promise.resolve();
process.on('message', (raw) => {
	const msg = /** @type {{id: number, op: string, sql: string, params?: unknown[]}} */ (raw);
	chain = chain.then(async () => {
		try {
			if (msg.op === 'close') {
				await db.close();
				send({ id: msg.id, ok: true, rows: [] });
				process.exit(0);
			}
			if (msg.op === 'exec') {
				const results = await db.exec(msg.sql);
				const last = results[results.length - 1];
				send({ id: msg.id, ok: true, rows: last?.rows ?? [], affectedRows: last?.affectedRows });
			} else {
				const r = await db.query(msg.sql, msg.params ?? []);
				send({ id: msg.id, ok: true, rows: r.rows, affectedRows: r.affectedRows });
			}
		} catch (e) {
			send({ id: msg.id, ok: false, error: describeError(e) });
		}
	});
});

let closing = false;
async function shutdown() {
	if (closing) return;
	closing = true;
	await chain.catch(() => {});
	await db.close().catch(() => {});
	process.exit(0);
}
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
