// The four analysis cases side by side: the app's in-memory analyses (worker thread), the
// plain PostGIS queries on the same engine, naive Turf over all pairs on a sample
// (extrapolated), and the floor (one great-circle distance per residence).
import { distance, lineString, point, pointToLineDistance } from '@turf/turf';
import type { Database } from '../../src/lib/server/db/engine';
import { createAnalysis, type Analysis } from '../../src/lib/server/analysis';
import * as plain from '../../tests/support/analysis-reference';
import { readSnapshot } from '../../src/lib/server/repositories/analysis-snapshot';
import type { SnapshotPayload } from '../../src/lib/server/analysis/messages';
import { floorPass } from './floor.mjs';
import {
	residencesFromWkbParts,
	shapesFromWkb
} from '../../src/lib/server/analysis/kernel/wkb.mjs';
import { Worker } from 'node:worker_threads';
import { ROOT } from './app';
import { median, medianOf, round, timed } from './stats';

export const CASES = [
	'exposure_incomplete500',
	'per_segment500',
	'uncovered1km',
	'nearest_segment'
] as const;
export type CaseName = (typeof CASES)[number];

export interface CaseMetrics {
	app_ms: number;
	postgis_plain_ms: number;
	turf_naive_ms: number;
	floor_ms: number;
	app_runs_ms: number[];
	postgis_runs_ms: number[];
	turf_sample: number;
	/** equal: null when plain PostGIS was not run (--skip-sql), so nothing was compared */
	answers: {
		app: unknown;
		postgis: unknown;
		equal: boolean | null;
		turf_sample_equal: boolean | null;
	};
}

export interface AnalysisBench {
	counts: Record<string, number>;
	metrics: Record<CaseName, CaseMetrics>;
	snapshot: { read_ms: number; index_ms: number };
	/** kept alive (data loaded) for the busy-server measurement */
	analysis: Analysis;
}

const PREFIX = '42';
/** untimed runs before each timed series: the floor and every app case alike */
export const WARMUP = 2;

/** The bench's floor worker (floor-worker.mjs), holding the snapshot the app's worker holds. */
let floorWorker: Worker | undefined;

/** Start the floor worker on a snapshot payload (replacing any earlier one). */
export async function loadFloorWorker(payload: SnapshotPayload): Promise<void> {
	await floorWorker?.terminate();
	const w = new Worker(new URL('./floor-worker.mjs', import.meta.url));
	w.unref();
	floorWorker = w;
	await floorRequest({ type: 'load', payload });
}

function floorRequest(msg: unknown): Promise<{ type: string; ms: number; residences: number }> {
	const w = floorWorker;
	if (!w) return Promise.reject(new Error('floor worker not loaded'));
	return new Promise((resolve, reject) => {
		const done = (m: { type: string; message?: string; ms: number; residences: number }) => {
			w.off('error', reject);
			if (m.type === 'error') reject(new Error(m.message));
			else resolve(m);
		};
		w.once('message', done);
		w.once('error', reject);
		w.postMessage(msg);
	});
}

/**
 * The floor where the app's analyses run (a worker thread at the analysis worker's priority,
 * on the same snapshot), timed inside the worker so that only the pass itself counts: one
 * distance per residence, or per point the four-item rule reads. Warmed up like every app
 * case, then the median of at least nine.
 */
export async function workerFloor(
	points: 'residences' | 'rule',
	runs: number
): Promise<{ ms: number; points: number }> {
	const pass = () => floorRequest({ type: 'pass', points });
	for (let i = 0; i < WARMUP; i++) await pass();
	const all: { ms: number; residences: number }[] = [];
	for (let i = 0; i < Math.max(9, runs); i++) all.push(await pass());
	return { ms: median(all.map((r) => r.ms)), points: all[0].residences };
}

