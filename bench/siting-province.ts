// `npx tsx bench/siting-province.ts --db postgres://…/tongan_bench_s1 [--runs 3]` (npm run
// bench:siting -- --province uses the same): the planning cases at province scale, on a bench
// province database already built by `npm run bench` (bench/lib/province.ts; read only here).
//   coverage_3reaches — children within 500 m, 1 km and 2 km of a usable home or station, for
//                       the whole province, on the residences (the kernel's coveredWeight), vs
//                       the floor: one great-circle distance per residence (bench/lib/floor.mjs)
//   siting_k50_pref   — k = 50 new sites at 1 km for a prefecture (荆州市), on its released cells
//   siting_k100_prov  — k = 100 new sites at 1 km for the province
// Each siting case is timed twice: the kernel's solve alone, and the planner's whole request
// (runSiting: released cells, candidates, existing sites, the solve in the analysis worker).
// Prints times and ratios; nothing is asserted (targets in bench/README.md).
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openPostgres } from '../src/lib/server/db/engine';
import { planningBase, runSiting } from '../src/lib/server/services/planning';
import { analysisFor, closeAnalysis } from '../src/lib/server/services/exposure';
import { coveredWeight, solveSiting } from '../src/lib/server/analysis/kernel/coverage.mjs';
import { floorPass } from './lib/floor.mjs';
import { principalOf } from '../tests/support/template';
import { REACHES } from '../src/lib/domain/planning';

const { values: args } = parseArgs({
	options: { db: { type: 'string' }, runs: { type: 'string', default: '3' } }
});
if (!args.db) throw new Error('--db postgres://…/tongan_bench_s1 (built by npm run bench)');
const runs = Number(args.runs);

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}
async function time<T>(f: () => Promise<T> | T, n = runs): Promise<{ ms: number; value: T }> {
	const out: number[] = [];
	let value!: T;
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		value = await f();
		out.push(performance.now() - t0);
	}
	return { ms: median(out), value };
}

const d = await openPostgres(args.db, 4);
try {
	const db = d.db;
	const rows: [string, number, number, string][] = [];

	// coverage at three reaches on every residence of the province, vs the floor
	const res = await sql<{ lon: number; lat: number }>`
		SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children`.execute(db);
	const n = res.rows.length;
	const people = {
		lon: Float64Array.from(res.rows, (r) => r.lon),
		lat: Float64Array.from(res.rows, (r) => r.lat),
		w: new Float64Array(n).fill(1)
	};
	const sites = await sql<{ lon: number; lat: number }>`
		SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM children_homes WHERE status = 'open' AND area_m2 >= 30
		UNION ALL SELECT ST_X(geom), ST_Y(geom) FROM sunshine_stations`.execute(db);
	const fixed = { lon: sites.rows.map((s) => s.lon), lat: sites.rows.map((s) => s.lat) };
	floorPass(people, 0, n);
	coveredWeight(people, fixed, 1000);
	const floor = await time(() => floorPass(people, 0, n), runs * 3);
	const cov = await time(() => REACHES.map((r) => coveredWeight(people, fixed, r).weight));
	console.log(
		`[bench] province: ${n} residences, ${fixed.lon.length} usable homes and stations; covered at ${REACHES.join(' / ')} m: ${cov.value.join(' / ')}`
	);
	rows.push([
		'coverage_3reaches kernel',
		cov.ms,
		floor.ms,
		`${(cov.ms / floor.ms).toFixed(1)}× floor`
	]);
	// the app's own province figure: the analysis engine's uncovered count (nearest-site index
	// per residence, in its worker), at each of the three reaches
	const a = analysisFor(db);
	await a.uncovered('42', 1000);
	await a.uncovered('42', 1000);
	const app = await time(async () => {
		const out: number[] = [];
		for (const r of REACHES) out.push((await a.uncovered('42', r)).count);
		return out;
	});
	console.log(
		`[bench] analysis engine: uncovered at ${REACHES.join(' / ')} m: ${app.value.join(' / ')}`
	);
	rows.push([
		'coverage_3reaches engine',
		app.ms,
		floor.ms,
		`${(app.ms / floor.ms).toFixed(1)}× floor (${(app.ms / 3 / floor.ms).toFixed(1)}× per reach)`
	]);

	for (const [name, user, k] of [
		['siting_k50_pref', 'prefecture.admin', 50],
		['siting_k100_prov', 'province.admin', 100]
	] as const) {
		const who = await principalOf(db as never, user);
		const base = await planningBase(db, who);
		const demand = {
			lon: base.cells.map((c) => c.lon),
			lat: base.cells.map((c) => c.lat),
			w: base.cells.map((c) => c.n)
		};
		const cand = {
			lon: base.candidates.map((c) => c.lon),
			lat: base.candidates.map((c) => c.lat)
		};
		const fx = { lon: base.fixed.map((f) => f.lon), lat: base.fixed.map((f) => f.lat) };
		const solve = await time(() =>
			solveSiting({ demand, candidates: cand, fixed: fx, radius: 1000, k })
		);
		await runSiting(db, who, { k, radiusM: 1000 });
		const whole = await time(() => runSiting(db, who, { k, radiusM: 1000 }));
		console.log(
			`[bench] ${name}: ${base.cells.length} released cells, ${base.candidates.length} candidates, ${base.fixed.length} existing; +${whole.value.total - whole.value.base} children (greedy ${whole.value.greedyTotal}, after ${whole.value.swaps} swaps ${whole.value.total})`
		);
		rows.push([`${name} solve`, solve.ms, NaN, '']);
		rows.push([`${name} request`, whole.ms, NaN, '']);
	}

	console.log(`${'case'.padEnd(30)}${'ms'.padStart(10)}${'floor ms'.padStart(12)}  ratio`);
	for (const [name, ms, ref, note] of rows)
		console.log(
			`${name.padEnd(30)}${ms.toFixed(1).padStart(10)}${(Number.isNaN(ref) ? '' : ref.toFixed(1)).padStart(12)}  ${note}`
		);
} finally {
	await closeAnalysis();
	await d.close();
}
