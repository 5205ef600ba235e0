// `npx tsx bench/siting.ts [--engine pglite|postgres] [--runs 5]`: the siting kernel
// (analysis/kernel/coverage.mjs) against plain PostGIS on the demo county of the test fixture
// (洪湖市), on the released finest cells the planning page uses. Three cases:
//   cover_counts  — for every candidate, the released children within the reach (what greedy
//                   reads): the kernel's cover sets vs one PostGIS ST_DWithin join on geography
//   coverage      — children covered by the existing sites plus ten new ones (one what-if)
//   siting_k10    — the whole answer, k = 10 at 1 km (lazy greedy + swaps) vs HiGHS's exact MIP
//   whatif_browser — one what-if update (existing sites + ten, one dragged) as the page makes it:
//                   the app's client module (lib/geo/coverage.ts, Turf) in Chromium, vs one frame
// Prints each case's times and the ratio. Nothing is asserted; see README (Planning).
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, type EngineName } from '../tests/support/template';
import { planningBase } from '../src/lib/server/services/planning';
import {
	coverSets,
	coveredWeight,
	solveSiting
} from '../src/lib/server/analysis/kernel/coverage.mjs';
import { exactCoverage } from '../tests/support/mclp';
import { whatIfInBrowser } from './lib/browser';

const { values: args } = parseArgs({
	options: {
		engine: { type: 'string' },
		runs: { type: 'string', default: '5' },
		radius: { type: 'string', default: '1000' }
	}
});
const engine = (args.engine ??
	(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite')) as EngineName;
const runs = Number(args.runs);
const R = Number(args.radius);

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}
async function time<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
	const out: number[] = [];
	let value!: T;
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		value = await f();
		out.push(performance.now() - t0);
	}
	return { ms: median(out), value };
}

const d = await openTestDatabase(engine);
try {
	const who = await principalOf(d.db, 'planner');
	const base = await planningBase(d.db, who);
	const cells = base.cells;
	const cand = base.candidates;
	const demand = {
		lon: cells.map((c) => c.lon),
		lat: cells.map((c) => c.lat),
		w: cells.map((c) => c.n)
	};
	const candLL = { lon: cand.map((c) => c.lon), lat: cand.map((c) => c.lat) };
	const fixedLL = { lon: base.fixed.map((f) => f.lon), lat: base.fixed.map((f) => f.lat) };
	const arr = (xs: number[]) => sql`${xs}::float8[]`;
	console.log(
		`[bench] siting on ${engine}: ${cells.length} released cells, ${cand.length} candidates, ${base.fixed.length} existing sites, reach ${R} m, median of ${runs}`
	);
	const rows: [string, number, number, boolean][] = [];

	// cover counts per candidate
	const kCounts = await time(() => {
		const s = coverSets(demand, candLL, R);
		return cand.map((_, j) => {
			let n = 0;
			for (let k = s.start[j]; k < s.start[j + 1]; k++) n += demand.w[s.idx[k]];
			return n;
		});
	});
	const pCounts = await time(async () => {
		const r = await sql<{ j: number; n: number }>`
			WITH c AS (SELECT * FROM unnest(${arr(demand.lon)}, ${arr(demand.lat)}, ${arr(demand.w)}) AS t(lon, lat, n)),
			s AS (SELECT * FROM unnest(${arr(candLL.lon)}, ${arr(candLL.lat)}) WITH ORDINALITY AS t(lon, lat, j))
			SELECT s.j::int - 1 AS j, coalesce(sum(c.n), 0)::int AS n FROM s LEFT JOIN c
			ON ST_DWithin(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography,
				ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, ${R}, false)
			GROUP BY s.j ORDER BY s.j`.execute(d.db);
		return r.rows.map((x) => x.n);
	});
	rows.push([
		'cover_counts',
		kCounts.ms,
		pCounts.ms,
		JSON.stringify(kCounts.value) === JSON.stringify(pCounts.value)
	]);

	// one what-if: existing sites + ten new ones
	const solved = solveSiting({ demand, candidates: candLL, fixed: fixedLL, radius: R, k: 10 });
	const ten = {
		lon: [...fixedLL.lon, ...solved.chosen.map((j: number) => candLL.lon[j])],
		lat: [...fixedLL.lat, ...solved.chosen.map((j: number) => candLL.lat[j])]
	};
	const kCov = await time(() => coveredWeight(demand, ten, R).weight);
	const pCov = await time(async () => {
		const r = await sql<{ n: number }>`
			WITH c AS (SELECT * FROM unnest(${arr(demand.lon)}, ${arr(demand.lat)}, ${arr(demand.w)}) AS t(lon, lat, n)),
			s AS (SELECT * FROM unnest(${arr(ten.lon)}, ${arr(ten.lat)}) AS t(lon, lat))
			SELECT coalesce(sum(n), 0)::int AS n FROM c WHERE EXISTS (SELECT 1 FROM s WHERE
				ST_DWithin(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography,
				ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography, ${R}, false))`.execute(d.db);
		return r.rows[0].n;
	});
	rows.push(['coverage', kCov.ms, pCov.ms, kCov.value === pCov.value]);

	// the whole answer against the exact MIP
	const kSite = await time(() =>
		solveSiting({ demand, candidates: candLL, fixed: fixedLL, radius: R, k: 10 })
	);
	const sets = coverSets(demand, candLL, R);
	const covers = cand.map((_, j) =>
		Array.from(sets.idx.subarray(sets.start[j], sets.start[j + 1]))
	);
	const fixedCovered = coveredWeight(demand, fixedLL, R).covered;
	const mip = await time(() => exactCoverage({ covers, w: demand.w, fixedCovered, k: 10 }));
	rows.push(['siting_k10 (vs MIP)', kSite.ms, mip.ms, kSite.value.total === mip.value.total]);
	console.log(
		`[bench] siting_k10: greedy ${kSite.value.greedyTotal}, greedy + swap ${kSite.value.total}, optimum ${mip.value.total}, gap ${(((mip.value.total - kSite.value.total) / Math.max(1, mip.value.total - kSite.value.base)) * 100).toFixed(2)} %`
	);

	// one what-if update in the browser, against the 16.7 ms of a frame at 60 Hz
	const fixedNow = fixedLL.lon.map((lon, i) => [lon, fixedLL.lat[i]] as [number, number]);
	const sitesNow = solved.chosen.map(
		(j: number) => [candLL.lon[j], candLL.lat[j]] as [number, number]
	);
	const web = await whatIfInBrowser(cells, fixedNow, sitesNow, R, runs * 4);
	rows.push(['whatif_browser (vs frame)', web.medianMs, 1000 / 60, web.total === kCov.value]);
	console.log(
		`[bench] whatif_browser: median ${web.medianMs.toFixed(2)} ms, worst ${web.maxMs.toFixed(2)} ms of ${runs * 4} updates (${cells.length} cells, ${fixedNow.length} existing + ${sitesNow.length} new sites)`
	);

	const pad = (s: string, n: number) => s.padStart(n);
	console.log(
		`${'case'.padEnd(22)}${pad('kernel ms', 11)}${pad('reference ms', 14)}${pad('ratio', 9)}  same answer`
	);
	for (const [name, k, p, same] of rows)
		console.log(
			`${name.padEnd(22)}${pad(k.toFixed(2), 11)}${pad(p.toFixed(1), 14)}${pad((p / k).toFixed(0) + '×', 9)}  ${same}`
		);
} finally {
	await d.close();
}
