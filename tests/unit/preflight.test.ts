// The first-run problems on PostgreSQL are named from the errors pg really gives (codes and
// messages as PostgreSQL 15 and 16 and Node's socket layer write them), and each message names
// the fix. The errors' shapes are checked against a live server in
// tests/integration/preflight.test.ts.
import { describe, expect, it } from 'vitest';
import {
	classifyPgError,
	DatabaseSetupError,
	explainError,
	explainProblem,
	redactUrl
} from '../../src/lib/server/db/preflight';
import { readEnv } from '../../src/lib/server/env';
import { sessionCookieName } from '../../src/lib/server/auth/session';

function pgError(code: string, message: string): Error {
	return Object.assign(new Error(message), { code });
}

const URL_ = 'postgres://tongan:secret@db.example:5433/tongan';

describe('classifyPgError', () => {
	it('names a server that does not answer', () => {
		expect(classifyPgError(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5999'))).toBe(
			'no-server'
		);
		expect(classifyPgError(pgError('ENOTFOUND', 'getaddrinfo ENOTFOUND nohost'))).toBe('no-server');
		// localhost with ::1 and 127.0.0.1 both refusing: an AggregateError without its own code
		const agg = new AggregateError(
			[pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5999'), pgError('ECONNREFUSED', 'x')],
			''
		);
		expect(classifyPgError(agg)).toBe('no-server');
		expect(classifyPgError(pgError('57P03', 'the database system is starting up'))).toBe(
			'no-server'
		);
	});

	it('names a refused role', () => {
		expect(classifyPgError(pgError('28000', 'role "nobody" does not exist'))).toBe('role-refused');
		expect(
			classifyPgError(pgError('28P01', 'password authentication failed for user "tongan"'))
		).toBe('role-refused');
	});

	it('names a missing database', () => {
		expect(classifyPgError(pgError('3D000', 'database "tongan" does not exist'))).toBe(
			'missing-database'
		);
	});

	it('names PostGIS missing from the server, as PostgreSQL 15 and 16 say it', () => {
		expect(
			classifyPgError(
				pgError(
					'58P01',
					'could not open extension control file "/usr/share/postgresql/15/extension/postgis.control": No such file or directory'
				)
			)
		).toBe('postgis-not-installed');
		expect(classifyPgError(pgError('0A000', 'extension "postgis" is not available'))).toBe(
			'postgis-not-installed'
		);
	});

	it('names a role that may not create the extension', () => {
		expect(
			classifyPgError(pgError('42501', 'permission denied to create extension "postgis"'))
		).toBe('postgis-privilege');
	});

	it('leaves every other error alone', () => {
		expect(classifyPgError(pgError('42P01', 'relation "x" does not exist'))).toBeNull();
		expect(classifyPgError(pgError('42501', 'permission denied for table users'))).toBeNull();
		expect(classifyPgError(new Error('boom'))).toBeNull();
		expect(classifyPgError(undefined)).toBeNull();
		expect(classifyPgError('ECONNREFUSED')).toBeNull();
		const mixed = new AggregateError([pgError('ECONNREFUSED', 'a'), new Error('b')], '');
		expect(classifyPgError(mixed)).toBeNull();
	});
});

describe('the messages', () => {
	it('say what is wrong in Chinese and English and name the command that fixes it', () => {
		const missing = explainProblem('missing-database', URL_);
		expect(missing).toMatch(/数据库 "tongan" 不存在/);
		expect(missing).toMatch(/Database "tongan" does not exist/);
		expect(missing).toContain('createdb -h db.example -p 5433 -U tongan tongan');

		const privilege = explainProblem('postgis-privilege', URL_);
		expect(privilege).toMatch(/无权创建/);
		expect(privilege).toContain('CREATE EXTENSION postgis;');
		expect(privilege).toContain('-d tongan');

		expect(explainProblem('no-server', URL_)).toContain('pg_isready -h db.example -p 5433');
		expect(explainProblem('role-refused', URL_)).toMatch(/refused role "tongan"/);
		expect(explainProblem('postgis-not-installed', URL_)).toMatch(/postgis-3/);
	});

	it('never print the password', () => {
		for (const kind of [
			'no-server',
			'role-refused',
			'missing-database',
			'postgis-not-installed',
			'postgis-privilege'
		] as const)
			expect(explainProblem(kind, URL_)).not.toContain('secret');
		expect(redactUrl(URL_)).toBe('postgres://tongan:***@db.example:5433/tongan');
	});

	it('turn a known pg error into a DatabaseSetupError and pass any other through', () => {
		const e = explainError(pgError('3D000', 'database "tongan" does not exist'), URL_);
		expect(e).toBeInstanceOf(DatabaseSetupError);
		expect((e as DatabaseSetupError).kind).toBe('missing-database');
		const other = new Error('syntax error');
		expect(explainError(other, URL_)).toBe(other);
	});
});

describe('the age at which imports never committed are removed', () => {
	it('is a day unless IMPORT_STALE_HOURS says otherwise, and a bad value stops the start', () => {
		expect(readEnv({}).importStaleHours).toBe(24);
		expect(readEnv({ IMPORT_STALE_HOURS: '2.5' }).importStaleHours).toBe(2.5);
		for (const bad of ['0', '-1', 'a day'])
			expect(() => readEnv({ IMPORT_STALE_HOURS: bad })).toThrow(/IMPORT_STALE_HOURS/);
	});
});

describe('demo accounts and the session cookie', () => {
	it('creates demo accounts on PostgreSQL only with DEMO_ACCOUNTS=1', () => {
		const pgUrl = 'postgres://u@h/db';
		expect(readEnv({ DATABASE_URL: pgUrl, SEED_DEMO: '1' }).demoAccounts).toBe(false);
		expect(readEnv({ DATABASE_URL: pgUrl, SEED_DEMO: '1', DEMO_ACCOUNTS: '1' }).demoAccounts).toBe(
			true
		);
		// the embedded demo keeps them, unless turned off
		expect(readEnv({}).demoAccounts).toBe(true);
		expect(readEnv({ SEED_DEMO: '0' }).demoAccounts).toBe(false);
		expect(readEnv({ DEMO_ACCOUNTS: '0' }).demoAccounts).toBe(false);
	});

	it('names the cookie per port, so two instances on one host keep their own sessions', () => {
		const a = sessionCookieName(new URL('http://10.0.0.5:3000/'), undefined);
		const b = sessionCookieName(new URL('http://10.0.0.5:3001/'), undefined);
		expect(a).not.toBe(b);
		expect(sessionCookieName(new URL('http://10.0.0.5/'), undefined)).toBe('tongan_session');
		expect(sessionCookieName(new URL('https://tongan.example/'), undefined)).toBe(
			'__Host-tongan_session'
		);
		expect(sessionCookieName(new URL('http://10.0.0.5:3000/'), 'county_a')).toBe('county_a');
		expect(sessionCookieName(new URL('https://x.example:8443/'), 'county_a')).toBe(
			'__Host-county_a'
		);
	});

	it('refuses a COOKIE_NAME that is not a cookie token', () => {
		expect(() => readEnv({ COOKIE_NAME: 'a b' })).toThrow(/COOKIE_NAME/);
		expect(() => readEnv({ COOKIE_NAME: 'a;b' })).toThrow(/COOKIE_NAME/);
		expect(readEnv({ COOKIE_NAME: 'county_a' }).cookieName).toBe('county_a');
	});
});
