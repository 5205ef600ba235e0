// Maximal coverage siting (MCLP): choose k new sites among candidates so that the weight of
// demand within `radius` metres of a site (new or already there) is largest. Demand is a set of
// weighted points (for the planning page: released grid cells, see services/planning.ts);
// distances are great-circle metres on the sphere, as everywhere in the engine.
//
// Greedy with lazy evaluation (CELF, Leskovec et al. 2007): coverage is submodular, so a
// candidate's gain can only shrink as sites are added, and a gain computed in an earlier round
// is an upper bound; only the top of the queue is recomputed. Greedy is within 1 − 1/e of the
// optimum; a swap pass (drop one chosen site, add the best other candidate, while the total
// grows) then closes most of what is left on real instances. tests/unit/coverage.test.ts holds
// it to brute force and tests/integration/planning.test.ts to HiGHS's exact MIP answer.
import { haversineMeters, M_PER_DEG } from './sphere.mjs';

/**
 * @typedef {{ lon: ArrayLike<number>, lat: ArrayLike<number> }} LonLat
 * @typedef {LonLat & { w: ArrayLike<number> }} Demand
 * @typedef {{ start: Int32Array, idx: Int32Array }} CoverSets CSR: site j covers demand
 *   idx[start[j]..start[j+1]-1]
 */

/** Degrees per bucket of the demand index (≈ 1.1 km of latitude). */
const BUCKET_DEG = 0.01;

/**
 * A bucket index over demand points: cell → the points in it, so a site looks only at the
 * buckets its radius can reach.
 * @param {LonLat} d
 */
function bucketIndex(d) {
	const n = d.lon.length;
	/** @type {Map<number, number[]>} */
	const cells = new Map();
	for (let i = 0; i < n; i++) {
		const key = Math.floor(d.lat[i] / BUCKET_DEG) * 100000 + Math.floor(d.lon[i] / BUCKET_DEG);
		const list = cells.get(key);
		if (list) list.push(i);
		else cells.set(key, [i]);
	}
	return cells;
}

/**
 * For every site, the demand points within `radius` metres (great-circle), as CSR arrays.
 * @param {LonLat} demand @param {LonLat} sites @param {number} radius
 * @returns {CoverSets}
 */
export function coverSets(demand, sites, radius) {
	const cells = bucketIndex(demand);
	const m = sites.lon.length;
	const start = new Int32Array(m + 1);
	/** @type {number[]} */
	const idx = [];
	for (let j = 0; j < m; j++) {
		start[j] = idx.length;
		const lon = sites.lon[j];
		const lat = sites.lat[j];
		// a box that certainly holds the circle: the radius in degrees of latitude, and of
		// longitude at the circle's edge nearest the pole
		const dLat = radius / M_PER_DEG + 1e-9;
		const edgeLat = Math.min(89, Math.abs(lat) + dLat);
		const dLon = dLat / Math.cos((edgeLat * Math.PI) / 180);
		const r0 = Math.floor((lat - dLat) / BUCKET_DEG);
		const r1 = Math.floor((lat + dLat) / BUCKET_DEG);
		const c0 = Math.floor((lon - dLon) / BUCKET_DEG);
		const c1 = Math.floor((lon + dLon) / BUCKET_DEG);
		const found = [];
		for (let r = r0; r <= r1; r++)
			for (let c = c0; c <= c1; c++) {
				const list = cells.get(r * 100000 + c);
				if (!list) continue;
				for (const i of list)
					if (haversineMeters(lon, lat, demand.lon[i], demand.lat[i]) <= radius) found.push(i);
			}
		// ascending, so that every answer is the same whatever the bucket order
		found.sort((a, b) => a - b);
		for (const i of found) idx.push(i);
	}
	start[m] = idx.length;
	return { start, idx: Int32Array.from(idx) };
}

/**
 * The weight of the demand within `radius` of at least one of the sites, and which points those
 * are (1 = covered).
 * @param {Demand} demand @param {LonLat} sites @param {number} radius
 */
