// The layers the lint enforces (eslint.config.js, issue 11): a change that crosses one fails
// `npm run lint`. Each case is linted as if it were a file at that path.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({
	cwd: process.cwd(),
	// the layer rules need no type information; the files named here do not exist
	overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
	ruleFilter: ({ ruleId }) =>
		ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax'
});

async function problems(filePath: string, code: string): Promise<string[]> {
	const [r] = await eslint.lintText(code, { filePath });
	return r.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layers (lint)', () => {
	it.each([
		[
			'a route importing a repository',
			'src/routes/probe/+server.ts',
			"import { findUnit } from '$lib/server/repositories/areas';\nexport const x = findUnit;\n"
		],
		[
			'a route writing SQL',
			'src/routes/probe/+page.server.ts',
			"import { sql } from 'kysely';\nexport const x = sql`SELECT 1`;\n"
		],
		[
			'a service writing SQL',
			'src/lib/server/services/probe.ts',
			"import { sql } from 'kysely';\nexport const x = sql`SELECT 1`;\n"
		],
		[
			'a service building a query',
			'src/lib/server/services/probe.ts',
			"import type { Kysely } from 'kysely';\nimport type { DB } from '../db/schema';\nexport const f = (db: Kysely<DB>) => db.selectFrom('users').selectAll().execute();\n"
		],
		[
			'tiles building a query',
			'src/lib/server/tiles/probe.ts',
			"import type { Kysely } from 'kysely';\nimport type { DB } from '../db/schema';\nexport const f = (db: Kysely<DB>) => db.updateTable('users').set({ active: false }).execute();\n"
		],
		[
			'a repository importing a service',
			'src/lib/server/repositories/probe.ts',
			"import { tile } from '../services/map';\nexport const x = tile;\n"
		],
		[
			'server code importing a component',
			'src/lib/server/probe.ts',
			"import Count from '$lib/components/Count.svelte';\nexport const x = Count;\n"
		],
		[
			'a route module importing the component kept beside it',
			'src/routes/probe/+page.server.ts',
			"import Probe from './Probe.svelte';\nexport const x = Probe;\n"
		],
		[
			'a component importing maplibre-gl',
			'src/lib/components/Probe.svelte',
			'<script lang="ts">\n\timport maplibregl from \'maplibre-gl\';\n\tconsole.log(maplibregl);\n</script>\n'
		]
	])('fails %s', async (_what, filePath, code) => {
		expect(await problems(filePath, code)).not.toEqual([]);
	});

	it.each([
		[
			'a repository writing SQL',
			'src/lib/server/repositories/probe.ts',
			"import { sql } from 'kysely';\nexport const x = sql`SELECT 1`;\n"
		],
		[
			'a route calling a service',
			'src/routes/probe/+server.ts',
			"import { findUnit } from '$lib/server/services/areas';\nexport const x = findUnit;\n"
		],
		[
			'the map importing maplibre-gl',
			'src/lib/map/probe.ts',
			"import maplibregl from 'maplibre-gl';\nexport const x = maplibregl;\n"
		]
	])('passes %s', async (_what, filePath, code) => {
		expect(await problems(filePath, code)).toEqual([]);
	});
});
