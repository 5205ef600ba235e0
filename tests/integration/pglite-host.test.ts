// The embedded database's host process when the app goes away mid-query (stopped, restarted,
// killed): it must not crash on the reply it can no longer send, and the data dir it leaves must
// open again.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ensurePgliteTemplate, ROOT } from '../support/template';
import { openPglite } from '../../src/lib/server/db/engine';

describe('embedded database host', () => {
	const dir = path.join(os.tmpdir(), `tongan-host-${process.pid}-${Date.now()}`);
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('closes cleanly when the app disconnects while a query runs, and the data opens again', async () => {
		await cp(await ensurePgliteTemplate(), dir, { recursive: true });
		const child = spawn(
			process.execPath,
			[path.join(ROOT, 'src/lib/server/db/pglite-host.mjs'), dir],
			{ stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', cwd: ROOT }
		);
		let stderr = '';
		child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
		await new Promise<void>((resolve, reject) => {
			child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
			child.once('exit', (code) => reject(new Error(`host exited early (${code}): ${stderr}`)));
		});
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		// a query whose answer will find nobody to take it
		child.send({ id: 1, op: 'query', sql: 'SELECT pg_sleep(0.3), count(*) FROM children' });
		child.disconnect();
		expect(await exited).toBe(0);
		expect(stderr).not.toMatch(/EPIPE|Unhandled/);

		const d = await openPglite({ dataDir: dir, projectRoot: ROOT });
		try {
			const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM children`.execute(d.db);
			expect(r.rows[0].n).toBeGreaterThan(100);
		} finally {
			await d.close();
		}
	});
});