export function coveredWeight(demand, sites, radius) {
	const sets = coverSets(demand, sites, radius);
	const covered = new Uint8Array(demand.lon.length);
	for (let k = 0; k < sets.idx.length; k++) covered[sets.idx[k]] = 1;
	let weight = 0;
	for (let i = 0; i < covered.length; i++) if (covered[i]) weight += demand.w[i];
	return { weight, covered };
}

/**
 * A max-heap of candidates by (gain, then lower index first), for CELF.
 */
class GainHeap {
	constructor() {
		/** @type {number[]} */
		this.gain = [];
		/** @type {number[]} */
		this.site = [];
		/** @type {number[]} */
		this.round = [];
	}
	get size() {
		return this.gain.length;
	}
	/** @param {number} a @param {number} b */
	above(a, b) {
		return (
			this.gain[a] > this.gain[b] || (this.gain[a] === this.gain[b] && this.site[a] < this.site[b])
		);
	}
	/** @param {number} a @param {number} b */
	swap(a, b) {
		for (const arr of [this.gain, this.site, this.round]) {
			const t = arr[a];
			arr[a] = arr[b];
			arr[b] = t;
		}
	}
	/** @param {number} gain @param {number} site @param {number} round */
	push(gain, site, round) {
		this.gain.push(gain);
		this.site.push(site);
		this.round.push(round);
		let i = this.gain.length - 1;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (!this.above(i, p)) break;
			this.swap(i, p);
			i = p;
		}
	}
	pop() {
		const top = { gain: this.gain[0], site: this.site[0], round: this.round[0] };
		const last = this.gain.length - 1;
		this.swap(0, last);
		this.gain.pop();
		this.site.pop();
		this.round.pop();
		let i = 0;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let best = i;
			if (l < this.gain.length && this.above(l, best)) best = l;
			if (r < this.gain.length && this.above(r, best)) best = r;
			if (best === i) break;
			this.swap(i, best);
			i = best;
		}
		return top;
	}
}

/**
 * @param {CoverSets} sets @param {number} j @param {Int32Array} count how many chosen or fixed
 *   sites cover each demand point @param {ArrayLike<number>} w
 */
function gainOf(sets, j, count, w) {
	let g = 0;
	for (let k = sets.start[j]; k < sets.start[j + 1]; k++) {
		const d = sets.idx[k];
		if (count[d] === 0) g += w[d];
	}
	return g;
}

/** @param {CoverSets} sets @param {number} j @param {Int32Array} count @param {number} by */
function addSite(sets, j, count, by) {
	for (let k = sets.start[j]; k < sets.start[j + 1]; k++) count[sets.idx[k]] += by;
}

/**
 * Greedy with lazy evaluation: up to k candidates in the order chosen, each with its marginal
 * gain. Stops early when no candidate adds anything.
 * @param {CoverSets} sets @param {Int32Array} count (updated) @param {ArrayLike<number>} w
 * @param {number} k @param {Uint8Array} [banned] candidates not to choose
 */
export function lazyGreedy(sets, count, w, k, banned) {
	const m = sets.start.length - 1;
	const heap = new GainHeap();
	let evaluations = 0;
	for (let j = 0; j < m; j++) {
		if (banned?.[j]) continue;
		evaluations++;
		const g = gainOf(sets, j, count, w);
		if (g > 0) heap.push(g, j, 0);
	}
	/** @type {number[]} */
	const chosen = [];
	/** @type {number[]} */
	const gains = [];
	while (chosen.length < k && heap.size > 0) {
		const top = heap.pop();
		if (top.round === chosen.length) {
			// its gain is current: by submodularity nothing below can beat it
			chosen.push(top.site);
			gains.push(top.gain);
			addSite(sets, top.site, count, 1);
			continue;
		}
		evaluations++;
		const g = gainOf(sets, top.site, count, w);
		if (g > 0) heap.push(g, top.site, chosen.length);
	}
	return { chosen, gains, evaluations };
}

/**
 * Swap improvement: while some chosen site i and unchosen candidate j exist such that
 * replacing i by j covers more, make the best such swap for the first i that has one.
 * @param {CoverSets} sets @param {Int32Array} count (updated) @param {ArrayLike<number>} w
 * @param {number[]} chosen (updated) @param {number} maxSwaps
 */
