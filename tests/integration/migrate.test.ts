// Landed migrations are frozen: the migrator keeps each file's checksum and refuses, with a clear
// message, a database whose applied migration no longer matches its file, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, ROOT, type TestDatabase } from '../support/template';
import { migrate, migrationChecksum, MigrationChangedError } from '../../src/lib/server/db/migrate';

describe.each(testEngines())('frozen migrations on %s', (engine) => {
	let d: TestDatabase;
	let dir: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		dir = await mkdtemp(path.join(os.tmpdir(), 'tongan-migrations-'));
		await cp(path.join(ROOT, 'migrations'), dir, { recursive: true });
	});
	afterAll(async () => {
		await d?.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('records the checksum of every applied migration', async () => {
		expect(await migrate(d.db, dir)).toEqual([]);
		const rows = await sql<{ version: number; checksum: string | null }>`
			SELECT version, checksum FROM schema_migrations ORDER BY version`.execute(d.db);
		const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
		expect(rows.rows.length).toBe(files.length);
		for (const [i, f] of files.entries())
			expect(rows.rows[i].checksum).toBe(
				migrationChecksum(await readFile(path.join(dir, f), 'utf8'))
			);
	});

	it('refuses to start when a landed migration was edited, and changes nothing', async () => {
		const file = (await readdir(dir)).filter((f) => f.startsWith('0004_'))[0];
		const original = await readFile(path.join(dir, file), 'utf8');
		// a Windows checkout (CRLF) is the same migration
		await writeFile(path.join(dir, file), original.replace(/\n/g, '\r\n'));
		expect(await migrate(d.db, dir)).toEqual([]);
		await writeFile(path.join(dir, file), original + '\n-- edited after it landed\n');
		const before = await sql<{
			c: string;
		}>`SELECT checksum AS c FROM schema_migrations WHERE version = 4`.execute(d.db);
		const err = await migrate(d.db, dir).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(MigrationChangedError);
		expect((err as Error).message).toContain(file);
		expect((err as Error).message).toMatch(/new numbered migration/);
		const after = await sql<{
			c: string;
		}>`SELECT checksum AS c FROM schema_migrations WHERE version = 4`.execute(d.db);
		expect(after.rows[0].c).toBe(before.rows[0].c);
		await writeFile(path.join(dir, file), original);
		expect(await migrate(d.db, dir)).toEqual([]);
	});

	it('gives a database migrated before checksums were kept its checksums, once', async () => {
		await sql`UPDATE schema_migrations SET checksum = NULL WHERE version = 2`.execute(d.db);
		expect(await migrate(d.db, dir)).toEqual([]);
		const r = await sql<{
			c: string | null;
		}>`SELECT checksum AS c FROM schema_migrations WHERE version = 2`.execute(d.db);
		expect(r.rows[0].c).toMatch(/^[0-9a-f]{64}$/);
	});
});
