// Province-scale analyses, answered from memory in a worker thread:
//   exposureIncomplete — residences within 500 m of a segment whose four items are incomplete
//   perSegment         — residences within 500 m of each segment
//   uncovered          — residences farther than 1 km from every usable children's home
//                        (open, ≥ 30 m²) and Sunshine Station
//   nearestSegment     — every residence's distance to its nearest segment
//   segmentRule        — the four-item rule's measurements for every segment in a jurisdiction:
//                        per kind (children, village centres, schools, …) how many lie within
//                        the distance, and the nearest of them all
// Same answers as PostGIS geography with use_spheroid = false (great-circle metres on the
// sphere); tests/integration/analysis.test.ts holds them to it on both engines.
//
// Scope: residences are those whose village code starts with the jurisdiction prefix; hazards
// (segments) and facilities count wherever they are, because a child across a county line
// still walks to the neighbour's pond. perSegment lists the segments inside the prefix.
//
// Freshness: the snapshot is reloaded when the data version changes (checked at most every
// `checkEveryMs`) or after invalidate(). The load is a few short reads of compact binary values
// (one per prefecture for the residences); the worker decodes and indexes them, so the request
// thread only moves bytes.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	analysisDataVersion,
	readSnapshot,
	snapshotPartVersions,
	SNAPSHOT_PARTS,
	type PartVersions,
	type SnapshotPart
} from '../repositories/analysis-snapshot';
import type {
	AnalysisJob,
	CaseName,
	FromWorker,
	LoadCounts,
	SitingInput,
	SitingOutput,
	SnapshotPayload,
	ToWorker
} from './messages';

export interface ExposureResult {
	/** residences in scope */
	residences: number;
	count: number;
	/** ids of the residences (children.id) counted, ordered by village code then id */
	ids: Float64Array;
	/** with `groupLength`: per unit (the first groupLength digits of the village code) */
	groups?: {
		codes: Float64Array;
		residences: Int32Array;
		count: Int32Array;
		/** per unit, the sum of the counted children's record keys (domain/disclosure.ts) */
		keySum: Float64Array;
	};
}

export interface PerSegmentResult {
	residences: number;
	segments: number;
	/** sum of the per-segment counts (a residence near two segments counts twice) */
	total: number;
	segmentIds: Float64Array;
	counts: Int32Array;
	/** per segment, the sum of the record keys of the children counted (domain/disclosure.ts) */
	keySums: Float64Array;
}

export interface NearestResult {
	residences: number;
	ids: Float64Array;
	distances: Float64Array;
	segmentIds: Float64Array;
	sumMeters: number;
}

export interface SegmentRuleResult {
	/** the snapshot's data version: the answer holds for the data as it was then */
	version: string;
	segmentIds: Float64Array;
	/** per segment, one count per kind (numbered as in RULE_KIND_ORDER) */
	count: Int32Array;
	nearest: Float64Array;
	/** kind number of the nearest, -1 when nothing is within the distance */
	nearestKind: Int8Array;
}

export interface AnalysisOptions {
	projectRoot?: string;
	/** how often (ms) a call may re-read the data version; 0 = every call */
	checkEveryMs?: number;
	log?: (message: string) => void;
}

export interface LoadInfo {
	version: string;
	/** the parts not read again: the worker kept them (empty for a whole load) */
	kept: SnapshotPart[];
	readMs: number;
	indexMs: number;
	counts: LoadCounts;
}

const ALL_PARTS = Object.keys(SNAPSHOT_PARTS) as SnapshotPart[];

/** The parts of the snapshot each case reads (cases.mjs). */
const NEEDS: Record<CaseName, readonly SnapshotPart[]> = {
	exposure_incomplete: ['residences', 'segments', 'flags'],
	per_segment: ['residences', 'segments'],
	uncovered: ['residences', 'facilities'],
	nearest_segment: ['residences', 'segments'],
	segment_rule: ['residences', 'segments', 'rulePoints'],
	nearest_to_points: ['segments'],
	siting: []
};

/** A reload under way: what it reads again, once known, and its end. */
interface Reload {
	/** settled once `rereading` is known (or the reload ended without reading) */
	known: Promise<void>;
	done: Promise<void>;
	rereading: ReadonlySet<SnapshotPart> | undefined;
}

function workerPath(projectRoot: string): string {
	const candidates = [
		path.join(path.dirname(fileURLToPath(import.meta.url)), 'analysis-worker.mjs'),
		path.join(projectRoot, 'src/lib/server/analysis/analysis-worker.mjs')
	];
	const found = candidates.find((c) => existsSync(c));
	if (!found) throw new Error(`analysis worker not found (looked in ${candidates.join(', ')})`);
	return found;
}

function checkPrefix(prefix: string): void {
	if (!/^\d{2,12}$/.test(prefix)) throw new Error(`bad jurisdiction prefix "${prefix}"`);
}

