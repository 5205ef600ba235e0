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
import { buildPointGrid } from './grids.mjs';
import { DEG, haversineMeters, M_PER_DEG } from './sphere.mjs';

/**
 * @typedef {{ lon: ArrayLike<number>, lat: ArrayLike<number> }} LonLat
 * @typedef {LonLat & { w: ArrayLike<number> }} Demand
 * @typedef {{ start: Int32Array, idx: Int32Array }} CoverSets CSR: site j covers demand
 *   idx[start[j]..start[j+1]-1]
 */

/** Degrees per cell of the demand grid coverSets reads (≈ 1.1 km of latitude). */
const BUCKET_DEG = 0.01;

/**
 * For every site, the demand points within `radius` metres (great-circle), as CSR arrays.
 * @param {LonLat} demand @param {LonLat} sites @param {number} radius
 * @returns {CoverSets}
 */
export function coverSets(demand, sites, radius) {
	const n = demand.lon.length;
	const none = new Float64Array(0);
	// the demand in a CSR grid (typed arrays, cells of a row adjacent): a site reads the rows
	// of its box, each one contiguous slice
	const g = buildPointGrid(
		{
			lon: Float64Array.from(demand.lon),
			lat: Float64Array.from(demand.lat),
			id: none,
			code: none
		},
		BUCKET_DEG
	);
	const m = sites.lon.length;
	const start = new Int32Array(m + 1);
	let idx = new Int32Array(Math.max(16, n));
	let used = 0;
	for (let j = 0; j < m; j++) {
		start[j] = used;
		const lon = sites.lon[j];
		const lat = sites.lat[j];
		// a box that certainly holds the circle: the radius in degrees of latitude, and of
		// longitude at the circle's edge nearest the pole
		const dLat = radius / M_PER_DEG + 1e-9;
		const edgeLat = Math.min(89, Math.abs(lat) + dLat);
		const dLon = dLat / Math.cos((edgeLat * Math.PI) / 180);
		const r0 = Math.max(0, Math.floor((lat - dLat - g.south) / g.cell));
		const r1 = Math.min(g.rows - 1, Math.floor((lat + dLat - g.south) / g.cell));
		const c0 = Math.max(0, Math.floor((lon - dLon - g.west) / g.cell));
		const c1 = Math.min(g.cols - 1, Math.floor((lon + dLon - g.west) / g.cell));
		for (let r = r0; r <= r1; r++) {
			const k1 = g.start[r * g.cols + c1 + 1];
			for (let k = g.start[r * g.cols + c0]; k < k1; k++) {
				if (haversineMeters(lon, lat, g.lon[k], g.lat[k]) > radius) continue;
				if (used === idx.length) {
					const more = new Int32Array(idx.length * 2);
					more.set(idx);
					idx = more;
				}
				idx[used++] = g.index[k];
			}
		}
		// ascending, so that every answer is the same whatever the grid order
		idx.subarray(start[j], used).sort();
	}
	start[m] = used;
	return { start, idx: idx.slice(0, used) };
}

/** Latitude bands (degrees) of the plane's lon scale in firstReach. */
const KX_BAND_DEG = 0.01;

/**
 * For every point in [from, to), the first of `reaches` (ascending, metres) within which some
 * site lies, by great-circle distance (haversineMeters, the same test as coverSets):
 * `first[i - from]` is that reach's index, or reaches.length when none does.
 *
 * One pass over the points: the sites in a grid whose cells are the largest reach wide, so a
 * point reads its 3 × 3 cells; each site there gets a plane distance (no trigonometry: the lon
 * scale of the point's 0.01° band of latitude), and only a pair whose plane distance is within
 * the plane's error bound of a reach gets the exact one, so the answer is the exact test's. A
 * point stops at the first site inside the smallest reach. So three reaches cost one
 * nearest-site search, not three.
 * @param {LonLat} points @param {LonLat} sites @param {readonly number[]} reaches
 * @param {number} [from] @param {number} [to]
 */
