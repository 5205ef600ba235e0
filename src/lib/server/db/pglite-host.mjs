// Runs the embedded PGlite + PostGIS database in its own process and serves it over the
// PostgreSQL wire protocol on 127.0.0.1. PGlite blocks the JavaScript thread while a query
// runs and holds 1–1.6 GB, so it must never live inside the web server's process: the app
// talks to it through `pg` exactly as it talks to a real PostgreSQL server.
//
// Usage: node pglite-host.mjs <dataDir> [port]
// Prints one JSON line {"ready":true,"port":N} on stdout when it accepts connections,
// progress lines {"progress":"..."} before that. Stops cleanly on SIGTERM/SIGINT or when
// its parent goes away (stdin closes), so the data dir is never left half-written.
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync } from 'node:fs';

const dataDir = process.argv[2];
const port = Number(process.argv[3] ?? 0);
if (!dataDir) {
	console.error('usage: pglite-host.mjs <dataDir> [port]');
	process.exit(2);
}

const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const fresh = !existsSync(dataDir) || !existsSync(`${dataDir}/PG_VERSION`);
mkdirSync(dataDir, { recursive: true });
say({ progress: fresh ? 'creating database' : 'opening database' });
const db = await PGlite.create({ dataDir, extensions: { postgis } });
if (fresh) {
	say({ progress: 'installing PostGIS (first start only)' });
}
// Idempotent and quick when already installed; the migrations also ask for it.
await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');

const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
await server.start();
const addr = server.getServerConn();
say({ ready: true, port: Number(addr.split(':').pop()) });

let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	try {
		await server.stop();
		await db.close();
	} finally {
		process.exit(0);
	}
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
