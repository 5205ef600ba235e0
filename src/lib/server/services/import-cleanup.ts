// What an import leaves behind when it is never committed: the file sent over tus (a page
// closed after the dry run, an upload given up half way) and the rows a commit staged before it
// died (a crash, a kill: migration 0022). Nobody can use them after a day (the steps name an
// upload within minutes of sending it), so both are removed by age, at start and every hour.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { dropStaleStages } from '../repositories/import-kinds';
import { dropUpload } from './import-uploads';
import { settleImports } from './imports';
import { IMPORT_UPLOAD_ID } from '$lib/import/upload';

/** How often the sweep runs while the server is up. */
export const IMPORT_SWEEP_MS = 60 * 60 * 1000;

export interface ImportSweep {
	/** uploads removed (the file and its metadata) */
	uploads: number;
	/** staged rows removed */
	staged: number;
}

/**
 * Remove the uploads in `dir` last written more than `maxAgeMs` before `now`, and staged rows
 * as old. An upload is judged by the newer of its file and its metadata, so one still being
 * sent (each chunk writes the file) is never taken.
 */
export async function sweepStaleImports(
	db: Kysely<DB>,
	dir: string,
	maxAgeMs: number,
	now = Date.now()
): Promise<ImportSweep> {
	let uploads = 0;
	const names = await readdir(dir).catch(() => [] as string[]);
	for (const id of names.filter((n) => IMPORT_UPLOAD_ID.test(n))) {
		const times = await Promise.all(
			[id, `${id}.json`].map((n) =>
				stat(path.join(dir, n)).then(
					(s) => s.mtimeMs,
					() => 0
				)
			)
		);
		if (now - Math.max(...times) > maxAgeMs) {
			await dropUpload(id, dir);
			uploads++;
		}
	}
	// a large commit's rows still beside the table (a crash while they were moved) move now
	await settleImports(db);
	return { uploads, staged: await dropStaleStages(db, maxAgeMs) };
}

/** The sweep at start and then every hour, for the life of the process. The way to stop it. */
export function watchStaleImports(
	db: Kysely<DB>,
	dir: string,
	maxAgeMs: number,
	log: (m: string) => void = (m) => console.log(`[tongan] ${m}`)
): () => void {
	const sweep = () =>
		sweepStaleImports(db, dir, maxAgeMs)
			.then((r) => {
				if (r.uploads || r.staged)
					log(`imports never committed removed: ${r.uploads} uploads, ${r.staged} staged rows`);
			})
			.catch((e) => log(`removing old imports failed: ${(e as Error).message}`));
	void sweep();
	const timer = setInterval(() => void sweep(), IMPORT_SWEEP_MS);
	timer.unref?.();
	return () => clearInterval(timer);
}