export function firstReach(points, sites, reaches, from = 0, to = points.lon.length) {
	const nr = reaches.length;
	const first = new Uint8Array(Math.max(0, to - from)).fill(nr);
	const m = sites.lon.length;
	if (!m || !nr || to <= from) return first;
	const maxR = reaches[nr - 1];
	// cells: the largest reach in latitude, and in longitude at the most poleward site's latitude
	let south = Infinity,
		north = -Infinity,
		west = Infinity,
		east = -Infinity;
	for (let j = 0; j < m; j++) {
		const y = sites.lat[j];
		const x = sites.lon[j];
		if (y < south) south = y;
		if (y > north) north = y;
		if (x < west) west = x;
		if (x > east) east = x;
	}
	// the plane's relative error: its lon scale is taken up to one band plus half the pair's
	// latitude difference away from the pair's middle (tan φ · Δφ), doubled, plus curvature
	const spanDeg = (maxR * 1.01) / M_PER_DEG;
	const poleward = Math.min(89, Math.max(Math.abs(south), Math.abs(north)) + spanDeg);
	const err = 2 * Math.tan(poleward * DEG) * (KX_BAND_DEG + spanDeg / 2) * DEG + 1e-5;
	const dLat = (maxR * (1 + err)) / M_PER_DEG + 1e-9;
	const dLon = dLat / Math.cos(poleward * DEG);
	const rows = Math.floor((north - south) / dLat) + 1;
	const cols = Math.floor((east - west) / dLon) + 1;
	const start = new Int32Array(rows * cols + 1);
	const cellOf = new Int32Array(m);
	for (let j = 0; j < m; j++) {
		const c =
			Math.floor((sites.lat[j] - south) / dLat) * cols + Math.floor((sites.lon[j] - west) / dLon);
		cellOf[j] = c;
		start[c + 1]++;
	}
	for (let c = 0; c < rows * cols; c++) start[c + 1] += start[c];
	const fill = start.slice(0, rows * cols);
	const slon = new Float64Array(m);
	const slat = new Float64Array(m);
	for (let j = 0; j < m; j++) {
		const k = fill[cellOf[j]]++;
		slon[k] = sites.lon[j];
		slat[k] = sites.lat[j];
	}
	// metres per degree of longitude in each band of latitude a point near a site can be in
	const band0 = Math.floor((south - 2 * dLat) / KX_BAND_DEG);
	const bands = Math.floor((north + 2 * dLat) / KX_BAND_DEG) - band0 + 1;
	const kxBand = new Float64Array(bands);
	for (let b = 0; b < bands; b++)
		kxBand[b] = Math.cos((band0 + b + 0.5) * KX_BAND_DEG * DEG) * M_PER_DEG;
	// squared plane distances beyond which a site is surely outside a reach (hi2) or within
	// which it is surely inside (lo2); between the two, the exact distance decides
	const hi2 = new Float64Array(nr);
	const lo2 = new Float64Array(nr);
	for (let t = 0; t < nr; t++) {
		hi2[t] = (reaches[t] * (1 + err)) ** 2;
		lo2[t] = (reaches[t] * (1 - err)) ** 2;
	}
	const far2 = hi2[nr - 1];
	for (let i = from; i < to; i++) {
		const plon = points.lon[i];
		const plat = points.lat[i];
		const pr = Math.floor((plat - south) / dLat);
		const pc = Math.floor((plon - west) / dLon);
		if (pr < -1 || pr > rows || pc < -1 || pc > cols) continue;
		const kx = kxBand[Math.floor(plat / KX_BAND_DEG) - band0];
		const ra = Math.max(0, pr - 1);
		const rb = Math.min(rows - 1, pr + 1);
		const ca = Math.max(0, pc - 1);
		const cb = Math.min(cols - 1, pc + 1);
		let best = nr;
		// the point's own row first: its nearest site is most often there, and a site inside
		// the smallest reach ends the search
		for (let q = 0; q < 3 && best > 0; q++) {
			const r = q === 0 ? pr : q === 1 ? pr - 1 : pr + 1;
			if (r < ra || r > rb) continue;
			const k1 = start[r * cols + cb + 1];
			for (let k = start[r * cols + ca]; k < k1; k++) {
				const dy = (slat[k] - plat) * M_PER_DEG;
				const dx = (slon[k] - plon) * kx;
				const d2 = dx * dx + dy * dy;
				if (d2 > far2) continue;
				// the first reach this site can be within; exact only when the plane cannot tell
				let t = 0;
				while (t < best && d2 > hi2[t]) t++;
				if (t >= best) continue;
				if (d2 > lo2[t]) {
					const d = haversineMeters(slon[k], slat[k], plon, plat);
					while (t < best && d > reaches[t]) t++;
				}
				if (t < best) best = t;
				if (best === 0) break;
			}
		}
		first[i - from] = best;
	}
	return first;
}

/**
 * Coverage at several reaches in one pass (firstReach): per point the first reach that covers
 * it (reaches.length: none), and per reach the covered weight.
 * @param {Demand} demand @param {LonLat} sites @param {readonly number[]} reaches
 */
