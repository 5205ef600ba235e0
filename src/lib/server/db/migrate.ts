// Numbered SQL migrations (migrations/NNNN_verb_object.sql), applied in order, each in its own
// transaction and recorded in schema_migrations with the SHA-256 of its text. The same files run
// on both engines. A migration that has landed is frozen: if its file no longer matches what
// was applied, the app refuses to start rather than run on a schema nobody can reproduce.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

export interface MigrationFile {
	version: number;
	name: string;
	file: string;
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function listMigrations(dir: string): Promise<MigrationFile[]> {
	const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
	const out: MigrationFile[] = [];
	for (const f of files) {
		const m = FILE_RE.exec(f);
		if (!m) throw new Error(`migration file name "${f}" must look like 0001_verb_object.sql`);
		const version = Number(m[1]);
		if (out.some((o) => o.version === version)) throw new Error(`duplicate migration ${m[1]}`);
		out.push({ version, name: m[2], file: path.join(dir, f) });
	}
	return out;
}

/** A landed migration whose file was edited afterwards. */
export class MigrationChangedError extends Error {
	constructor(
		readonly file: string,
		readonly applied: string,
		readonly now: string
	) {
		super(
			`migration ${path.basename(file)} has changed since it was applied to this database ` +
				`(applied ${applied.slice(0, 12)}, file now ${now.slice(0, 12)}). Landed migrations ` +
				`are frozen: restore the file and put the change in a new numbered migration.`
		);
	}
}

/** The checksum of a migration's text; line endings do not count (a Windows checkout). */
export function migrationChecksum(text: string): string {
	return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

export async function migrate(
	db: Kysely<DB>,
	dir: string,
	log: (msg: string) => void = () => {}
): Promise<number[]> {
	await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`.execute(db);
	// databases migrated before checksums were kept get theirs at the next start (below)
	await sql`ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text`.execute(db);
	const all = await listMigrations(dir);
	const applied: number[] = [];
	for (const m of all) {
		const text = await readFile(m.file, 'utf8');
		const checksum = migrationChecksum(text);
		const done = await db.transaction().execute(async (trx) => {
			// serialise concurrent migrators (several app processes on one server)
			await sql`SELECT pg_advisory_xact_lock(7263001)`.execute(trx);
			const row = await trx
				.selectFrom('schema_migrations')
				.select(['version', 'checksum'])
				.where('version', '=', m.version)
				.executeTakeFirst();
			if (row) {
				if (row.checksum === null)
					await trx
						.updateTable('schema_migrations')
						.set({ checksum })
						.where('version', '=', m.version)
						.execute();
				else if (row.checksum !== checksum)
					throw new MigrationChangedError(m.file, row.checksum, checksum);
				return false;
			}
			// no parameters: sent as a simple query, so one file may hold many statements
			await sql.raw(text).execute(trx);
			await trx
				.insertInto('schema_migrations')
				.values({ version: m.version, name: m.name, checksum })
				.execute();
			return true;
		});
		if (done) {
			applied.push(m.version);
			log(`applied migration ${String(m.version).padStart(4, '0')}_${m.name}`);
		}
	}
	return applied;
}
