// An import's file sent over tus (issue 14, "large files"), on both engines, by tus-js-client's
// Node build to the real tus server: an upload cut after its first chunk goes on from the
// server's offset (not from byte 0), the steps then read the file by its upload's id (read, dry
// run, commit), and the committed file is removed. What is not the sender's is refused: another
// administrator's upload, an unfinished one, a planner's attempt; a bad file sent this way is
// still a 400 in Chinese, never a 500, and nothing is written. An upload never committed, and
// rows a dead commit staged, are removed once older than the configured age; newer ones stay.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { readFile, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Upload } from 'tus-js-client';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { routeEvent } from '../support/route-event';
import { env } from '../../src/lib/server/env';
import { handleImportUpload, importUploadDir } from '../../src/lib/server/services/import-uploads';
import { sweepStaleImports } from '../../src/lib/server/services/import-cleanup';
import { POST } from '../../src/routes/api/imports/+server';
import { IMPORT_UPLOAD_PATH } from '../../src/lib/import/upload';
import { villagesInside } from '../support/villages';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

const CHUNK = 64 * 1024;
// before anything reads the environment (env() keeps what it read first): this file's uploads
// go to a directory of its own
const root = mkdtempSync(path.join(os.tmpdir(), 'tongan-import-uploads-'));
process.env.UPLOAD_DIR = root;
afterAll(() => rm(root, { recursive: true, force: true }));

