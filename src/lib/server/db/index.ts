// The app's one database handle: opened on first use, migrated, and (embedded demo) seeded.
import path from 'node:path';
import { env, type AppEnv } from '../env';
import { openPglite, openPostgres, type Database } from './engine';
import { migrate } from './migrate';
import { seedAdminUnitsIfEmpty, seedDemo, seededArea } from '../seed';
import { hasUsers, seedDemoUsers, seedFirstAdmin } from '../seed/users';
import { seedDemoCampaign } from '../seed/campaign';
import { passwordProblem } from '../auth/password';
import { explainError } from './preflight';

export { DatabaseSetupError } from './preflight';

let opening: Promise<Database> | undefined;

export async function openAndPrepare(
	cfg: AppEnv,
	log: (msg: string) => void = (m) => console.log(`[tongan] ${m}`)
): Promise<Database> {
	const t0 = performance.now();
	const database = cfg.databaseUrl
		? await openPostgres(cfg.databaseUrl)
		: await openPglite({ dataDir: cfg.dataDir, projectRoot: cfg.projectRoot, onProgress: log });
	log(`database: ${database.engine}${database.engine === 'pglite' ? ` (${cfg.dataDir})` : ''}`);
	try {
		await migrate(database.db, path.join(cfg.projectRoot, 'migrations'), log);
	} catch (e) {
		await database.close().catch(() => {});
		throw cfg.databaseUrl ? explainError(e, cfg.databaseUrl) : e;
	}
	if (cfg.seedDemo) {
		const seeded = await seededArea(database.db);
		if (seeded === null) {
			log(`seeding demo data for area ${cfg.seedArea} (first start only)…`);
			await seedDemo(database.db, cfg.projectRoot, cfg.seedArea, log);
		} else if (seeded !== cfg.seedArea) {
			log(`note: database holds demo area ${seeded}; SEED_AREA=${cfg.seedArea} is ignored`);
		}
	} else await seedAdminUnitsIfEmpty(database.db, cfg.projectRoot, log);
	if (!(await hasUsers(database.db))) {
		if (cfg.demoAccounts) {
			if (database.engine === 'postgres')
				log(
					'警告 warning: DEMO_ACCOUNTS=1 — creating the demo accounts, whose password is published in the README, on a PostgreSQL server. Use this only for a demo server; change or remove them before any real use.'
				);
			await seedDemoUsers(database.db, log);
			// with the accounts, not with the data: a database prepared ahead of its first start
			// (the test templates) has its users already and so gets no campaign here
			if (cfg.seedDemo) await seedDemoCampaign(database.db, log);
		} else if (cfg.adminUsername && cfg.adminPassword) {
			const problem = passwordProblem(cfg.adminPassword, cfg.adminUsername);
			if (problem)
				throw new Error(
					`ADMIN_PASSWORD is not acceptable (${problem}): at least 10 characters of three kinds`
				);
			await seedFirstAdmin(database.db, cfg.adminUsername, cfg.adminPassword, '420000000000', log);
		} else {
			log(
				'warning: no users yet — set ADMIN_USERNAME and ADMIN_PASSWORD to create the first administrator'
			);
			if (cfg.seedDemo && database.engine === 'postgres')
				log(
					'note: SEED_DEMO seeds the demo data only; on PostgreSQL the demo accounts need DEMO_ACCOUNTS=1 as well'
				);
		}
	}
	log(`database ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	return database;
}

export function database(): Promise<Database> {
	opening ??= openAndPrepare(env());
	return opening;
}

export async function closeDatabase(): Promise<void> {
	if (!opening) return;
	const d = await opening;
	opening = undefined;
	await d.close();
}
