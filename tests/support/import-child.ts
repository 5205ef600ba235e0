// A server process that dies in the middle of an import: run by tests/integration/imports.test.ts
// (and imports-shadow.test.ts) through vite-node, it opens the test database and commits a file.
// `hang` (the default): it prints MID once the first rows are written, and then hangs until it is
// killed. `go`: it prints COMMITTED once the commit has answered, and goes on with what follows
// a commit (the moves of a large import) until it is killed. Optional: the import kind, and the
// large-file path's size and slice (services/imports.ts, SHADOW).
import { readFileSync } from 'node:fs';
import { openPglite, openPostgres } from '../../src/lib/server/db/engine';
import { commitImport, prepareImport, SHADOW } from '../../src/lib/server/services/imports';
import type { Principal } from '../../src/lib/server/auth/policy';
import type { ImportKind } from '../../src/lib/import/kinds';

const [engine, target, principalJson, file, kind, mode, fromRows, sliceRows] =
	process.argv.slice(2);
if (fromRows) SHADOW.fromRows = Number(fromRows);
if (sliceRows) SHADOW.sliceRows = Number(sliceRows);
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
	{ name: 'import.csv', bytes },
	{
		kind: (kind as ImportKind | undefined) ?? 'children_homes',
		encoding: 'auto',
		crs: 'wgs84',
		swap: false,
		mapping: null
	}
);
await commitImport(d.db, who, p, p.sha256, { ip: null, userAgent: 'crash-test' }, (phase, done) => {
	if (mode === 'go' || phase !== 'write' || done === 0) return;
	process.stdout.write('MID\n');
	// hold the commit where it is, the first rows written, until the test kills this process
	const until = Date.now() + 120_000;
	while (Date.now() < until) {
		/* busy: no event loop turn, so no further statement (nor COMMIT) can be sent */
	}
});
process.stdout.write(mode === 'go' ? 'COMMITTED\n' : 'FINISHED\n');
if (mode === 'go') await new Promise((r) => setTimeout(r, 120_000));