export function swapImprove(sets, count, w, chosen, maxSwaps) {
	const m = sets.start.length - 1;
	const inSet = new Uint8Array(m);
	for (const j of chosen) inSet[j] = 1;
	const onlyI = new Uint8Array(count.length);
	let swaps = 0;
	let improved = true;
	while (improved && swaps < maxSwaps) {
		improved = false;
		for (let a = 0; a < chosen.length && !improved; a++) {
			const i = chosen[a];
			// what dropping i loses: the demand only i covers
			let loss = 0;
			for (let k = sets.start[i]; k < sets.start[i + 1]; k++) {
				const d = sets.idx[k];
				if (count[d] === 1) {
					onlyI[d] = 1;
					loss += w[d];
				}
			}
			let best = -1;
			let bestDelta = 0;
			for (let j = 0; j < m; j++) {
				if (inSet[j]) continue;
				let g = 0;
				for (let k = sets.start[j]; k < sets.start[j + 1]; k++) {
					const d = sets.idx[k];
					if (count[d] === 0 || onlyI[d] === 1) g += w[d];
				}
				if (g - loss > bestDelta) {
					bestDelta = g - loss;
					best = j;
				}
			}
			for (let k = sets.start[i]; k < sets.start[i + 1]; k++) onlyI[sets.idx[k]] = 0;
			if (best >= 0) {
				addSite(sets, i, count, -1);
				addSite(sets, best, count, 1);
				inSet[i] = 0;
				inSet[best] = 1;
				chosen[a] = best;
				swaps++;
				improved = true;
			}
		}
	}
	return swaps;
}

/**
 * Choose up to k new sites among the candidates, with the fixed sites already there.
 *
 * Returns the chosen candidates (indices) in greedy order over the final set, each with its
 * marginal gain in that order (they add up to the new sites' total gain); the weight the fixed
 * sites already cover; the greedy curve (covered weight after 1..k greedy picks, before swaps);
 * and how many swaps improved on greedy.
 * @param {{ demand: Demand, candidates: LonLat, fixed: LonLat, radius: number, k: number,
 *   swap?: boolean, maxSwaps?: number }} input
 */
export function solveSiting(input) {
	const { demand, candidates, fixed, radius, k } = input;
	const n = demand.lon.length;
	const count = new Int32Array(n);
	const fixedSets = coverSets(demand, fixed, radius);
	for (let t = 0; t < fixedSets.idx.length; t++) count[fixedSets.idx[t]] = 1;
	let base = 0;
	let all = 0;
	for (let i = 0; i < n; i++) {
		all += demand.w[i];
		if (count[i] > 0) base += demand.w[i];
	}
	// what fixed sites cover counts once: the candidates see it as covered
	const sets = coverSets(demand, candidates, radius);
	const greedy = lazyGreedy(sets, count, demand.w, k);
	const curve = [];
	let acc = base;
	for (const g of greedy.gains) curve.push((acc += g));
	const greedyGain = acc - base;
	const chosen = greedy.chosen.slice();
	const swaps =
		input.swap === false || chosen.length === 0
			? 0
			: swapImprove(sets, count, demand.w, chosen, input.maxSwaps ?? 10 * Math.max(1, k));
	// the final set in greedy order, so each site's gain is what it adds after those before it
	const order = new Int32Array(n);
	for (let t = 0; t < fixedSets.idx.length; t++) order[fixedSets.idx[t]] = 1;
	const banned = new Uint8Array(sets.start.length - 1).fill(1);
	for (const j of chosen) banned[j] = 0;
	const ordered = lazyGreedy(sets, order, demand.w, chosen.length, banned);
	let gain = 0;
	for (const g of ordered.gains) gain += g;
	return {
		chosen: ordered.chosen,
		gains: ordered.gains,
		base,
		total: base + gain,
		all,
		greedyTotal: base + greedyGain,
		curve,
		swaps,
		evaluations: greedy.evaluations
	};
}