describe.each(testEngines())('an import sent over tus on %s', (engine) => {
	let d: TestDatabase;
	let admin: Principal;
	let province: Principal;
	let planner: Principal;
	let sender: Principal;
	let server: http.Server;
	let origin: string;
	const seen = { posts: 0, patchOffsets: [] as number[] };
	let homes: Uint8Array;

	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
		admin = (await principalOf(d.db, 'county.admin')) as Principal;
		province = (await principalOf(d.db, 'province.admin')) as Principal;
		planner = (await principalOf(d.db, 'planner')) as Principal;
		sender = admin;
		const villages = await villagesInside(d.db, admin.jurisdiction, 4);
		// about 250 kB: four chunks and more
		const lines = ['编号,名称,村代码,面积,状态,经度,纬度'];
		for (let i = 0; i < 3000; i++) {
			const v = villages[i % villages.length];
			lines.push(`TU-${i},上传儿童之家${i},${v.code},${30 + (i % 20)},开放,${v.lon},${v.lat}`);
		}
		homes = new TextEncoder().encode(lines.join('\n'));

		server = http.createServer((req, res) => {
			void (async () => {
				const chunks: Buffer[] = [];
				for await (const c of req) chunks.push(c as Buffer);
				const headers = new Headers();
				for (const [k, val] of Object.entries(req.headers))
					if (val !== undefined) headers.set(k, Array.isArray(val) ? val.join(', ') : val);
				if (req.method === 'POST') seen.posts++;
				if (req.method === 'PATCH') seen.patchOffsets.push(Number(req.headers['upload-offset']));
				const request = new Request(new URL(req.url!, 'http://127.0.0.1'), {
					method: req.method,
					headers,
					body: chunks.length ? Buffer.concat(chunks) : undefined
				});
				const response = await handleImportUpload(sender, request, importUploadDir(root));
				res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
				res.end(Buffer.from(await response.arrayBuffer()));
			})();
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}, 600_000);
	afterAll(async () => {
		server?.closeAllConnections();
		await new Promise((r) => server?.close(r));
		await d?.close();
	});

	/** Send `bytes`; with `stopAfter`, abort after that many chunks. The upload's id. */
	function send(
		bytes: Uint8Array,
		opts: { stopAfter?: number; uploadUrl?: string; name?: string } = {}
	): Promise<string> {
		return new Promise((resolve, reject) => {
			let chunks = 0;
			const up: Upload = new Upload(Buffer.from(bytes), {
				endpoint: `${origin}${IMPORT_UPLOAD_PATH}`,
				uploadUrl: opts.uploadUrl,
				metadata: { filename: opts.name ?? 'homes.csv' },
				chunkSize: CHUNK,
				retryDelays: [],
				storeFingerprintForResuming: false,
				onChunkComplete: () => {
					if (++chunks === opts.stopAfter)
						void up.abort().then(() => resolve(String(up.url).split('/').pop()!));
				},
				onSuccess: () => resolve(String(up.url).split('/').pop()!),
				onError: (e) => reject(e)
			});
			up.start();
		});
	}

	async function post(who: Principal, fields: Record<string, string>): Promise<Response> {
		const form = new FormData();
		form.set('kind', 'children_homes');
		for (const [k, v] of Object.entries(fields)) form.set(k, v);
		const request = new Request('http://localhost/api/imports', { method: 'POST', body: form });
		try {
			return await POST(routeEvent<Parameters<typeof POST>[0]>(who, request));
		} catch (e) {
			const h = e as { status: number; body: { message: string } };
			return new Response(JSON.stringify(h.body), { status: h.status });
		}
	}
	const lastLine = async (r: Response) =>
		JSON.parse((await r.text()).trim().split('\n').at(-1)!) as {
			outcome?: { inserts: number; committed: boolean; sha256: string };
			error?: string;
		};
	const count = async () =>
		Number(
			(
				await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children_homes WHERE source_id LIKE 'TU-%'`.execute(d.db)
			).rows[0].n
		);

	it('goes on from the offset the server holds after a cut, then each step reads it by its id', async () => {
		expect(env().uploadDir).toBe(root);
		expect(homes.length).toBeGreaterThan(3 * CHUNK);
		sender = admin;
		seen.posts = 0;
		seen.patchOffsets = [];
		const id = await send(homes, { stopAfter: 1 });
		expect(seen.patchOffsets).toEqual([0]);
		// the same upload again: asked where it stands (HEAD), then on from there
		const again = await send(homes, { uploadUrl: `${origin}${IMPORT_UPLOAD_PATH}/${id}` });
		expect(again).toBe(id);
		expect(seen.posts).toBe(1);
		expect(seen.patchOffsets[1]).toBe(CHUNK);
		expect(seen.patchOffsets.filter((o) => o === 0)).toHaveLength(1);
		const onDisk = await readFile(path.join(importUploadDir(root), id));
		expect(Buffer.compare(onDisk, Buffer.from(homes))).toBe(0);

		const read = await post(admin, { step: 'read', upload: id });
		expect(read.status).toBe(200);
		const info = (await read.json()) as { rows: number; mapping: Record<string, string> };
		expect(info.rows).toBe(3000);
		const mapping = JSON.stringify(info.mapping);
		const dry = await lastLine(await post(admin, { step: 'dryRun', upload: id, mapping }));
		expect(dry.outcome).toMatchObject({ inserts: 3000, committed: false });
		expect(await count()).toBe(0);
		const done = await lastLine(
			await post(admin, { step: 'commit', upload: id, mapping, sha256: dry.outcome!.sha256 })
		);
		expect(done.outcome).toMatchObject({ inserts: 3000, committed: true });
		expect(await count()).toBe(3000);
		// committed: the file is gone, and naming it again is a plain 400
		expect(existsSync(path.join(importUploadDir(root), id))).toBe(false);
		const gone = await post(admin, { step: 'read', upload: id });
		expect(gone.status).toBe(400);
		expect(((await gone.json()) as { message: string }).message).toContain('找不到已上传的文件');
	});

	it("refuses another's upload, an unfinished one, a planner; a bad file is a 400 in Chinese", async () => {
		sender = admin;
		const mine = await send(homes);
		// another administrator neither reads it through the steps nor resumes it over tus
		const theirs = await post(province, { step: 'read', upload: mine });
		expect(theirs.status).toBe(400);
		expect(((await theirs.json()) as { message: string }).message).toContain('找不到已上传的文件');
		sender = province;
		const head = await fetch(`${origin}${IMPORT_UPLOAD_PATH}/${mine}`, {
			method: 'HEAD',
			headers: { 'tus-resumable': '1.0.0' }
		});
		expect(head.status).toBe(404);
		sender = admin;
		const own = await fetch(`${origin}${IMPORT_UPLOAD_PATH}/${mine}`, {
			method: 'HEAD',
			headers: { 'tus-resumable': '1.0.0' }
		});
		expect(own.status).toBe(200);
		expect(own.headers.get('upload-offset')).toBe(String(homes.length));
		sender = planner;
		await expect(send(homes)).rejects.toThrow(/403/);

		sender = admin;
		const half = await send(homes, { stopAfter: 1 });
		const unfinished = await post(admin, { step: 'read', upload: half });
		expect(unfinished.status).toBe(400);
		expect(((await unfinished.json()) as { message: string }).message).toContain('尚未上传完');

		const junk = await send(new Uint8Array([1, 2, 3, 4]), { name: '台账.xlsx' });
		const bad = await post(admin, { step: 'read', upload: junk });
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { message: string }).message).toContain('无法读取该文件');
		// an empty file is refused as empty (it was "too large"), and nothing is created
		const empty = await fetch(`${origin}${IMPORT_UPLOAD_PATH}`, {
			method: 'POST',
			headers: {
				'tus-resumable': '1.0.0',
				'upload-length': '0',
				'upload-metadata': `filename ${Buffer.from('空.csv').toString('base64')}`
			}
		});
		expect(empty.status).toBe(400);
		expect((await empty.text()).trim()).toBe('empty');
		const malformed = await post(admin, { step: 'read', upload: '../../etc/passwd' });
		expect(malformed.status).toBe(400);
		expect(await count()).toBe(3000);
	});

	it('removes uploads never committed, and rows a dead commit staged, once older than the age', async () => {
		sender = admin;
		const dir = importUploadDir(root);
		const DAY = 24 * 3600 * 1000;
		const old = await send(homes);
		const half = await send(homes, { stopAfter: 1 });
		const fresh = await send(homes);
		// the first two were last written two days ago
		const then = new Date(Date.now() - 2 * DAY);
		for (const id of [old, half])
			for (const f of [id, `${id}.json`]) await utimes(path.join(dir, f), then, then);
		// a dead commit's stage from two days ago and one staging now
		await sql`INSERT INTO import_staging (stage, n, row, staged_at)
			VALUES ('dead', 0, '{}', now() - interval '2 days'), ('dead', 1, '{}', now() - interval '2 days'),
				('live', 0, '{}', now())`.execute(d.db);
		const swept = await sweepStaleImports(d.db, dir, DAY);
		expect(swept).toEqual({ uploads: 2, staged: 2 });
		for (const id of [old, half]) {
			expect(existsSync(path.join(dir, id))).toBe(false);
			expect(existsSync(path.join(dir, `${id}.json`))).toBe(false);
		}
		expect(existsSync(path.join(dir, fresh))).toBe(true);
		const stages = await sql<{ stage: string }>`SELECT stage FROM import_staging`.execute(d.db);
		expect(stages.rows.map((r) => r.stage)).toEqual(['live']);
		// the fresh upload is still read by its id; the swept one is a plain 400
		expect((await post(admin, { step: 'read', upload: fresh })).status).toBe(200);
		expect((await post(admin, { step: 'read', upload: old })).status).toBe(400);
		await sql`DELETE FROM import_staging`.execute(d.db);
	});
});
