// `npm run db:migrate`: apply pending migrations to DATABASE_URL or the embedded data dir.
// Optional: the app applies them itself at start; this is for migrating ahead of a start.
import path from 'node:path';
import { readEnv } from '../env';
import { openPglite, openPostgres } from './engine';
import { migrate } from './migrate';
import { DatabaseSetupError, explainError } from './preflight';

const cfg = readEnv();
try {
	const d = cfg.databaseUrl
		? await openPostgres(cfg.databaseUrl)
		: await openPglite({ dataDir: cfg.dataDir, projectRoot: cfg.projectRoot });
	try {
		const applied = await migrate(d.db, path.join(cfg.projectRoot, 'migrations'), (m) =>
			console.log(m)
		);
		console.log(
			applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date'
		);
	} finally {
		await d.close();
	}
} catch (e) {
	const err = cfg.databaseUrl ? explainError(e, cfg.databaseUrl) : e;
	if (!(err instanceof DatabaseSetupError)) throw err;
	console.error(err.message);
	process.exit(1);
}
