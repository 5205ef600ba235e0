// What stands between a new operator and a running server on PostgreSQL, said plainly.
//
// Without this, each of the usual first-run mistakes ends in a stack trace from deep in pg or in
// a migration: no server listening, a role the server refuses, a database that was never
// created, PostGIS not installed on the server, or a role that may not create the PostGIS
// extension. `classifyPgError` names the problem from the error pg gives; `preflightPostgres`
// checks the server before anything runs and throws a `DatabaseSetupError` whose message says
// what is wrong and the command that fixes it, in Chinese and English (it is read on a console,
// before any user has a language).
import pg from 'pg';

export type DbProblem =
	'no-server' | 'role-refused' | 'missing-database' | 'postgis-not-installed' | 'postgis-privilege';

/** The fields of a pg (or Node socket) error that tell what went wrong. */
interface ErrorLike {
	code?: unknown;
	message?: unknown;
	errors?: unknown;
}

const SOCKET_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ECONNRESET'
]);

/** Which first-run problem a pg error is, or null when it is none of them. */
export function classifyPgError(e: unknown): DbProblem | null {
	if (!e || typeof e !== 'object') return null;
	const err = e as ErrorLike;
	// Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an
	// AggregateError whose own code may be missing
	if (Array.isArray(err.errors) && err.errors.length) {
		const inner = err.errors.map(classifyPgError);
		if (inner.every((k) => k === 'no-server')) return 'no-server';
	}
	const code = typeof err.code === 'string' ? err.code : '';
	const message = typeof err.message === 'string' ? err.message : '';
	if (SOCKET_CODES.has(code)) return 'no-server';
	// 57P03: the server is starting up or shutting down
	if (code === '57P03') return 'no-server';
	// 28P01 wrong password; 28000 unknown role or refused by pg_hba.conf
	if (code === '28P01' || code === '28000') return 'role-refused';
	// 3D000 invalid_catalog_name: the database named in the URL does not exist
	if (code === '3D000') return 'missing-database';
	// PostgreSQL ≤ 15: the extension's control file is not on the server (58P01);
	// 16+: 'extension "postgis" is not available' (0A000)
	if (/extension "postgis/i.test(message) || /postgis\.control/i.test(message)) {
		if (code === '58P01' || code === '0A000' || /not available|control file/i.test(message))
			return 'postgis-not-installed';
		// 42501 insufficient_privilege: "permission denied to create extension "postgis""
		if (code === '42501' || /permission denied/i.test(message)) return 'postgis-privilege';
	}
	return null;
}

/** The URL without its password, to print. */
export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return '(DATABASE_URL is not a URL)';
	}
}

interface Target {
	host: string;
	port: string;
	user: string;
	database: string;
}

function target(url: string): Target {
	const cfg = pg.defaults;
	try {
		const u = new URL(url);
		return {
			host: decodeURIComponent(u.hostname) || String(cfg.host ?? 'localhost'),
			port: u.port || '5432',
			user: decodeURIComponent(u.username) || String(cfg.user ?? process.env.USER ?? ''),
			database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres'
		};
	} catch {
		return { host: '?', port: '?', user: '?', database: '?' };
	}
}

/** What to tell the operator, Chinese first then English, with the command that fixes it. */
export function explainProblem(kind: DbProblem, url: string, detail = ''): string {
	const t = target(url);
	const at = `${t.host}:${t.port}`;
	const lines: string[] = [];
	switch (kind) {
		case 'no-server':
			lines.push(
				`无法连接 PostgreSQL 服务器 ${at}：服务器未运行，或主机名、端口不对。`,
				`Cannot reach a PostgreSQL server at ${at}: it is not running, or the host or port in DATABASE_URL is wrong.`,
				`  check: pg_isready -h ${t.host} -p ${t.port}`
			);
			break;
		case 'role-refused':
			lines.push(
				`服务器 ${at} 拒绝了角色 "${t.user}"：角色不存在、密码错误，或 pg_hba.conf 不允许该连接。`,
				`The server at ${at} refused role "${t.user}": the role does not exist, the password is wrong, or pg_hba.conf does not allow this connection.`,
				`  as a superuser: CREATE ROLE "${t.user}" LOGIN PASSWORD '…';`
			);
			break;
		case 'missing-database':
			lines.push(
				`数据库 "${t.database}" 不存在。请先创建它，应用会在启动时建立表结构。`,
				`Database "${t.database}" does not exist. Create it first; the app creates its tables at start.`,
				`  createdb -h ${t.host} -p ${t.port} -U ${t.user} ${t.database}`,
				`  (or in psql: CREATE DATABASE "${t.database}" OWNER "${t.user}";)`
			);
			break;
		case 'postgis-not-installed':
			lines.push(
				`服务器 ${at} 未安装 PostGIS 扩展（需要 PostGIS 3.3 及以上）。`,
				`PostGIS is not installed on the server at ${at} (PostGIS 3.3 or later is needed).`,
				`  Debian/Ubuntu: apt-get install postgresql-<version>-postgis-3`
			);
			break;
		case 'postgis-privilege':
			lines.push(
				`数据库 "${t.database}" 尚未启用 PostGIS，而角色 "${t.user}" 无权创建该扩展。请由超级用户在该数据库中执行一次：`,
				`PostGIS is not enabled in database "${t.database}" and role "${t.user}" may not create the extension. Have a superuser run, once, in that database:`,
				`  psql -h ${t.host} -p ${t.port} -U postgres -d ${t.database} -c 'CREATE EXTENSION postgis;'`
			);
			break;
	}
	if (detail) lines.push(`  (${detail})`);
	return lines.join('\n');
}

/** A first-run problem the operator fixes outside the app; its message is the whole story. */
export class DatabaseSetupError extends Error {
	override name = 'DatabaseSetupError';
	constructor(
		readonly kind: DbProblem,
		url: string,
		detail = ''
	) {
		super(explainProblem(kind, url, detail));
	}
}

/** The same error turned into a DatabaseSetupError when it is a known first-run problem. */
export function explainError(e: unknown, url: string): unknown {
	if (e instanceof DatabaseSetupError) return e;
	const kind = classifyPgError(e);
	if (!kind) return e;
	const detail = e instanceof Error ? e.message : '';
	return new DatabaseSetupError(kind, url, detail);
}

/**
 * Checks, on one connection, that the server answers, the role and the database exist, and
 * that PostGIS is either enabled in the database or can be enabled by this role (the first
 * migration runs CREATE EXTENSION postgis). Throws a DatabaseSetupError otherwise.
 */
export async function preflightPostgres(url: string): Promise<void> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
	// a refused connection can also surface as an 'error' event: never let it go unhandled
	client.on('error', () => {});
	try {
		await client.connect();
	} catch (e) {
		throw explainError(e, url);
	}
	try {
		const r = await client.query<{
			enabled: boolean;
			available: boolean;
			may_create: boolean;
		}>(
			`SELECT
				EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') AS enabled,
				EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis') AS available,
				-- a superuser may; anyone else only if the extension is marked trusted and they
				-- may create in this database (PostGIS is not trusted as shipped)
				(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
					OR (COALESCE((SELECT bool_or(trusted) FROM pg_available_extension_versions
						WHERE name = 'postgis'), false)
						AND has_database_privilege(current_database(), 'CREATE')) AS may_create`
		);
		const s = r.rows[0];
		if (s.enabled) return;
		if (!s.available) throw new DatabaseSetupError('postgis-not-installed', url);
		if (!s.may_create) throw new DatabaseSetupError('postgis-privilege', url);
	} finally {
		await client.end().catch(() => {});
	}
}
