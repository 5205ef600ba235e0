// A 300,000-row children's roster imported through the built app (issue 14, "large files"), as
// the import page does it: the file over tus, then read, dry run and commit, each named by the
// upload. Timed per step, with the server's resident memory sampled throughout (and its peak),
// and a county's segment list fetched by four users at once before (idle) and during the import
// (busy): the p95 a colleague meets while someone imports. Runs on a scratch copy of the
// province's database, removed afterwards, so the other cases see the province unchanged.
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { Upload } from 'tus-js-client';
import { openPglite, openPostgres } from '../../src/lib/server/db/engine';
import { IMPORT_UPLOAD_PATH } from '../../src/lib/import/upload';
import { ROOT, signIn, startServer, waitForLog, WORK } from './app';
import { percentile, round } from './stats';
import { PG_PREFIX } from './province';

export interface ImportsBench {
	rows: number;
	bytes: number;
	upload_ms: number;
	read_ms: number;
	dry_run_ms: number;
	commit_ms: number;
	inserts: number;
	rejected: number;
	/** resident memory of the app's process, and of the embedded database's host (PGlite) */
	rss_before_mb: { app: number; db: number };
	rss_peak_mb: { app: number; db: number };
	/** the app's peak during each step (the upload, the read, the dry run, the commit) */
	rss_peak_by_step_mb: Record<Step, number>;
	county_list_idle: { requests: number; p50_ms: number; p95_ms: number; max_ms: number };
	county_list_during: { requests: number; p50_ms: number; p95_ms: number; max_ms: number };
	/** where the commit's time went, as the server logged it (services/imports.ts) */
	commit_phases: string;
}

const COUNTY = '421083000000';

type Step = 'upload' | 'read' | 'dry_run' | 'commit';

/** The roster: `rows` children spread over the county's villages, a few metres from the centre. */
function roster(villages: { code: string; lon: number; lat: number }[], rows: number): Uint8Array {
	const lines = ['记录编号,村代码,出生日期,类别,居住地经度,居住地纬度'];
	for (let i = 0; i < rows; i++) {
		const v = villages[i % villages.length];
		const d = (k: number) => ((((i * 2654435761 + k) >>> 0) % 1000) - 500) * 2e-6;
		lines.push(
			`BENCH-${i},${v.code},${2010 + (i % 8)}-0${1 + (i % 9)}-1${i % 10},留守儿童,${(v.lon + d(1)).toFixed(6)},${(v.lat + d(7)).toFixed(6)}`
		);
	}
	return new TextEncoder().encode(lines.join('\r\n'));
}

const statusOf = (pid: number | string) => {
	try {
		return readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return '';
	}
};
const field = (status: string, name: string) =>
	Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);

/** Resident MB of the app's process, and of its children (the embedded database's host). */
function rssMb(pid: number): { app: number; db: number } {
	let db = 0;
	for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
		const s = statusOf(p);
		if (field(s, 'PPid') === pid) db += field(s, 'VmRSS');
	}
	return { app: field(statusOf(pid), 'VmRSS') / 1024, db: db / 1024 };
}

async function timedGet(url: string, cookie: string): Promise<number> {
	const t0 = performance.now();
	const r = await fetch(url, { headers: { cookie } });
	await r.arrayBuffer();
	if (!r.ok) throw new Error(`${url} answered ${r.status}`);
	return performance.now() - t0;
}

const summary = (xs: number[]) => ({
	requests: xs.length,
	p50_ms: round(percentile(xs, 50)),
	p95_ms: round(percentile(xs, 95)),
	// the longest a colleague waited: a statement that holds the embedded engine's one session
	// shows here, whatever the percentiles say
	max_ms: round(Math.max(...xs))
});

