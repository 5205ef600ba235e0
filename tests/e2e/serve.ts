// Starts the built app for the e2e suite on a private copy of the prepared fixture database
// (embedded engine), exactly as `npm start` runs it. Builds first if there is no build.
import { spawn, spawnSync } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePgliteTemplate, ROOT, FIXTURE_AREA } from '../support/template';
import { writeFixtureBasemap } from '../support/basemap-fixture';
import { E2E_BASEMAP } from './basemap-file';
import { writeOverdueFixture } from './overdue-fixture';

const port = process.argv[2] ?? '4317';
if (!existsSync(path.join(ROOT, 'build/index.js')) || process.env.E2E_REBUILD === '1') {
	const r = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
const template = await ensurePgliteTemplate();
const dataDir = path.join(os.tmpdir(), `tongan-e2e-${process.pid}`);
await rm(dataDir, { recursive: true, force: true });
await cp(template, dataDir, { recursive: true });
// overdue hazards, which no journey through the app can make (escalation.spec.ts)
await writeOverdueFixture(dataDir);
process.env.E2E_DATA_DIR = dataDir;
// a small vector basemap of the fixture county, built here (the tests read the same file)
await writeFixtureBasemap(E2E_BASEMAP);

// no ORIGIN: the app must work over plain http as `npm run demo` starts it
const app = spawn(process.execPath, ['src/serve.mjs'], {
	cwd: ROOT,
	stdio: 'inherit',
	env: {
		...process.env,
		PORT: port,
		HOST: '127.0.0.1',
		ORIGIN: '',
		PROTOCOL_HEADER: '',
		DATA_DIR: dataDir,
		// the photos of target checks, beside the copied database and gone with it
		UPLOAD_DIR: `${dataDir}-uploads`,
		SEED_AREA: FIXTURE_AREA,
		DATABASE_URL: '',
		BASEMAP_PMTILES: E2E_BASEMAP
	}
});
const stop = () => app.kill('SIGTERM');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// if the test runner goes away without a signal reaching us, do not leave the app running
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) stop();
}, 1000).unref();
app.on('exit', async (code) => {
	await rm(dataDir, { recursive: true, force: true });
	await rm(`${dataDir}-uploads`, { recursive: true, force: true });
	await rm(E2E_BASEMAP, { force: true });
	process.exit(code ?? 0);
});
