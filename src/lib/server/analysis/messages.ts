// The analysis worker's wire, typed once: what the app thread (index.ts) posts to the worker
// thread (analysis-worker.mjs, cases.mjs) and what comes back. Types only: the worker names
// them in JSDoc, nothing imports this file at run time.

/** One snapshot of what the analyses need, as read by repositories/analysis-snapshot.ts. */
export interface SnapshotPayload {
	/**
	 * one WKB collection per prefecture, in code order (together: sorted by village code, id);
	 * null when kept (see `kept`)
	 */
	residences: (Uint8Array | null)[] | null;
	/** per prefecture as `residences`: the children's record keys, comma-separated, same order */
	residenceKeys: string[];
	segments: Uint8Array | null;
	/**
	 * one '0'/'1' per segment, in segment order: 1 = the four items are not all present; empty
	 * when kept
	 */
	segmentFlags: string;
	facilities: Uint8Array | null;
	/**
	 * Parts the worker keeps from its current snapshot (their fields here are empty): unchanged
	 * since it was loaded (repositories/analysis-snapshot.ts, SNAPSHOT_PARTS).
	 */
	kept?: ('residences' | 'segments' | 'flags' | 'facilities' | 'rulePoints')[];
	/**
	 * What else makes a segment need the four items (village centres, schools, kindergartens,
	 * open children's homes, Sunshine Stations): z = id, m = the kind's number in
	 * RULE_KIND_ORDER. Children are the residences.
	 */
	rulePoints: Uint8Array | null;
	/** how many rule kinds there are, and the children's number among them */
	ruleKinds: number;
	childrenKind: number;
}

export type CaseName =
	| 'exposure_incomplete'
	| 'per_segment'
	| 'uncovered'
	| 'nearest_segment'
	| 'segment_rule'
	| 'nearest_to_points'
	| 'siting';

/**
 * A siting question (kernel/coverage.mjs): weighted demand points, candidate and fixed sites.
 * Carried in the job itself: it needs no snapshot (the demand is released cells, never
 * residences).
 */
export interface SitingInput {
	demand: { lon: number[]; lat: number[]; w: number[] };
	candidates: { lon: number[]; lat: number[] };
	fixed: { lon: number[]; lat: number[] };
	radius: number;
	k: number;
}

export interface SitingOutput {
	/** candidate indexes in the order chosen, each with what it adds after those before it */
	chosen: number[];
	gains: number[];
	/** demand weight the fixed sites cover, and with the new ones */
	base: number;
	total: number;
	all: number;
	/** greedy alone: its total, and covered weight after 1..k picks */
	greedyTotal: number;
	curve: number[];
	swaps: number;
	evaluations: number;
}

/** One analysis to run on the loaded snapshot. */
export interface AnalysisJob {
	case: CaseName;
	prefix: string;
	radiusMeters?: number;
	groupLength?: number;
	siting?: SitingInput;
	/** for nearest_to_points: the points asked about, in any order */
	points?: { lon: number[]; lat: number[] };
}

export interface LoadCounts {
	residences: number;
	segments: number;
	facilities: number;
}

/** App thread → worker. */
export type ToWorker =
	| { type: 'load'; version: string; payload: SnapshotPayload }
	| { type: 'run'; seq: number; job: AnalysisJob };

/** Worker → app thread. */
export type FromWorker =
	| { type: 'loaded'; version: string; ms: number; counts: LoadCounts }
	| { type: 'result'; seq: number; ms: number; result: unknown }
	| { type: 'error'; seq?: number; message: string };
