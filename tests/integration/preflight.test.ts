// A new operator's first-run mistakes on a real PostgreSQL server, each made for real: a port
// where no server listens, a role the server does not know, a database never created, and a
// fresh database whose role may not create PostGIS. Each must end in a DatabaseSetupError that
// names the problem and its fix, and the errors PostgreSQL itself gives (the first migration's
// CREATE EXTENSION) must be classified the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import pg from 'pg';
import { testEngines } from '../support/template';
import {
	classifyPgError,
	DatabaseSetupError,
	preflightPostgres
} from '../../src/lib/server/db/preflight';
import { openPostgres } from '../../src/lib/server/db/engine';

const onPostgres = testEngines().includes('postgres');

/** The server's URL with another role and database. */
function urlWith(base: string, user: string, database: string): string {
	const u = new URL(base);
	u.username = user;
	u.password = '';
	u.pathname = `/${database}`;
	return u.toString();
}

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

async function setupError(p: Promise<unknown>): Promise<DatabaseSetupError> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(DatabaseSetupError);
	return e as DatabaseSetupError;
}

describe.skipIf(!onPostgres)('first-run problems on PostgreSQL', () => {
	const base = process.env.TEST_DATABASE_URL ?? '';
	const tag = `${process.pid}_${Date.now()}`;
	const dbName = `tongan_pre_${tag}`;
	const role = `tongan_pre_role_${tag}`;
	let admin: pg.Client;

	beforeAll(async () => {
		admin = new pg.Client({ connectionString: urlWith(base, 'postgres', 'postgres') });
		await admin.connect();
		// a fresh database with no PostGIS, and a role that may log in and create tables in it
		// but is no superuser
		await admin.query(`CREATE DATABASE ${dbName}`);
		await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB`);
		await admin.query(`GRANT ALL ON DATABASE ${dbName} TO ${role}`);
		await admin.query(`ALTER DATABASE ${dbName} OWNER TO ${role}`);
	});
	afterAll(async () => {
		await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
		await admin.query(`DROP ROLE IF EXISTS ${role}`);
		await admin.end();
	});

	it('says no server listens, with the port to check', async () => {
		const port = await freePort();
		const url = `postgres://postgres@127.0.0.1:${port}/tongan`;
		const e = await setupError(preflightPostgres(url));
		expect(e.kind).toBe('no-server');
		expect(e.message).toContain(`pg_isready -h 127.0.0.1 -p ${port}`);
	});

	it('says the server refuses an unknown role', async () => {
		const e = await setupError(preflightPostgres(urlWith(base, `nobody_${tag}`, 'postgres')));
		expect(e.kind).toBe('role-refused');
		expect(e.message).toContain(`nobody_${tag}`);
	});

	it('says the database does not exist and how to create it', async () => {
		const missing = `tongan_missing_${tag}`;
		const e = await setupError(openPostgres(urlWith(base, 'postgres', missing), 1));
		expect(e.kind).toBe('missing-database');
		expect(e.message).toContain(`数据库 "${missing}" 不存在`);
		expect(e.message).toContain(`createdb -h 127.0.0.1 -p 5432 -U postgres ${missing}`);
	});

	it('says a role that may not create PostGIS needs a superuser to enable it', async () => {
		const url = urlWith(base, role, dbName);
		const e = await setupError(openPostgres(url, 1));
		expect(e.kind).toBe('postgis-privilege');
		expect(e.message).toContain(`-d ${dbName} -c 'CREATE EXTENSION postgis;'`);

		// the first migration's own failure, as PostgreSQL gives it, is the same problem
		const c = new pg.Client({ connectionString: url });
		await c.connect();
		const raw = await c.query('CREATE EXTENSION IF NOT EXISTS postgis').then(
			() => null,
			(err: unknown) => err
		);
		// and an extension the server does not have is told apart from one it may not create
		const absent = await c.query('CREATE EXTENSION postgis_not_shipped_here').then(
			() => null,
			(err: unknown) => err
		);
		await c.end();
		expect(classifyPgError(raw)).toBe('postgis-privilege');
		expect(classifyPgError(absent)).toBe('postgis-not-installed');
	});

	it('lets that role through once a superuser has enabled PostGIS in its database', async () => {
		const su = new pg.Client({ connectionString: urlWith(base, 'postgres', dbName) });
		await su.connect();
		await su.query('CREATE EXTENSION IF NOT EXISTS postgis');
		await su.end();
		await expect(preflightPostgres(urlWith(base, role, dbName))).resolves.toBeUndefined();
	});
});