export async function benchImports(
	build: string,
	serverEnv: Record<string, string>,
	port: number,
	log: (m: string) => void,
	rows = 300_000
): Promise<ImportsBench> {
	// a scratch copy of the province
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	if (serverEnv.DATA_DIR) {
		const dir = path.join(WORK, 'pglite-imports');
		rmSync(dir, { recursive: true, force: true });
		log('imports: copying the province database…');
		cpSync(serverEnv.DATA_DIR, dir, { recursive: true });
		env = { ...serverEnv, DATA_DIR: dir };
		drop = async () => rmSync(dir, { recursive: true, force: true });
	} else {
		const u = new URL(serverEnv.DATABASE_URL);
		const from = u.pathname.slice(1);
		const admin = new URL(u);
		admin.pathname = '/postgres';
		const c = new pg.Client({ connectionString: admin.toString() });
		await c.connect();
		await c.query(`DROP DATABASE IF EXISTS ${PG_PREFIX}_imports WITH (FORCE)`);
		await c.query(`CREATE DATABASE ${PG_PREFIX}_imports TEMPLATE ${from}`);
		await c.end();
		u.pathname = `/${PG_PREFIX}_imports`;
		env = { ...serverEnv, DATABASE_URL: u.toString() };
		drop = async () => {
			const c2 = new pg.Client({ connectionString: admin.toString() });
			await c2.connect();
			await c2.query(`DROP DATABASE IF EXISTS ${PG_PREFIX}_imports WITH (FORCE)`);
			await c2.end();
		};
	}
	try {
		const d = env.DATA_DIR
			? await openPglite({ dataDir: env.DATA_DIR, projectRoot: ROOT })
			: await openPostgres(env.DATABASE_URL);
		const villages = (
			await sql<{ code: string; lon: number; lat: number }>`
				SELECT v.code, ST_X(v.center) AS lon, ST_Y(v.center) AS lat
				FROM admin_units v, admin_units c
				WHERE c.code = ${COUNTY} AND v.level = 'village' AND v.code LIKE '421083%'
					AND ST_Covers(c.geom, v.center)
				ORDER BY v.code`.execute(d.db)
		).rows.map((v) => ({ code: v.code, lon: Number(v.lon), lat: Number(v.lat) }));
		await d.close();
		const bytes = roster(villages, rows);
		log(
			`imports: ${rows} children over ${villages.length} villages, ${round(bytes.length / 1048576)} MB`
		);

		const logFile = path.join(WORK, 'server-imports.log');
		const uploads = path.join(WORK, 'uploads-imports');
		rmSync(uploads, { recursive: true, force: true });
		// as `npm start` runs it (src/serve.mjs): the body limit that lets a 4 MB chunk through
		const server = await startServer(
			build,
			{ ...env, WARM_TILES: '0', BODY_SIZE_LIMIT: '80M', UPLOAD_DIR: uploads },
			port,
			logFile
		);
		try {
			// measured once the server has warmed the province's views, as a user a minute
			// after a restart meets it
			await waitForLog(logFile, 'views warm');
			const pid = server.proc.pid!;
			const importer = await signIn(server.url, 'county.admin');
			const colleague = await signIn(server.url, 'planner');
			const list = `${server.url}/waterways`;
			// idle: four users on the county's list, 10 pages each
			const idle: number[] = [];
			await Promise.all(
				Array.from({ length: 4 }, async () => {
					for (let i = 0; i < 10; i++) idle.push(await timedGet(list, colleague));
				})
			);
			const rssBefore = rssMb(pid);
			const rssPeak = { ...rssBefore };
			const byStep: Record<Step, number> = { upload: 0, read: 0, dry_run: 0, commit: 0 };
			let current: Step = 'upload';
			const sample = () => {
				const now = rssMb(pid);
				rssPeak.app = Math.max(rssPeak.app, now.app);
				rssPeak.db = Math.max(rssPeak.db, now.db);
				byStep[current] = Math.max(byStep[current], now.app);
			};
			const sampler = setInterval(sample, 200);
			/** the step that begins, its first and the last step's last sample taken */
			const begin = (step: Step) => {
				sample();
				current = step;
				sample();
			};
			// busy: the same four users, all through the import
			let importing = true;
			const during: number[] = [];
			const load = Promise.all(
				Array.from({ length: 4 }, async () => {
					while (importing) during.push(await timedGet(list, colleague));
				})
			);
			const step = (fields: Record<string, string>) => {
				const f = new FormData();
				f.set('kind', 'children');
				for (const [k, v] of Object.entries(fields)) f.set(k, v);
				return fetch(`${server.url}/api/imports`, {
					method: 'POST',
					body: f,
					headers: { cookie: importer, origin: server.url }
				});
			};
			const lastLine = async (r: Response) => {
				const text = await r.text();
				if (!r.ok) throw new Error(`import step answered ${r.status}: ${text.slice(0, 300)}`);
				return JSON.parse(text.trim().split('\n').at(-1)!);
			};
			try {
				let t0 = performance.now();
				const id = await new Promise<string>((resolve, reject) => {
					const up: Upload = new Upload(Buffer.from(bytes), {
						endpoint: `${server.url}${IMPORT_UPLOAD_PATH}`,
						metadata: { filename: 'bench-roster.csv' },
						headers: { cookie: importer },
						chunkSize: 4 * 1024 * 1024,
						storeFingerprintForResuming: false,
						onSuccess: () => resolve(String(up.url).split('/').pop()!),
						onError: reject
					});
					up.start();
				});
				const uploadMs = performance.now() - t0;
				log(`imports: uploaded in ${round(uploadMs)} ms`);
				begin('read');
				t0 = performance.now();
				const read = await step({ step: 'read', upload: id });
				if (!read.ok) throw new Error(`read answered ${read.status}: ${await read.text()}`);
				const info = (await read.json()) as { rows: number; mapping: Record<string, string> };
				const readMs = performance.now() - t0;
				log(`imports: read ${info.rows} rows in ${round(readMs)} ms`);
				const mapping = JSON.stringify(info.mapping);
				begin('dry_run');
				t0 = performance.now();
				const dry = (await lastLine(await step({ step: 'dryRun', upload: id, mapping }))).outcome;
				const dryMs = performance.now() - t0;
				log(
					`imports: dry run ${round(dryMs)} ms (${dry.inserts} inserts, ${dry.rejected} rejected)`
				);
				begin('commit');
				t0 = performance.now();
				const done = (
					await lastLine(await step({ step: 'commit', upload: id, mapping, sha256: dry.sha256 }))
				).outcome;
				const commitMs = performance.now() - t0;
				sample();
				if (!done?.committed) throw new Error('the commit did not commit');
				log(`imports: commit ${round(commitMs)} ms`);
				return {
					rows,
					bytes: bytes.length,
					upload_ms: round(uploadMs),
					read_ms: round(readMs),
					dry_run_ms: round(dryMs),
					commit_ms: round(commitMs),
					inserts: done.inserts,
					rejected: done.rejected,
					rss_before_mb: { app: round(rssBefore.app), db: round(rssBefore.db) },
					rss_peak_mb: { app: round(rssPeak.app), db: round(rssPeak.db) },
					rss_peak_by_step_mb: {
						upload: round(byStep.upload),
						read: round(byStep.read),
						dry_run: round(byStep.dry_run),
						commit: round(byStep.commit)
					},
					county_list_idle: summary(idle),
					county_list_during: summary(during),
					commit_phases:
						/import of \d+ children: (.*)/.exec(readFileSync(logFile, 'utf8'))?.[1] ?? ''
				};
			} finally {
				importing = false;
				clearInterval(sampler);
				await load;
			}
		} finally {
			await server.stop();
			rmSync(uploads, { recursive: true, force: true });
		}
	} finally {
		await drop();
	}
}
