// The built app as a user meets it: `node build/index.js` on a port of its own, signed in
// through the real login form (province administrator, with the TOTP step).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	cpSync,
	createWriteStream,
	existsSync,
	readFileSync,
	rmSync,
	statSync,
	readdirSync
} from 'node:fs';
import path from 'node:path';
import { totpCode } from '../../src/lib/server/auth/totp';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/lib/server/seed/users';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const WORK = path.join(ROOT, 'bench/.data');

function newest(dir: string): number {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

/**
 * A private copy of the built app: the test runner rebuilds build/ while it works, and a server
 * must not have its chunks replaced under it. Rebuilds first when src/ is newer than build/.
 */
export function appBuild(log: (m: string) => void): string {
	const built = path.join(ROOT, 'build/index.js');
	if (!existsSync(built) || newest(path.join(ROOT, 'src')) > statSync(built).mtimeMs) {
		log('building the app (npx vite build)…');
		const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
			cwd: ROOT,
			stdio: 'inherit'
		});
		if (r.status !== 0) throw new Error('vite build failed');
	}
	const copy = path.join(WORK, 'app-build');
	rmSync(copy, { recursive: true, force: true });
	cpSync(path.join(ROOT, 'build'), copy, { recursive: true });
	return copy;
}

export interface Server {
	url: string;
	proc: ChildProcess;
	/** ms from spawn until the first page (/login) was served */
	readyMs: number;
	stop(): Promise<void>;
}

export async function startServer(
	build: string,
	env: Record<string, string>,
	port: number,
	logFile: string,
	progress?: (line: string) => void,
	timeoutMs = 300_000
): Promise<Server> {
	const url = `http://127.0.0.1:${port}`;
	const t0 = performance.now();
	const proc = spawn(process.execPath, [path.join(build, 'index.js')], {
		cwd: ROOT,
		env: {
			...process.env,
			...env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			TONGAN_ROOT: ROOT
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const out = createWriteStream(logFile);
	for (const s of [proc.stdout!, proc.stderr!]) {
		s.pipe(out, { end: false });
		s.on('data', (b: Buffer) => {
			for (const line of b.toString().split('\n'))
				if (line.trim() && progress) progress(line.trim());
		});
	}
	const stop = () =>
		new Promise<void>((resolve) => {
			if (proc.exitCode !== null) return resolve();
			const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
			proc.once('exit', () => {
				clearTimeout(t);
				resolve();
			});
			proc.kill('SIGTERM');
		});
	// the first page is answered once the database is open, migrated and seeded
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}); see ${logFile}`);
		if (performance.now() - t0 > timeoutMs) {
			await stop();
			throw new Error(`server not ready after ${timeoutMs} ms; see ${logFile}`);
		}
		try {
			const r = await fetch(`${url}/login`, { signal: AbortSignal.timeout(60_000) });
			if (r.status === 200) break;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return { url, proc, readyMs: performance.now() - t0, stop };
}

function cookiesFrom(r: Response, jar: Map<string, string>): void {
	for (const c of r.headers.getSetCookie()) {
		const [pair] = c.split(';');
		const i = pair.indexOf('=');
		jar.set(pair.slice(0, i), pair.slice(i + 1));
	}
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** Sign in as the province administrator; returns the Cookie header for later requests. */
export async function signIn(url: string, username = 'province.admin'): Promise<string> {
	const jar = new Map<string, string>();
	const post = async (p: string, body: Record<string, string>) => {
		const r = await fetch(`${url}${p}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				accept: 'text/html',
				origin: url,
				'content-type': 'application/x-www-form-urlencoded',
				cookie: header(jar)
			},
			body: new URLSearchParams(body)
		});
		cookiesFrom(r, jar);
		return r;
	};
	const r1 = await post('/login', { username, password: DEMO_PASSWORD });
	if (r1.status >= 400) throw new Error(`sign-in failed: ${r1.status}`);
	if ((r1.headers.get('location') ?? '').includes('totp')) {
		const r2 = await post('/login/totp', { code: totpCode(DEMO_TOTP_SECRET) });
		if (r2.status >= 400) throw new Error(`TOTP step failed: ${r2.status}`);
	}
	const check = await fetch(`${url}/`, { headers: { cookie: header(jar) }, redirect: 'manual' });
	if (check.status !== 200) throw new Error(`signed-in page answered ${check.status}`);
	return header(jar);
}

/** Wait until the server's log says `text` (false after the timeout). */
export async function waitForLog(
	file: string,
	text: string,
	timeoutMs = 600_000
): Promise<boolean> {
	const t0 = performance.now();
	while (performance.now() - t0 < timeoutMs) {
		if (readFileSync(file, 'utf8').includes(text)) return true;
		await new Promise((r) => setTimeout(r, 250));
	}
	return false;
}
