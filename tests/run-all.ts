// `npm test`: every suite in one run — unit, integration on PGlite and (with TEST_DATABASE_URL)
// PostgreSQL + PostGIS, then e2e in Chromium against the built app — and one closing line
// "N passed, N failed". With CI=true a skipped test or a missing engine is a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'test-results');
mkdirSync(OUT, { recursive: true });
const CI = process.env.CI === 'true';

interface Tally {
	suite: string;
	passed: number;
	failed: number;
	skipped: number;
	exit: number;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): number {
	const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
	return r.status ?? 1;
}

function vitest(project: string): Tally {
	const file = path.join(OUT, `${project}.json`);
	rmSync(file, { force: true });
	const exit = run('npx', [
		'vitest',
		'run',
		'--project',
		project,
		'--reporter=default',
		'--reporter=json',
		`--outputFile=${file}`
	]);
	if (!existsSync(file))
		return { suite: project, passed: 0, failed: 1, skipped: 0, exit: exit || 1 };
	const j = JSON.parse(readFileSync(file, 'utf8')) as {
		numPassedTests: number;
		numFailedTests: number;
		numPendingTests: number;
		numTodoTests: number;
		testResults: { status: string; assertionResults: unknown[] }[];
	};
	// a file that fails to load has no tests but is a failure all the same; a file whose tests
	// failed is already counted by its tests
	const brokenFiles = j.testResults.filter(
		(f) => f.status === 'failed' && f.assertionResults.length === 0
	).length;
	return {
		suite: project,
		passed: j.numPassedTests,
		failed: j.numFailedTests + brokenFiles,
		skipped: j.numPendingTests + j.numTodoTests,
		exit
	};
}

function playwright(): Tally {
	const file = path.join(OUT, 'e2e.json');
	rmSync(file, { force: true });
	// a fresh build of the current source: the e2e suite tests what `npm start` serves
	const built = run('npx', ['vite', 'build', '--logLevel', 'warn']);
	if (built !== 0) return { suite: 'e2e', passed: 0, failed: 1, skipped: 0, exit: built };
	const exit = run('npx', ['playwright', 'test', '--reporter=list,json'], {
		PLAYWRIGHT_JSON_OUTPUT_NAME: file,
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1'
	});
	if (!existsSync(file)) return { suite: 'e2e', passed: 0, failed: 1, skipped: 0, exit: exit || 1 };
	const j = JSON.parse(readFileSync(file, 'utf8')) as {
		stats: { expected: number; unexpected: number; flaky: number; skipped: number };
		errors?: unknown[];
	};
	return {
		suite: 'e2e',
		passed: j.stats.expected + j.stats.flaky,
		failed: j.stats.unexpected + (j.errors?.length ?? 0),
		skipped: j.stats.skipped,
		exit
	};
}

if (CI && !process.env.TEST_DATABASE_URL) {
	console.error('CI=true requires TEST_DATABASE_URL so the PostgreSQL + PostGIS suites run');
	process.exit(1);
}
if (!process.env.TEST_DATABASE_URL) {
	console.warn('note: TEST_DATABASE_URL is unset — integration suites run on PGlite only');
}

const only = process.argv.slice(2);
const suites: (() => Tally)[] = [];
if (!only.length || only.includes('unit')) suites.push(() => vitest('unit'));
if (!only.length || only.includes('integration')) suites.push(() => vitest('integration'));
if (!only.length || only.includes('e2e')) suites.push(playwright);

const tallies = suites.map((s) => s());
console.log('\nsuite         passed  failed  skipped');
for (const t of tallies) {
	console.log(
		`${t.suite.padEnd(12)} ${String(t.passed).padStart(7)} ${String(t.failed).padStart(7)} ${String(t.skipped).padStart(8)}`
	);
}
const passed = tallies.reduce((a, t) => a + t.passed, 0);
let failed = tallies.reduce((a, t) => a + t.failed, 0);
const skipped = tallies.reduce((a, t) => a + t.skipped, 0);
for (const t of tallies) if (t.exit !== 0 && t.failed === 0) failed++; // a runner crash counts
if (CI && skipped > 0) {
	console.log(`${skipped} skipped test(s): with CI=true a skipped test is a failure`);
	failed += skipped;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