export function coverageByReach(demand, sites, reaches) {
	const first = firstReach(demand, sites, reaches);
	// weight first covered at each reach, then summed upwards: one pass, not one per reach
	const at = new Float64Array(reaches.length + 1);
	for (let i = 0; i < first.length; i++) at[first[i]] += demand.w[i];
	/** @type {number[]} */
	const weight = [];
	let acc = 0;
	for (let t = 0; t < reaches.length; t++) weight.push((acc += at[t]));
	return { first, weight };
}

/**
 * The weight of the demand within `radius` of at least one of the sites, and which points those
 * are (1 = covered).
 * @param {Demand} demand @param {LonLat} sites @param {number} radius
 */
export function coveredWeight(demand, sites, radius) {
	const { first, weight } = coverageByReach(demand, sites, [radius]);
	const covered = new Uint8Array(first.length);
	for (let i = 0; i < first.length; i++) covered[i] = first[i] === 0 ? 1 : 0;
	return { weight: weight[0], covered };
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
 * The transpose of cover sets: for every demand point, the candidates that cover it (CSR).
 * @param {CoverSets} sets @param {number} n demand points
 * @returns {CoverSets}
 */
function coveredBy(sets, n) {
	const m = sets.start.length - 1;
	const start = new Int32Array(n + 1);
	for (let k = 0; k < sets.idx.length; k++) start[sets.idx[k] + 1]++;
	for (let d = 0; d < n; d++) start[d + 1] += start[d];
	const fill = start.slice(0, n);
	const idx = new Int32Array(sets.idx.length);
	for (let j = 0; j < m; j++)
		for (let k = sets.start[j]; k < sets.start[j + 1]; k++) idx[fill[sets.idx[k]]++] = j;
	return { start, idx };
}

/**
 * Swap improvement: while some chosen site i and unchosen candidate j exist such that
 * replacing i by j covers more, make the best such swap for the first i that has one (the
 * lowest j among equals).
 *
 * j's gain in place of i is what j covers that nothing covers (`free[j]`, kept for the current
 * set) plus what j covers that only i covers. The second part is non-zero only for candidates
 * that reach i's own demand, found through the transpose of the cover sets, so trying every
 * (i, j) costs one pass over the candidates per i, not one over every cover set. Weights are
 * whole numbers (released counts), so these sums equal the direct ones to the unit.
 * @param {CoverSets} sets @param {Int32Array} count (updated) @param {ArrayLike<number>} w
 * @param {number[]} chosen (updated) @param {number} maxSwaps
 */
export function swapImprove(sets, count, w, chosen, maxSwaps) {
	const m = sets.start.length - 1;
	const inSet = new Uint8Array(m);
	for (const j of chosen) inSet[j] = 1;
	const by = coveredBy(sets, count.length);
	const free = new Float64Array(m);
	const extra = new Float64Array(m);
	const freeNow = () => {
		for (let j = 0; j < m; j++) free[j] = gainOf(sets, j, count, w);
	};
	freeNow();
	let swaps = 0;
	let improved = true;
	while (improved && swaps < maxSwaps) {
		improved = false;
		for (let a = 0; a < chosen.length && !improved; a++) {
			const i = chosen[a];
			// what dropping i loses: the demand only i covers, credited to every candidate reaching it
			let loss = 0;
			for (let k = sets.start[i]; k < sets.start[i + 1]; k++) {
				const d = sets.idx[k];
				if (count[d] !== 1) continue;
				loss += w[d];
				for (let t = by.start[d]; t < by.start[d + 1]; t++) extra[by.idx[t]] += w[d];
			}
			let best = -1;
			let bestDelta = 0;
			for (let j = 0; j < m; j++) {
				if (inSet[j]) continue;
				const g = free[j] + extra[j];
				if (g - loss > bestDelta) {
					bestDelta = g - loss;
					best = j;
				}
			}
			for (let k = sets.start[i]; k < sets.start[i + 1]; k++) {
				const d = sets.idx[k];
				for (let t = by.start[d]; t < by.start[d + 1]; t++) extra[by.idx[t]] = 0;
			}
			if (best >= 0) {
				addSite(sets, i, count, -1);
				addSite(sets, best, count, 1);
				inSet[i] = 0;
				inSet[best] = 1;
				chosen[a] = best;
				swaps++;
				improved = true;
				freeNow();
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
	// what the fixed sites cover: one nearest-site pass (firstReach), not a cover set per site
	const byFixed = firstReach(demand, fixed, [radius]);
	const count = new Int32Array(n);
	for (let i = 0; i < n; i++) if (byFixed[i] === 0) count[i] = 1;
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
	for (let i = 0; i < n; i++) if (byFixed[i] === 0) order[i] = 1;
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
