// The README's "Using a real PostgreSQL + PostGIS" section, followed as a new operator would,
// on a database that does not exist yet: `npm start` first (it must say the database is missing
// and how to create it, without a stack trace), then `createdb`, then `npm start` with
// DATABASE_URL and SEED_DEMO=1 until /healthz answers. The demo accounts are not created on
// PostgreSQL without DEMO_ACCOUNTS=1. A township of the fixture county is seeded (SEED_AREA) so
// that the first start takes seconds, not the province's minutes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import pg from 'pg';
import { testEngines, ROOT, FIXTURE_AREA } from '../support/template';

const onPostgres = testEngines().includes('postgres');
/** a township of the fixture county: a first start in seconds */
const SEED_AREA = `${FIXTURE_AREA}103`;

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
	});
}

interface Started {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

/** `npm start` as the README writes it, in its own process group (npm starts node). */
function npmStart(env: Record<string, string>): Started {
	const clean = { ...process.env };
	for (const k of ['DATABASE_URL', 'SEED_DEMO', 'DEMO_ACCOUNTS', 'SEED_AREA', 'ORIGIN', 'DATA_DIR'])
		delete clean[k];
	const child = spawn('npm', ['start'], {
		cwd: ROOT,
		env: { ...clean, HOST: '127.0.0.1', WARM_TILES: '0', ...env },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
	child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	return { child, output: () => out, exited };
}

function stop(s: Started): Promise<unknown> {
	if (s.child.exitCode !== null || s.child.pid === undefined) return Promise.resolve();
	try {
		process.kill(-s.child.pid, 'SIGTERM');
	} catch {
		// already gone
	}
	return s.exited;
}

describe.skipIf(!onPostgres)('the README on a fresh PostgreSQL database', () => {
	const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/');
	const name = `tongan_readme_${process.pid}_${Date.now()}`;
	const url = new URL(server);
	url.pathname = `/${name}`;
	const started: Started[] = [];

	afterAll(async () => {
		await Promise.all(started.map(stop));
		const admin = new pg.Client({ connectionString: server.toString() });
		await admin.connect();
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	});

	it('says the database is missing, then starts on it once created, without demo accounts', async () => {
		// 1. start before the database exists: a plain message that names the fix. On a fresh
		// checkout `npm start` builds first (minutes on a loaded 2-core machine), so the wait
		// covers a build, not only the start.
		const first = npmStart({ DATABASE_URL: url.toString(), PORT: String(await freePort()) });
		started.push(first);
		const code = await Promise.race([
			first.exited,
			new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 300_000))
		]);
		expect(code, first.output()).toBe(1);
		expect(first.output()).toContain(`数据库 "${name}" 不存在`);
		expect(first.output()).toContain(`Database "${name}" does not exist`);
		expect(first.output()).toMatch(/createdb -h \S+ -p \d+ -U \S+ /);
		// no stack trace buries it
		expect(first.output()).not.toMatch(/^\s+at /m);

		// 2. createdb, as the README says
		const created = spawnSync(
			'createdb',
			['-h', server.hostname, '-p', server.port || '5432', '-U', server.username, name],
			{ encoding: 'utf8' }
		);
		expect(created.status, created.stderr).toBe(0);

		// 3. start with DATABASE_URL and SEED_DEMO=1 (no db:migrate: the start migrates)
		const port = await freePort();
		const app = npmStart({
			DATABASE_URL: url.toString(),
			SEED_DEMO: '1',
			SEED_AREA,
			PORT: String(port)
		});
		started.push(app);
		const deadline = Date.now() + 150_000;
		let health: { ok?: boolean; engine?: string } | null = null;
		while (Date.now() < deadline && app.child.exitCode === null) {
			health = await fetch(`http://127.0.0.1:${port}/healthz`)
				.then((r) => (r.ok ? (r.json() as Promise<{ ok: boolean; engine: string }>) : null))
				.catch(() => null);
			if (health) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		expect(health, app.output()).toEqual({ ok: true, engine: 'postgres' });
		expect(app.output()).toMatch(/DEMO_ACCOUNTS=1/);

		const c = new pg.Client({ connectionString: url.toString() });
		await c.connect();
		try {
			const users = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
			expect(users.rows[0].n).toBe(0);
			const area = await c.query<{ value: string }>(
				`SELECT value FROM app_meta WHERE key = 'seed_area'`
			);
			expect(area.rows[0]?.value).toBe(SEED_AREA);
			const kids = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM children');
			expect(kids.rows[0].n).toBeGreaterThan(0);
		} finally {
			await c.end();
		}
		await stop(app);
	}, 540_000);
});
