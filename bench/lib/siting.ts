// The planning (siting) cases of issue 13 on the province (read only):
//   coverage_3reaches — children within 500 m, 1 km and 2 km of a usable home (open, ≥ 30 m²)
//                       or a Sunshine Station, the whole province, on the residences: the
//                       planning kernel's one pass (coverageByReach, what the planning page
//                       runs on released cells), against the floor (one great-circle distance
//                       per residence, bench/lib/floor.mjs) in the same thread; beside it the
//                       analysis engine's uncovered case called once per reach
//   siting_k50_pref   — k = 50 new sites at 1 km for a prefecture (荆州市, prefecture.admin)
//   siting_k100_prov  — k = 100 new sites at 1 km for the province (province.admin)
// Each siting case is timed as the kernel's solve alone and as the planner's whole request
// (runSiting: released cells, candidates, existing sites, the solve in the analysis worker).
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/engine';
import type { Analysis } from '../../src/lib/server/analysis';
import { planningBase, runSiting } from '../../src/lib/server/services/planning';
import { closeAnalysis } from '../../src/lib/server/services/exposure';
import { coverageByReach, solveSiting } from '../../src/lib/server/analysis/kernel/coverage.mjs';
import { REACHES } from '../../src/lib/domain/planning';
import { principalOf } from '../../tests/support/template';
import { floorPass } from './floor.mjs';
import { medianOf, round } from './stats';
import { WARMUP } from './analyses';

export interface SitingCase {
	name: string;
	ms: number;
	runs_ms: number[];
	/** what it is held to: the floor (a ratio) or a time */
	target: { kind: 'floor'; times: number; floor_ms: number } | { kind: 'ms'; ms: number } | null;
	note: string;
}

export interface SitingBench {
	residences: number;
	sites: number;
	covered: number[];
	cases: SitingCase[];
}

/** Warmed up like every app case, then the median of `runs` (rounded to 0.1 ms). */
async function timedRuns<T>(runs: number, f: () => Promise<T> | T) {
	const r = await medianOf(runs, f, WARMUP);
	return { ms: round(r.ms), runs: r.all.map((x) => round(x)), value: r.value };
}

/** @param analysis the engine with the snapshot loaded (the full run's), or none: one is not made */
export async function benchSiting(
	d: Database,
	opts: { runs: number; analysis?: Analysis },
	log: (m: string) => void
): Promise<SitingBench> {
	const db = d.db;
	const runs = Math.max(3, opts.runs);
	const cases: SitingCase[] = [];

	const res = await sql<{ lon: number; lat: number }>`
		SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children
		WHERE village_code LIKE '42%' ORDER BY village_code, id`.execute(db);
	const n = res.rows.length;
	const people = {
		lon: Float64Array.from(res.rows, (r) => r.lon),
		lat: Float64Array.from(res.rows, (r) => r.lat),
		w: new Float64Array(n).fill(1)
	};
	const sites = await sql<{ lon: number; lat: number }>`
		SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM children_homes WHERE status = 'open' AND area_m2 >= 30
		UNION ALL SELECT ST_X(geom), ST_Y(geom) FROM sunshine_stations`.execute(db);
	const fixed = {
		lon: Float64Array.from(sites.rows, (s) => s.lon),
		lat: Float64Array.from(sites.rows, (s) => s.lat)
	};
	const floor = await timedRuns(Math.max(9, runs), () => floorPass(people, 0, n));
	const cov = await timedRuns(runs, () => coverageByReach(people, fixed, REACHES).weight);
	log(
		`siting: ${n} residences, ${fixed.lon.length} usable homes and stations; covered at ${REACHES.join(' / ')} m: ${cov.value.join(' / ')}`
	);
	cases.push({
		name: 'coverage_3reaches',
		ms: cov.ms,
		runs_ms: cov.runs,
		target: { kind: 'floor', times: 5, floor_ms: floor.ms },
		note: `one pass, ${REACHES.join(' / ')} m`
	});
	if (opts.analysis) {
		const a = opts.analysis;
		const engine = await timedRuns(runs, async () => {
			const out: number[] = [];
			for (const r of REACHES) out.push(n - (await a.uncovered('42', r)).count);
			return out;
		});
		const same = engine.value.join() === cov.value.join();
		cases.push({
			name: 'coverage_3reaches engine',
			ms: engine.ms,
			runs_ms: engine.runs,
			target: { kind: 'floor', times: 5, floor_ms: floor.ms },
			note: `beside: the engine's uncovered, once per reach (same answer: ${same ? 'yes' : 'NO'})`
		});
	}

	try {
		for (const [name, user, k] of [
			['siting_k50_pref', 'prefecture.admin', 50],
			['siting_k100_prov', 'province.admin', 100]
		] as const) {
			const who = await principalOf(db as never, user);
			const base = await planningBase(db, who);
			const input = {
				demand: {
					lon: base.cells.map((c) => c.lon),
					lat: base.cells.map((c) => c.lat),
					w: base.cells.map((c) => c.n)
				},
				candidates: {
					lon: base.candidates.map((c) => c.lon),
					lat: base.candidates.map((c) => c.lat)
				},
				fixed: { lon: base.fixed.map((f) => f.lon), lat: base.fixed.map((f) => f.lat) },
				radius: 1000,
				k
			};
			const solve = await timedRuns(runs, () => solveSiting(input));
			const whole = await timedRuns(runs, () => runSiting(db, who, { k, radiusM: 1000 }));
			const w = whole.value;
			const note = `${base.cells.length} released cells, ${base.candidates.length} candidates, ${base.fixed.length} existing; +${w.total - w.base} children (greedy ${w.greedyTotal - w.base}, ${w.swaps} swaps)`;
			log(`${name}: ${note}`);
			cases.push({
				name: `${name} solve`,
				ms: solve.ms,
				runs_ms: solve.runs,
				target: null,
				note: 'the kernel alone'
			});
			cases.push({
				name: `${name} request`,
				ms: whole.ms,
				runs_ms: whole.runs,
				target: { kind: 'ms', ms: k === 50 ? 1000 : 5000 },
				note
			});
		}
	} finally {
		await closeAnalysis();
	}
	return { residences: n, sites: fixed.lon.length, covered: cov.value, cases };
}

export function printSiting(s: SitingBench): void {
	console.log(
		`\nsiting (issue 13; ${s.residences} residences, ${s.sites} usable homes and stations):`
	);
	console.log(
		`  ${'case'.padEnd(28)}${'ms'.padStart(9)}  ${'target'.padEnd(22)}${'measured'.padEnd(18)}  note`
	);
	for (const c of s.cases) {
		let target = '–';
		let measured = '';
		if (c.target?.kind === 'floor') {
			target = `≤ ${c.target.times}× floor (${c.target.floor_ms} ms)`;
			const x = c.ms / c.target.floor_ms;
			measured = `${round(x, 2)}× ${x <= c.target.times ? 'met' : 'MISSED'}`;
		} else if (c.target?.kind === 'ms') {
			target = `< ${c.target.ms} ms`;
			measured = `${round(c.ms / c.target.ms, 2)}× ${c.ms < c.target.ms ? 'met' : 'MISSED'}`;
		}
		console.log(
			`  ${c.name.padEnd(28)}${String(c.ms).padStart(9)}  ${target.padEnd(22)}${measured.padEnd(18)}  ${c.note}`
		);
	}
}