export class Analysis {
	private worker: Worker | undefined;
	private seq = 1;
	private pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();
	private loadWaiter: { resolve: (r: FromWorker) => void; reject: (e: Error) => void } | undefined;
	private version: string | undefined;
	private checkedAt = 0;
	/** the reload under way, if any */
	private reload: Reload | undefined;
	private stale = true;
	/** the costly parts' versions in the loaded snapshot (unset when the worker holds none) */
	private parts: PartVersions | undefined;
	lastLoad: LoadInfo | undefined;

	constructor(
		private readonly db: Kysely<DB>,
		private readonly opts: AnalysisOptions = {}
	) {}

	private start(): Worker {
		if (this.worker) return this.worker;
		const root = this.opts.projectRoot ?? process.env.TONGAN_ROOT ?? process.cwd();
		const w = new Worker(workerPath(root));
		w.unref();
		w.on('message', (m: FromWorker) => {
			if (m.type === 'loaded') this.loadWaiter?.resolve(m);
			else if (m.type === 'result') {
				this.pending.get(m.seq)?.resolve(m.result);
				this.pending.delete(m.seq);
			} else if (m.seq !== undefined && this.pending.has(m.seq)) {
				this.pending.get(m.seq)?.reject(new Error(m.message));
				this.pending.delete(m.seq);
			} else this.loadWaiter?.reject(new Error(m.message));
		});
		w.on('error', (e) => this.fail(e));
		w.on('exit', (code) => this.fail(new Error(`analysis worker exited (${code})`)));
		this.worker = w;
		return w;
	}

	private fail(e: Error): void {
		for (const p of this.pending.values()) p.reject(e);
		this.pending.clear();
		this.loadWaiter?.reject(e);
		this.loadWaiter = undefined;
		this.worker = undefined;
		this.stale = true;
		this.parts = undefined;
	}

	/** The version of the loaded snapshot; undefined when none is loaded or it is stale. */
	loadedVersion(): string | undefined {
		return this.stale ? undefined : this.version;
	}

	/** Mark the snapshot stale: the next analysis reloads it. */
	invalidate(): void {
		this.stale = true;
	}

	/**
	 * After the data changed: check the version now (not at the next due time) and reload if
	 * it moved, so that the next question finds the snapshot ready. Only for a snapshot that was
	 * loaded before: an engine nobody has asked yet stays unloaded.
	 */
	async refreshNow(): Promise<void> {
		if (!this.lastLoad) return;
		this.checkedAt = 0;
		await this.refresh();
	}

	/** Once no reload is under way (a caller may have gone on before the last one ended). */
	async settled(): Promise<void> {
		while (this.reload) await this.reload.done.catch(() => {});
	}

	/**
	 * Whether a job that reads `needs` can be answered now from the snapshot the worker holds,
	 * while a reload is under way: the reload reads other parts only, so the held ones are the
	 * data as it is. After a children's import a campaign's nearest water, say, does not wait
	 * for 600,000 residences to be read again.
	 */
	private heldAnswers(needs: readonly SnapshotPart[]): boolean {
		const rereading = this.reload?.rereading;
		return !!rereading && !!this.worker && needs.every((p) => !rereading.has(p));
	}

	/**
	 * Load (or reload) the snapshot if it is stale or the data changed. `needs`: the parts the
	 * caller's job reads; while a reload reads only other parts, the caller goes on at once.
	 */
	async refresh(needs: readonly SnapshotPart[] = ALL_PARTS): Promise<void> {
		if (this.reload) {
			await this.reload.known;
			if (this.heldAnswers(needs)) return;
			while (this.reload) await this.reload.done;
		}
		const due = Date.now() - this.checkedAt >= (this.opts.checkEveryMs ?? 2000);
		if (!this.stale && !due) return;
		let known = () => {};
		const reload: Reload = {
			known: new Promise<void>((r) => (known = r)),
			done: Promise.resolve(),
			rereading: undefined
		};
		reload.done = this.reloadNow(reload, known).finally(() => {
			known();
			if (this.reload === reload) this.reload = undefined;
		});
		// a caller that goes on before the end does not see a failure; later callers do
		reload.done.catch(() => {});
		this.reload = reload;
		await reload.known;
		if (this.heldAnswers(needs)) return;
		await reload.done;
	}