export async function benchAnalyses(
	d: Database,
	opts: { runs: number; sqlRuns: number; turfPairs: number; skipSql: boolean },
	log: (m: string) => void
): Promise<AnalysisBench> {
	const db = d.db;
	const analysis = createAnalysis(db, { projectRoot: ROOT, checkEveryMs: 3_600_000 });
	const load = await timed(() => analysis.refresh());
	log(
		`snapshot loaded in ${round(load.ms, 0)} ms (read ${round(analysis.lastLoad!.readMs, 0)} ms, decode+index ${round(analysis.lastLoad!.indexMs, 0)} ms)`
	);

	// the same data in this process, for the floor and the Turf sample
	const snap = await readSnapshot(db);
	const res = residencesFromWkbParts(snap.residences ?? []);
	const segs = shapesFromWkb(snap.segments, snap.segmentFlags);
	const facs = shapesFromWkb(snap.facilities);
	const n = res.id.length;
	const counts = {
		residences: n,
		segments: segs.id.length,
		incomplete_segments: segs.flag.reduce((a, b) => a + b, 0),
		facilities: facs.id.length
	};
	log(`counts ${JSON.stringify(counts)}`);

	// the floor runs where the app's analyses run (the worker thread, same priority), timed
	// inside the worker so that only the pass itself counts; warmed up like every app case
	await loadFloorWorker(snap);
	const floor = await workerFloor('residences', opts.runs);
	const floorHere = await medianOf(5, () => floorPass(res, 0, n), WARMUP);
	log(
		`floor: ${round(floor.ms, 2)} ms for ${n} distances in the worker (${round(floorHere.ms, 2)} ms on the main thread)`
	);

	// Turf: all pairs for a sample of residences spread over the province
	const lines = Array.from({ length: segs.id.length }, (_, i) => {
		const c: [number, number][] = [];
		for (let v = segs.start[i]; v < segs.start[i + 1]; v++) c.push([segs.x[v], segs.y[v]]);
		return c.length === 1 ? point(c[0]) : lineString(c);
	});
	const facPoints = Array.from({ length: facs.id.length }, (_, i) =>
		point([facs.x[facs.start[i]], facs.y[facs.start[i]]])
	);
	const sampleOf = (pairsPer: number) => {
		const k = Math.max(3, Math.min(n, Math.round(opts.turfPairs / Math.max(1, pairsPer))));
		return Array.from({ length: k }, (_, j) => Math.floor(((j + 0.5) * n) / k));
	};
	const segDist = (p: ReturnType<typeof point>, i: number) => {
		const l = lines[i];
		return l.geometry.type === 'Point'
			? distance(p, l as ReturnType<typeof point>, { units: 'meters' })
			: pointToLineDistance(p, l as ReturnType<typeof lineString>, {
					units: 'meters',
					method: 'geodesic'
				});
	};
	const turf = {
		exposure_incomplete500: (sample: number[]) =>
			sample.map((q) => {
				const p = point([res.lon[q], res.lat[q]]);
				let near = false;
				for (let i = 0; i < lines.length; i++)
					if (segs.flag[i] && segDist(p, i) <= 500) near = true;
				return near ? res.id[q] : -1;
			}),
		per_segment500: (sample: number[]) =>
			sample.map((q) => {
				const p = point([res.lon[q], res.lat[q]]);
				let k = 0;
				for (let i = 0; i < lines.length; i++) if (segDist(p, i) <= 500) k++;
				return k;
			}),
		uncovered1km: (sample: number[]) =>
			sample.map((q) => {
				const p = point([res.lon[q], res.lat[q]]);
				let near = false;
				for (const f of facPoints) if (distance(p, f, { units: 'meters' }) <= 1000) near = true;
				return near ? -1 : res.id[q];
			}),
		nearest_segment: (sample: number[]) =>
			sample.map((q) => {
				const p = point([res.lon[q], res.lat[q]]);
				let best = Infinity;
				for (let i = 0; i < lines.length; i++) best = Math.min(best, segDist(p, i));
				return best;
			})
	};

	const metrics = {} as Record<CaseName, CaseMetrics>;
	for (const c of CASES) {
		log(`case ${c}…`);
		const app = await medianOf<unknown>(
			opts.runs,
			() => {
				switch (c) {
					case 'exposure_incomplete500':
						return analysis.exposureIncomplete(PREFIX);
					case 'per_segment500':
						return analysis.perSegment(PREFIX);
					case 'uncovered1km':
						return analysis.uncovered(PREFIX);
					case 'nearest_segment':
						return analysis.nearestSegment(PREFIX);
				}
			},
			WARMUP
		);
		const v = app.value as Record<string, unknown>;
		const appAnswer =
			c === 'per_segment500'
				? {
						segments: v.segments,
						total: v.total,
						nonzero: Array.from(v.counts as Int32Array).filter((x) => x > 0).length
					}
				: c === 'nearest_segment'
					? { n: v.residences, sum_m: round(v.sumMeters as number, 0) }
					: { n: v.count };
		log(`  app ${round(app.ms)} ms ${JSON.stringify(appAnswer)}`);

		let pg = { ms: NaN, all: [] as number[], value: null as unknown };
		if (!opts.skipSql) {
			pg = await medianOf(opts.sqlRuns, async () => {
				switch (c) {
					case 'exposure_incomplete500':
						return { n: await plain.plainExposureCount(db, PREFIX) };
					case 'per_segment500':
						return plain.plainPerSegmentSummary(db, PREFIX);
					case 'uncovered1km':
						return { n: await plain.plainUncoveredCount(db, PREFIX) };
					case 'nearest_segment': {
						const s = await plain.plainNearestSummary(db, PREFIX);
						return { n: s.n, sum_m: round(Number(s.sum_m), 0) };
					}
				}
			});
			log(`  postgis ${round(pg.ms)} ms ${JSON.stringify(pg.value)}`);
		}
		const equal = opts.skipSql
			? null
			: c === 'nearest_segment'
				? (pg.value as { n: number }).n === appAnswer.n &&
					// PostGIS's sphere is the WGS84 mean radius (2a + b) / 3 = 6,371,008.771 m, Turf's
					// and ours 6,371,008.8 m: 4.5e-9 apart, i.e. metres on a sum of 10^8–10^9 m
					Math.abs(
						(pg.value as { sum_m: number }).sum_m - (appAnswer as { sum_m: number }).sum_m
					) <=
						1 + 1e-8 * (appAnswer as { sum_m: number }).sum_m
				: JSON.stringify(pg.value) === JSON.stringify(appAnswer);

		// Turf on a sample, extrapolated to every residence
		const perResidence = c === 'uncovered1km' ? facPoints.length : lines.length;
		const sample = sampleOf(perResidence);
		const t = await timed(() => turf[c](sample));
		const turfMs = (t.ms * n) / sample.length;
		let turfEqual: boolean | null = null;
		if (c === 'exposure_incomplete500' || c === 'uncovered1km') {
			const ids = new Set(Array.from((v.ids as Float64Array) ?? []));
			turfEqual = t.value.every((id, j) => id >= 0 === ids.has(res.id[sample[j]]));
		} else if (c === 'nearest_segment') {
			const byId = new Map<number, number>();
			const ids = v.ids as Float64Array;
			const dist = v.distances as Float64Array;
			for (let i = 0; i < ids.length; i++) byId.set(ids[i], dist[i]);
			turfEqual = t.value.every(
				(dm, j) => Math.abs(dm - (byId.get(res.id[sample[j]]) ?? NaN)) < 0.01
			);
		}
		log(
			`  turf ${round(turfMs, 0)} ms (sample ${sample.length}, ${round(t.ms, 0)} ms)${turfEqual === null ? '' : turfEqual ? ' agrees' : ' DISAGREES'}`
		);
		metrics[c] = {
			app_ms: round(app.ms),
			postgis_plain_ms: round(pg.ms),
			turf_naive_ms: round(turfMs, 0),
			floor_ms: round(floor.ms, 2),
			app_runs_ms: app.all.map((x) => round(x)),
			postgis_runs_ms: pg.all.map((x) => round(x)),
			turf_sample: sample.length,
			answers: { app: appAnswer, postgis: pg.value, equal, turf_sample_equal: turfEqual }
		};
	}
	// the floor again, now that the load's garbage is long collected: right after a load it read
	// up to 1.5× higher in some runs. The lower of the two counts (the stricter ratio).
	const again = await workerFloor('residences', opts.runs);
	log(`floor again after the cases: ${round(again.ms, 2)} ms`);
	if (again.ms < floor.ms) for (const c of CASES) metrics[c].floor_ms = round(again.ms, 2);
	return {
		counts,
		metrics,
		snapshot: {
			read_ms: round(analysis.lastLoad!.readMs, 0),
			index_ms: round(analysis.lastLoad!.indexMs, 0)
		},
		analysis
	};
}
