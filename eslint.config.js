import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// The layers (issue 11, item 1): routes → services → repositories → db. SQL (kysely's `sql` and
// the query builder on a database handle) is written only in src/lib/server/db and
// src/lib/server/repositories; only src/lib/map draws with maplibre-gl; server code never
// imports a component. ESLint's flat config gives a file the options of the last block that
// matches it, so each block below states every restriction for its files in full.
// route modules that run on the server (pages and components cannot import $lib/server at all)
const ROUTES = ['src/routes/**/+*server.ts'];
const SERVER = ['src/lib/server/**', 'src/hooks.server.ts', ...ROUTES];
const SERVICES = ['src/lib/server/services/**'];
const REPOSITORIES = ['src/lib/server/repositories/**'];
const DB = ['src/lib/server/db/**'];
const MAP = ['src/lib/map/**'];
/**
 * The one place allowed to write SQL outside the repositories: the seed loads the whole
 * province's demo data in a few set-based bulk statements of its own (a loader run once on an
 * empty database, not a use case); its users and audit entries go through the repositories.
 */
const SQL_OUTSIDE_REPOSITORIES = ['src/lib/server/seed/**'];

const maplibre = {
	name: 'maplibre-gl',
	message: 'Only src/lib/map draws the map: import maplibre-gl there.'
};
const components = {
	group: [
		'$lib/components',
		'$lib/components/*',
		'**/lib/components/*',
		'**/components/*',
		// a component kept beside its route
		'**/*.svelte'
	],
	message: 'Server code never imports a component: move what it needs to $lib/domain or $lib/i18n.'
};
const sqlImport = {
	name: 'kysely',
	importNames: ['sql'],
	message: 'SQL lives in src/lib/server/repositories (or db): add a repository function.'
};
const repositories = {
	group: ['$lib/server/repositories/*', '**/server/repositories/*', '**/repositories/*'],
	message: 'Routes reach the data through a service ($lib/server/services), never a repository.'
};
const dbInternals = {
	group: ['$lib/server/db/*', '**/server/db/*'],
	message: 'Routes take a database handle from $lib/server/db and pass it to a service.'
};
const upwards = {
	group: ['$lib/server/services/*', '**/server/services/*', '**/services/*', '**/routes/*'],
	message: 'Repositories and db are below the services: they never import one.'
};
const queryBuilding = {
	selector:
		'CallExpression > MemberExpression.callee > Identifier.property[name=/^(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)$/]',
	message: 'Query building lives in src/lib/server/repositories (or db): add a repository function.'
};

function restrict(paths, patterns) {
	return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const layers = [
	{ files: ['src/**/*.ts', 'src/**/*.svelte'], ignores: MAP, rules: restrict([maplibre], []) },
	{
		files: SERVER,
		rules: {
			...restrict([maplibre, sqlImport], [components]),
			'no-restricted-syntax': ['error', queryBuilding]
		}
	},
	{
		files: ROUTES,
		rules: {
			...restrict([maplibre, sqlImport], [repositories, dbInternals, components]),
			'no-restricted-syntax': ['error', queryBuilding]
		}
	},
	{
		files: SERVICES,
		rules: restrict([maplibre, sqlImport], [components])
	},
	{
		// the SQL layers: `sql` and the builder are theirs; nothing above them is imported
		files: [...REPOSITORIES, ...DB],
		rules: { ...restrict([maplibre], [components, upwards]), 'no-restricted-syntax': 'off' }
	},
	{
		files: SQL_OUTSIDE_REPOSITORIES,
		rules: { ...restrict([maplibre], [components]), 'no-restricted-syntax': 'off' }
	}
];

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// the app is served at the root (no `paths.base`), and most navigations only change the
			// query string of the current page, which resolve() does not model
			'svelte/no-navigation-without-resolve': 'off',
			// TypeScript itself reports undefined names (and knows ambient types like GeoJSON)
			'no-undef': 'off'
		}
	},
	...layers,
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'geodata/.cache/',
			'geodata/dist/',
			'bench/results/',
			'bench/.data/',
			'test-results/',
			'playwright-report/'
		]
	}
);
