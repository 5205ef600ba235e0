// Imports on both engines, through the service and the endpoint: the dry run writes nothing,
// the commit is all or nothing, re-importing the same file changes nothing, rows outside the
// importer's jurisdiction are rejected with the row and the reason, every commit is audited
// with the file's SHA-256, the change path notes the writes, and a server killed in the middle
// of a commit leaves nothing behind. Every figure is checked against SQL written here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import {
	ensurePgliteTemplate,
	openTestDatabase,
	principalOf,
	ROOT,
	testEngines,
	type TestDatabase
} from '../support/template';
import { openPglite } from '../../src/lib/server/db/engine';
import type { Principal } from '../../src/lib/server/auth/policy';
import { routeEvent } from '../support/route-event';
import { Forbidden } from '../../src/lib/server/errors';
import {
	commitImport,
	dryRunImport,
	prepareImport,
	type ImportOptions
} from '../../src/lib/server/services/imports';
import { POST } from '../../src/routes/api/imports/+server';
import { cacheVersion } from '../../src/lib/server/services/freshness';
import { villagesInside, type VillageCentre } from '../support/villages';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const OPTS: ImportOptions = {
	kind: 'children_homes',
	encoding: 'auto',
	crs: 'wgs84',
	swap: false,
	mapping: null
};
const META = { ip: '127.0.0.1', userAgent: 'test' };
const HEADER = '编号,名称,村代码,面积,状态,经度,纬度';
const csv = (lines: string[]) => new TextEncoder().encode([HEADER, ...lines].join('\n'));

type Village = VillageCentre;

