// A server process that dies in the middle of an import: run by tests/integration/imports.test.ts
// through vite-node, it opens the test database, starts committing a file, prints MID once the
// first batch is written inside the open transaction, and then hangs until it is killed.
import { readFileSync } from 'node:fs';
import { openPglite, openPostgres } from '../../src/lib/server/db/engine';
import { commitImport, prepareImport } from '../../src/lib/server/services/imports';
import type { Principal } from '../../src/lib/server/auth/policy';

const [engine, target, principalJson, file] = process.argv.slice(2);
const root = new URL('../..', import.meta.url).pathname;
const d =
	engine === 'pglite'
		? await openPglite({ dataDir: target, projectRoot: root })
		: await openPostgres(target, 2);
const who = JSON.parse(principalJson) as Principal;
const bytes = new Uint8Array(readFileSync(file));
const p = await prepareImport(
	d.db,
	who,
	{ name: 'homes.csv', bytes },
	{
		kind: 'children_homes',
		encoding: 'auto',
		crs: 'wgs84',
		swap: false,
		mapping: null
	}
);
await commitImport(d.db, who, p, p.sha256, { ip: null, userAgent: 'crash-test' }, (phase, done) => {
	if (phase !== 'write' || done === 0) return;
	process.stdout.write('MID\n');
	// hold the transaction open, the first batch written, until the test kills this process
	const until = Date.now() + 120_000;
	while (Date.now() < until) {
		/* busy: no event loop turn, so no COMMIT can be sent */
	}
});
process.stdout.write('FINISHED\n');