	private async reloadNow(reload: Reload, known: () => void): Promise<void> {
		const fp = await analysisDataVersion(this.db);
		this.checkedAt = Date.now();
		if (!this.stale && fp === this.version) return;
		// read again only what changed: after a four-item check, the segments' flags; after a
		// children's import, the residences (each re-read holds the embedded engine's one
		// session, and every other user's page with it)
		const parts = await snapshotPartVersions(this.db);
		const held = !this.stale && this.worker ? this.parts : undefined;
		let kept = held ? ALL_PARTS.filter((k) => parts[k] === held[k]) : [];
		// the flags are one per segment: new segments come with their own
		if (!kept.includes('segments')) kept = kept.filter((k) => k !== 'flags');
		reload.rereading = new Set(ALL_PARTS.filter((k) => !kept.includes(k)));
		known();
		let readMs = 0;
		const read = async (keep: SnapshotPart[]) => {
			const t0 = performance.now();
			const payload = await readSnapshot(this.db, new Set(keep));
			readMs = performance.now() - t0;
			return payload;
		};
		const reply = await this.load(fp, await read(kept)).catch(async (e: unknown) => {
			// what the worker held did not fit (say, the segments' number moved without a noted
			// change): read it all
			if (!kept.length || !this.worker) throw e;
			kept = [];
			reload.rereading = new Set(ALL_PARTS);
			return this.load(fp, await read(kept));
		});
		if (reply.type !== 'loaded') throw new Error('analysis worker did not load');
		this.version = fp;
		this.parts = parts;
		this.stale = false;
		this.lastLoad = { version: fp, kept, readMs, indexMs: reply.ms, counts: reply.counts };
		this.opts.log?.(
			`analysis snapshot: ${reply.counts.residences} residences, ${reply.counts.segments} segments, ` +
				`${reply.counts.facilities} facilities (read ${readMs.toFixed(0)} ms, index ${reply.ms.toFixed(0)} ms` +
				`${kept.length ? `; kept ${kept.join(', ')}` : ''})`
		);
	}

	private load(version: string, payload: SnapshotPayload): Promise<FromWorker> {
		const w = this.start();
		return new Promise<FromWorker>((resolve, reject) => {
			this.loadWaiter = { resolve, reject };
			// copies, not transfers: pg may hand out slices of a shared buffer
			w.postMessage({ type: 'load', version, payload } satisfies ToWorker);
		}).finally(() => {
			this.loadWaiter = undefined;
		});
	}

	/** Run one job on the current snapshot without checking freshness. */
	private async runLoaded<T>(job: AnalysisJob): Promise<T> {
		const w = this.start();
		const seq = this.seq++;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
			w.postMessage({ type: 'run', seq, job } satisfies ToWorker);
		});
	}

	private async run<T>(job: AnalysisJob): Promise<T> {
		checkPrefix(job.prefix);
		await this.refresh(NEEDS[job.case]);
		return this.runLoaded<T>(job);
	}

	exposureIncomplete(
		prefix: string,
		radiusMeters = 500,
		groupLength?: number
	): Promise<ExposureResult> {
		return this.run({ case: 'exposure_incomplete', prefix, radiusMeters, groupLength });
	}

	perSegment(prefix: string, radiusMeters = 500): Promise<PerSegmentResult> {
		return this.run({ case: 'per_segment', prefix, radiusMeters });
	}

	uncovered(prefix: string, radiusMeters = 1000, groupLength?: number): Promise<ExposureResult> {
		return this.run({ case: 'uncovered', prefix, radiusMeters, groupLength });
	}

	nearestSegment(prefix: string): Promise<NearestResult> {
		return this.run({ case: 'nearest_segment', prefix });
	}

	/**
	 * The distance from each of `points` to its nearest segment (Infinity when there is none),
	 * and that segment's id, in the order given. Points anywhere: no prefix applies.
	 */
	nearestSegmentTo(
		points: {
			lon: number[];
			lat: number[];
		},
		/**
		 * `checked`: the caller has just refreshed, so ask the snapshot loaded now without checking
		 * the data's version again. Such a check reads the database, and a caller holding the
		 * database meanwhile (a launch asks while its transaction writes, and on the embedded
		 * engine that transaction holds the one session) would wait on itself.
		 */
		opts: { checked?: boolean } = {}
	): Promise<{ distances: Float64Array; segmentIds: Float64Array }> {
		const job: AnalysisJob = { case: 'nearest_to_points', prefix: '42', points };
		return opts.checked ? this.runLoaded(job) : this.run(job);
	}

	async segmentRule(prefix: string, radiusMeters: number): Promise<SegmentRuleResult> {
		checkPrefix(prefix);
		await this.refresh(NEEDS.segment_rule);
		const version = this.version!;
		const r = await this.runLoaded<Omit<SegmentRuleResult, 'version'>>({
			case: 'segment_rule',
			prefix,
			radiusMeters
		});
		return { version, ...r };
	}

	/**
	 * Maximal-coverage siting (kernel/coverage.mjs) in the worker, so a province's k = 100 never
	 * blocks the request thread. Needs no snapshot: the input carries the demand.
	 */
	siting(input: SitingInput): Promise<SitingOutput> {
		return this.runLoaded<SitingOutput>({ case: 'siting', prefix: '42', siting: input });
	}

	async close(): Promise<void> {
		const w = this.worker;
		this.worker = undefined;
		if (w) {
			w.removeAllListeners('exit');
			await w.terminate();
		}
	}
}

export function createAnalysis(db: Kysely<DB>, opts?: AnalysisOptions): Analysis {
	return new Analysis(db, opts);
}