async function imported(d: TestDatabase, like: string) {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM children_homes WHERE source_id LIKE ${like}`.execute(d.db);
	return Number(r.rows[0].n);
}
async function importAudits(d: TestDatabase) {
	const r = await sql<{ detail: unknown; username: string }>`
		SELECT detail, username FROM audit_log WHERE action = 'import' ORDER BY id`.execute(d.db);
	return r.rows.map((x) => ({
		username: x.username,
		detail: (typeof x.detail === 'string' ? JSON.parse(x.detail) : x.detail) as Record<
			string,
			unknown
		>
	}));
}
async function staged(d: TestDatabase) {
	const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM import_staging`.execute(d.db);
	return Number(r.rows[0].n);
}
async function homeChanges(d: TestDatabase) {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM data_changes WHERE source = 'children_homes'`.execute(d.db);
	return Number(r.rows[0].n);
}

async function dataVersion(d: TestDatabase) {
	const r = await sql<{ value: string | null }>`
		SELECT value FROM app_meta WHERE key = 'data_version'`.execute(d.db);
	return r.rows[0]?.value ?? null;
}

/** Processes whose command line names this path (the embedded database's host). */
function holders(dir: string): number[] {
	const out: number[] = [];
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) out.push(Number(pid));
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

describe.each(testEngines())('imports on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let villages: Village[];
	let outside: [number, number];

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		villages = await villagesInside(d.db, admin.jurisdiction, 4);
		const box = (
			await sql<{ e: number; n: number }>`
				SELECT ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM admin_units WHERE code = ${admin.jurisdiction}`.execute(
				d.db
			)
		).rows[0];
		outside = [Number(box.e) + 0.3, Number(box.n) - 0.05];
	}, 600_000);
	afterAll(async () => {
		await d?.close();
	});

	const file = () =>
		csv([
			`T-1,一号儿童之家,${villages[0].code},35,开放,${villages[0].lon},${villages[0].lat}`,
			`T-2,二号儿童之家,${villages[1].code},28.5,暂停,${villages[1].lon},${villages[1].lat}`,
			`T-3,三号儿童之家,${villages[2].code},60,,${villages[2].lon},${villages[2].lat}`,
			`T-4,界外儿童之家,${villages[0].code},40,,${outside[0]},${outside[1]}`,
			`T-5,外县儿童之家,429999999999,40,,${villages[0].lon},${villages[0].lat}`,
			`T-1,重复儿童之家,${villages[0].code},35,,${villages[0].lon},${villages[0].lat}`
		]);

	it('the dry run counts and names every problem, and writes nothing', async () => {
		expect(villages).toHaveLength(4);
		const changes = await homeChanges(d);
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes: file() }, OPTS);
		const r = await dryRunImport(d.db, admin, p);
		expect(r).toMatchObject({ rows: 6, inserts: 3, updates: 0, unchanged: 0, rejected: 3 });
		const byRow = Object.fromEntries(r.problems.map((x) => [x.row, x.key]));
		expect(byRow).toEqual({ 5: 'outside', 6: 'villageUnknown', 7: 'duplicate' });
		expect(r.preview).toHaveLength(3);
		expect(await imported(d, 'T-%')).toBe(0);
		expect(await importAudits(d)).toEqual([]);
		expect(await homeChanges(d)).toBe(changes);
	});

	it('the dry run reports every problem of a row at once, each under its field, and counts the row once', async () => {
		// a village code of the right form that is no village of the county (the database's
		// check), beside problems the file alone shows; then a row whose two problems are both
		// the database's (an unknown village and a point outside the county)
		const unknownVillage = `${admin.jurisdiction.slice(0, 6)}999999`;
		const bytes = csv([
			`M-1,,${unknownVillage},很大,坏了,200,${villages[0].lat}`,
			`M-2,双错儿童之家,${unknownVillage},40,,${outside[0]},${outside[1]}`,
			`M-3,正常儿童之家,${villages[0].code},40,,${villages[0].lon},${villages[0].lat}`
		]);
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes }, OPTS);
		const r = await dryRunImport(d.db, admin, p);
		expect(r).toMatchObject({ rows: 3, inserts: 1, updates: 0, unchanged: 0, rejected: 2 });
		const of = (row: number) =>
			r.problems
				.filter((x) => x.row === row)
				.map((x) => `${x.field}:${x.key}`)
				.sort();
		expect(of(2)).toEqual(
			[
				'name:required',
				'villageCode:villageUnknown',
				'area:number',
				'status:status',
				'lon:lonRange'
			].sort()
		);
		expect(of(3)).toEqual(['lon:outside', 'villageCode:villageUnknown']);
		expect(r.problemCount).toBe(7);
		// each problem names the file's column it came from, and the value it found
		expect(r.problems.find((x) => x.key === 'villageUnknown' && x.row === 2)).toMatchObject({
			column: '村代码',
			params: { value: unknownVillage }
		});
		expect(await imported(d, 'M-%')).toBe(0);
	});

	it('refuses a site registered to a village it lies kilometres from', async () => {
		// a village of the county more than 5 km from the first village's township (villages have
		// a centre and no outline: a home is held to its village's township)
		const far = (
			await sql<{ lon: number; lat: number }>`
				SELECT ST_X(v.center) AS lon, ST_Y(v.center) AS lat
				FROM admin_units v, admin_units c, admin_units first, admin_units town
				WHERE c.code = ${admin.jurisdiction} AND first.code = ${villages[0].code}
					AND town.code = first.parent_code
					AND v.level = 'village' AND ST_Covers(c.geom, v.center)
					AND NOT ST_DWithin(town.geom::geography, v.center::geography, 5000)
				ORDER BY v.code LIMIT 1`.execute(d.db)
		).rows[0];
		const bytes = csv([
			`T-8,本村儿童之家,${villages[0].code},40,,${villages[0].lon},${villages[0].lat}`,
			`T-9,错村儿童之家,${villages[0].code},40,,${far.lon},${far.lat}`
		]);
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes }, OPTS);
		const r = await dryRunImport(d.db, admin, p);
		expect(r).toMatchObject({ rows: 2, inserts: 1, rejected: 1 });
		expect(r.problems).toMatchObject([{ row: 3, field: 'lon', key: 'notInArea' }]);
		// named by where the file puts it, to six places as the user typed it
		expect(r.problems[0].params).toEqual({
			value: `${Number(far.lon).toFixed(6)}, ${Number(far.lat).toFixed(6)}`
		});
	});

	it('commits the accepted rows with an audit entry carrying the file hash; a re-import changes nothing', async () => {
		const bytes = file();
		const version = await dataVersion(d);
		const seen = cacheVersion();
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes }, OPTS);
		const r = await commitImport(d.db, admin, p, p.sha256, META);
		expect(r).toMatchObject({ committed: true, inserts: 3, rejected: 3 });
		const rows = (
			await sql<{ source_id: string; village_code: string; area_m2: string; status: string }>`
				SELECT source_id, village_code, area_m2::text, status FROM children_homes
				WHERE source_id LIKE 'T-%' ORDER BY source_id`.execute(d.db)
		).rows;
		expect(rows).toEqual([
			{ source_id: 'T-1', village_code: villages[0].code, area_m2: '35.0', status: 'open' },
			{ source_id: 'T-2', village_code: villages[1].code, area_m2: '28.5', status: 'suspended' },
			{ source_id: 'T-3', village_code: villages[2].code, area_m2: '60.0', status: 'open' }
		]);
		const audits = await importAudits(d);
		expect(audits).toHaveLength(1);
		expect(audits[0].username).toBe(admin.username);
		expect(audits[0].detail).toMatchObject({
			sha256: createHash('sha256').update(bytes).digest('hex'),
			inserts: 3,
			rejected: 3,
			file: 'homes.csv'
		});
		// the write went through the one change path and was applied before the answer: nothing
		// is left noted, the data version moved and this process's tile caches were told (the
		// importer finds the homes on the map at once, not at the watcher's next look)
		expect(await homeChanges(d)).toBe(0);
		expect(await dataVersion(d)).not.toBe(version);
		expect(cacheVersion()).toBeGreaterThan(seen);

		const after = await dataVersion(d);
		const again = await prepareImport(d.db, admin, { name: 'homes.csv', bytes }, OPTS);
		const r2 = await commitImport(d.db, admin, again, again.sha256, META);
		expect(r2).toMatchObject({ inserts: 0, updates: 0, unchanged: 3 });
		expect(await imported(d, 'T-%')).toBe(3);
		expect(await dataVersion(d)).toBe(after); // not one row was touched

		// one value changed in the source: one update, the rest unchanged
		const edited = new TextDecoder().decode(bytes).replace('28.5,暂停', '31,开放');
		const p3 = await prepareImport(
			d.db,
			admin,
			{ name: 'homes.csv', bytes: new TextEncoder().encode(edited) },
			OPTS
		);
		expect(await dryRunImport(d.db, admin, p3)).toMatchObject({ updates: 1, unchanged: 2 });
	});

	it('is all or nothing: a failure in the middle of the commit leaves no row and no audit entry', async () => {
		const audits = (await importAudits(d)).length;
		// a database error on the last row of the second batch (a trigger only this test adds)
		await sql`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.name = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`.execute(d.db);
		await sql`CREATE TRIGGER boom BEFORE INSERT ON children_homes FOR EACH ROW EXECUTE FUNCTION boom()`.execute(
			d.db
		);
		try {
			const v = villages[3];
			const lines = Array.from(
				{ length: 6000 },
				(_, i) => `B-${i},${i === 5999 ? 'BOOM' : `批量${i}`},${v.code},30,,${v.lon},${v.lat}`
			);
			const p = await prepareImport(d.db, admin, { name: 'big.csv', bytes: csv(lines) }, OPTS);
			await expect(commitImport(d.db, admin, p, p.sha256, META)).rejects.toThrow();
			expect(await imported(d, 'B-%')).toBe(0);
			expect((await importAudits(d)).length).toBe(audits);
			// the failed commit's staged rows went with it
			expect(await staged(d)).toBe(0);
		} finally {
			await sql`DROP TRIGGER boom ON children_homes`.execute(d.db);
			await sql`DROP FUNCTION boom()`.execute(d.db);
		}
	});

	it("answers other users' queries while it checks a large file, before it writes anything", async () => {
		const v = villages[2];
		const lines = Array.from(
			{ length: 9000 },
			(_, i) => `Q-${i},并行${i},${v.code},30,,${v.lon},${v.lat}`
		);
		const p = await prepareImport(d.db, admin, { name: 'queue.csv', bytes: csv(lines) }, OPTS);
		// a colleague's query sent while the first batch is checked: on the embedded engine's
		// single session it is answered between the commit's statements, not after the commit
		const order: string[] = [];
		let colleague: Promise<unknown> | null = null;
		const done = await commitImport(d.db, admin, p, p.sha256, META, (phase) => {
			if (phase === 'check' && !colleague)
				colleague = sql`SELECT count(*) FROM children_homes`
					.execute(d.db)
					.then(() => order.push('colleague answered'));
			if (phase === 'write' && !order.includes('writing')) order.push('writing');
		});
		await colleague;
		expect(done).toMatchObject({ committed: true, inserts: 9000 });
		expect(order).toEqual(['colleague answered', 'writing']);
		expect(await imported(d, 'Q-%')).toBe(9000);
		// applied: nothing is left staged
		expect(await staged(d)).toBe(0);
	});

	it('is for administrators only, and another file than the dry run is refused', async () => {
		const planner = (await principalOf(d.db, 'planner')) as Principal;
		await expect(
			prepareImport(d.db, planner, { name: 'homes.csv', bytes: file() }, OPTS)
		).rejects.toBeInstanceOf(Forbidden);
		const p = await prepareImport(d.db, admin, { name: 'homes.csv', bytes: file() }, OPTS);
		await expect(commitImport(d.db, admin, p, '0'.repeat(64), META)).rejects.toThrow(
			'imp.err.changed'
		);
	});

	it('answers a bad file with a 400 in Chinese, and a good one through the stream', async () => {
		const post = async (form: FormData) => {
			const request = new Request('http://localhost/api/imports', { method: 'POST', body: form });
			try {
				return await POST(routeEvent<Parameters<typeof POST>[0]>(admin, request));
			} catch (e) {
				const h = e as { status: number; body: { message: string } };
				return new Response(JSON.stringify(h.body), { status: h.status });
			}
		};
		const form = (
			step: string,
			name: string,
			bytes: Uint8Array,
			extra: Record<string, string> = {}
		) => {
			const f = new FormData();
			f.set('step', step);
			f.set('kind', 'children_homes');
			f.set('file', new File([Buffer.from(bytes)], name));
			for (const [k, v] of Object.entries(extra)) f.set(k, v);
			return f;
		};
		const bad = await post(form('read', '台账.xlsx', new Uint8Array([1, 2, 3, 4])));
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { message: string }).message).toContain('无法读取该文件');
		const badStep = await post(form('drop', 'a.csv', file()));
		expect(badStep.status).toBe(400);

		const read = await post(form('read', 'homes.csv', file()));
		expect(read.status).toBe(200);
		const info = (await read.json()) as { mapping: Record<string, string>; rows: number };
		expect(info.rows).toBe(6);
		expect(info.mapping).toMatchObject({ sourceId: '编号', lon: '经度', lat: '纬度' });
		const dry = await post(
			form('dryRun', 'homes.csv', file(), { mapping: JSON.stringify(info.mapping) })
		);
		const lines = (await dry.text())
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		const outcome = lines.at(-1).outcome;
		expect(outcome.messages).toContain('第 7 行，编号（列“编号”）：“T-1”与第 2 行重复');
		expect(outcome.messages.find((m: string) => m.startsWith('第 5 行'))).toContain(
			'不在您的管辖范围内'
		);
		// a required column left unmapped is a 400 before anything runs
		const unmapped = await post(
			form('dryRun', 'homes.csv', file(), {
				mapping: JSON.stringify({ ...info.mapping, name: '' })
			})
		);
		expect(unmapped.status).toBe(400);
	});

	it('a server killed in the middle of a commit leaves nothing partial', async () => {
		const v = villages[3];
		const lines = Array.from(
			{ length: 12000 },
			(_, i) => `K-${i},中断${i},${v.code},30,,${v.lon},${v.lat}`
		);
		const dir = mkdtempSync(path.join(tmpdir(), 'tongan-import-'));
		const filePath = path.join(dir, 'homes.csv');
		writeFileSync(filePath, csv(lines));
		const audits = (await importAudits(d)).length;
		// The embedded database has one owner process: the child gets a copy of its own, opened
		// again here after the kill. PostgreSQL is shared: the child works on this test's database.
		let target = d.url ?? '';
		if (engine === 'pglite') {
			target = path.join(dir, 'pgdata');
			await cp(await ensurePgliteTemplate(), target, { recursive: true });
		}
		const child = spawn(
			path.join(ROOT, 'node_modules/.bin/vite-node'),
			['tests/support/import-child.ts', engine, target, JSON.stringify(admin), filePath],
			{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
		);
		let err = '';
		child.stderr.on('data', (b) => (err += b));
		const mid = await new Promise<boolean>((resolve) => {
			child.stdout.on('data', (b: Buffer) => {
				if (b.toString().includes('MID')) resolve(true);
			});
			child.on('exit', () => resolve(false));
		});
		expect(mid, err).toBe(true);
		child.kill('SIGKILL');
		await new Promise((r) => child.on('exit', r));
		try {
			if (engine === 'pglite') {
				// the killed server's database host closes on its own; then the files are free
				for (let i = 0; i < 200 && holders(target).length > 0; i++)
					await new Promise((r) => setTimeout(r, 100));
				expect(holders(target)).toEqual([]);
				const again = await openPglite({ dataDir: target, projectRoot: ROOT });
				try {
					expect(await imported({ ...d, db: again.db }, 'K-%')).toBe(0);
					expect((await importAudits({ ...d, db: again.db })).length).toBe(0);
				} finally {
					await again.close();
				}
			} else {
				expect(await imported(d, 'K-%')).toBe(0);
				expect((await importAudits(d)).length).toBe(audits);
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 300_000);
});
