// `npm run db:migrate`: apply pending migrations to DATABASE_URL or the embedded data dir.
import path from 'node:path';
import { readEnv } from '../env';
import { openPglite, openPostgres } from './engine';
import { migrate } from './migrate';

const cfg = readEnv();
const d = cfg.databaseUrl
	? await openPostgres(cfg.databaseUrl)
	: await openPglite({ dataDir: cfg.dataDir, projectRoot: cfg.projectRoot });
try {
	const applied = await migrate(d.db, path.join(cfg.projectRoot, 'migrations'), (m) =>
		console.log(m)
	);
	console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
} finally {
	await d.close();
}
