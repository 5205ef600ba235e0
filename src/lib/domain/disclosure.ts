// Statistical disclosure control for every count of children that leaves the server: the
// cell-key method (consistent perturbation) of the Australian Bureau of Statistics, also used
// for the UK's 2021 census.
//
// Why this method: the same children are counted at many levels and through many endpoints
// (villages, townships, counties, ten grid levels of the map, exposure figures, segment pages,
// exports). Suppressing small cells one table at a time cannot hold against sums and
// differences across all of them; perturbing every figure consistently can, and it needs no
// global solve per data version: a figure depends only on the records it counts.
//
// - Every child record has a fixed random record key (an integer in [0, KEY_MODULUS)).
// - A figure's cell key is the sum of its records' keys modulo KEY_MODULUS, scaled to [0, 1):
//   the same set of children always has the same cell key, so the same figure always gets the
//   same noise, and asking again (or through another endpoint) cannot average it away.
// - The noise comes from a perturbation table (ptable) indexed by the true count and the cell
//   key: at most ±MAX_DEVIATION, never below 1 for a non-zero count, and 0 stays 0.
// - Released figures need not add up: a total is perturbed in its own right, so subtracting
//   parts from a whole gives a noisy number, not the truth.
//
// An attacker who knows all this (the method is public) learns from a released value r only
// that the true count lies in trueCountRange(r). Where figures nest (a parent is the sum of its
// parts), the extreme noise ±MAX_DEVIATION is avoided whenever the parts would then pin the
// parent's value (releaseTree): see the README's privacy section for why this closes the
// "whole minus its parts" attack, and tests/integration/disclosure-audit.test.ts for the
// linear-programming auditor that checks it on what a planner and a river chief can fetch.

/** The largest difference between a released count and the true one. */
export const MAX_DEVIATION = 3;

/** Record keys are integers in [0, KEY_MODULUS); cell keys are sums modulo it. */
export const KEY_MODULUS = 1 << 20;

/** Noise weights for -3..+3 before truncation; symmetric, most weight on no change. */
const BASE_WEIGHTS = [0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05];

/** The cell key in [0, 1) of a set of records whose keys sum to `keySum`. */
export function cellKey(keySum: number): number {
	const m = keySum % KEY_MODULUS;
	return (m < 0 ? m + KEY_MODULUS : m) / KEY_MODULUS;
}

/** The ptable row of a true count: the possible noises and their cumulative probabilities. */
function ptableRow(count: number): { noise: number[]; cumulative: number[] } {
	const noise: number[] = [];
	const weights: number[] = [];
	for (let e = -MAX_DEVIATION; e <= MAX_DEVIATION; e++) {
		// a non-zero count is never released as 0 or less
		if (count + e < 1) continue;
		noise.push(e);
		weights.push(BASE_WEIGHTS[e + MAX_DEVIATION]);
	}
	const sum = weights.reduce((a, b) => a + b, 0);
	let acc = 0;
	const cumulative = weights.map((w) => (acc += w / sum));
	cumulative[cumulative.length - 1] = 1;
	return { noise, cumulative };
}

const rows = new Map<number, ReturnType<typeof ptableRow>>();

/** The ptable's noise for a true count and a cell key (before any nesting repair). */
export function ptableNoise(count: number, keySum: number): number {
	if (count <= 0) return 0;
	// rows differ only near 0: every count from 1 + MAX_DEVIATION up shares one
	const index = Math.min(count, 1 + MAX_DEVIATION);
	let row = rows.get(index);
	if (!row) rows.set(index, (row = ptableRow(index)));
	const u = cellKey(keySum);
	const i = row.cumulative.findIndex((c) => u < c);
	return row.noise[i < 0 ? row.noise.length - 1 : i];
}

/** A released count: 0 only for 0, otherwise within ±MAX_DEVIATION of the truth and ≥ 1. */
export function releaseCount(count: number, keySum: number): number {
	return count + ptableNoise(count, keySum);
}

/** What a released value says about the true count, for anyone who knows the method. */
export function trueCountRange(released: number): [number, number] {
	if (released <= 0) return [0, 0];
	return [Math.max(1, released - MAX_DEVIATION), released + MAX_DEVIATION];
}

/** A figure and the figures it is the exact sum of (its parts at the next finer level). */
export interface CountNode {
	count: number;
	keySum: number;
	parts?: CountNode[];
}

export interface ReleasedNode {
	released: number;
	/** an attacker's lower bound equals the truth (from the value itself or from its parts) */
	lowExact: boolean;
	/** an attacker's upper bound equals the truth */
	highExact: boolean;
}

/**
 * Release a figure that is the exact sum of parts already released, bottom-up. The ptable's
 * noise is kept, except at its two extremes where the parts would pin the figure: with noise
 * -D the attacker's upper bound (released + D) is the truth, which together with parts whose
 * lower bounds are all exact (singletons, or noise +D) fixes every value below; so -D becomes
 * -D+1 there, and +D becomes D-1 where all parts' upper bounds are exact. A figure with one
 * non-empty part of the same size counts the same children, so it takes that part's value: the
 * same set of children is never released as two numbers.
 */
export function releaseFromParts(
	count: number,
	keySum: number,
	parts: { count: number; result: ReleasedNode }[]
): ReleasedNode {
	if (count <= 0) return { released: 0, lowExact: true, highExact: true };
	const nonEmpty = parts.filter((p) => p.count > 0);
	if (nonEmpty.length === 1 && nonEmpty[0].count === count) return { ...nonEmpty[0].result };
	let e = ptableNoise(count, keySum);
	const partsLow = nonEmpty.length > 0 && nonEmpty.every((p) => p.result.lowExact);
	const partsHigh = nonEmpty.length > 0 && nonEmpty.every((p) => p.result.highExact);
	if (e === -MAX_DEVIATION && partsLow) e += 1;
	if (e === MAX_DEVIATION && partsHigh) e -= 1;
	return {
		released: count + e,
		lowExact: count === 1 || e === MAX_DEVIATION || partsLow,
		highExact: e === -MAX_DEVIATION || partsHigh
	};
}

/** releaseFromParts over a whole tree; `out` sees every node with its result. */
export function releaseTree(
	node: CountNode,
	out?: (n: CountNode, r: ReleasedNode) => void
): ReleasedNode {
	const parts = (node.parts ?? []).map((p) => ({ count: p.count, result: releaseTree(p, out) }));
	const r = releaseFromParts(node.count, node.keySum, parts);
	out?.(node, r);
	return r;
}

/** A share of released figures (0..1), or null without a whole; never above 1. */
export function releasedShare(part: number, whole: number): number | null {
	return whole > 0 ? Math.min(1, part / whole) : null;
}

/** Distances to children's homes, for roles without the audited exact-home view: a band. */
export type DistanceBand = 'under100' | '100to500' | 'over500';

export function distanceBand(distanceM: number): DistanceBand {
	return distanceM < 100 ? 'under100' : distanceM <= 500 ? '100to500' : 'over500';
}
