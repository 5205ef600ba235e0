// The four analysis cases over one loaded snapshot of the data, with the indexes built lazily
// once per snapshot. Used inside the analysis worker (analysis-worker.mjs); plain JavaScript for the
// reason given in kernel/sphere.mjs.
import { buildEdgeGrid, buildKindGrid, buildPointGrid } from './kernel/grids.mjs';
import { countPerShape, markNear, shapesInCodeRange } from './kernel/near.mjs';
import { nearestShape } from './kernel/nearest.mjs';
import { codeRange, prefixSlice } from './kernel/prefix.mjs';
import { measureRule } from './kernel/rule.mjs';
import { residencesFromWkbParts, shapesFromWkb } from './kernel/wkb.mjs';

/**
 * @typedef {import('./messages').SnapshotPayload} Payload
 * @typedef {import('./messages').AnalysisJob} Job
 */

/** @param {Payload} payload */
export function loadSnapshot(payload) {
	const residences = residencesFromWkbParts(payload.residences);
	// each child's record key, aligned with the residences, to release counts of them
	const keys = new Float64Array(residences.lon.length);
	let at = 0;
	for (const part of payload.residenceKeys ?? [])
		if (part) for (const k of part.split(',')) keys[at++] = Number(k);
	const segments = shapesFromWkb(payload.segments, payload.segmentFlags);
	const facilities = shapesFromWkb(payload.facilities);
	const rulePoints = residencesFromWkbParts([payload.rulePoints]);
	/** @type {ReturnType<typeof buildPointGrid> | undefined} */
	let pointGrid;
	/** @type {ReturnType<typeof buildKindGrid> | undefined} */
	let ruleGrid;
	/** @type {ReturnType<typeof buildEdgeGrid> | undefined} */
	let edgeGrid;

	return {
		residences,
		keys,
		segments,
		facilities,
		rulePoints,
		pointGrid: () => (pointGrid ??= buildPointGrid(residences)),
		edgeGrid: () => (edgeGrid ??= buildEdgeGrid(segments)),
		ruleKinds: payload.ruleKinds,
		/** residences (of the children's kind) and the other rule points in one grid, and the kind in each slot */
		ruleGrid() {
			if (ruleGrid) return ruleGrid;
			const nr = residences.lon.length;
			const n = nr + rulePoints.lon.length;
			const lon = new Float64Array(n);
			const lat = new Float64Array(n);
			lon.set(residences.lon);
			lon.set(rulePoints.lon, nr);
			lat.set(residences.lat);
			lat.set(rulePoints.lat, nr);
			const kind = new Uint8Array(n).fill(payload.childrenKind, 0, nr);
			for (let i = 0; i < rulePoints.code.length; i++) kind[nr + i] = rulePoints.code[i];
			ruleGrid = buildKindGrid(lon, lat, kind);
			return ruleGrid;
		}
	};
}

/** @typedef {ReturnType<typeof loadSnapshot>} Snapshot */

/**
 * Ids of the marked residences in [from, to), in the snapshot's order (village code, id).
 * @param {Float64Array} id @param {Uint8Array} mark @param {number} from @param {number} to
 * @param {boolean} want
 */
function pick(id, mark, from, to, want) {
	let n = 0;
	for (let i = from; i < to; i++) if ((mark[i] === 1) === want) n++;
	const out = new Float64Array(n);
	let k = 0;
	for (let i = from; i < to; i++) if ((mark[i] === 1) === want) out[k++] = id[i];
	return out;
}

/**
 * Residences and marked residences per administrative unit: the first `length` digits of the
 * village code (9 = township, 6 = county, …), in code order.
 * With each unit's count, the sum of the counted children's record keys (to release it).
 * @param {Float64Array} code @param {Uint8Array} mark @param {number} from @param {number} to
 * @param {number} length @param {boolean} want @param {Float64Array} keys
 */
function groupCounts(code, mark, from, to, length, want, keys) {
	const div = 10 ** (12 - length);
	/** @type {number[]} */
	const codes = [];
	/** @type {number[]} */
	const residences = [];
	/** @type {number[]} */
	const count = [];
	/** @type {number[]} */
	const keySum = [];
	// residences are sorted by village code, so each unit is one run
	for (let i = from; i < to; i++) {
		const unit = Math.floor(code[i] / div);
		if (codes[codes.length - 1] !== unit) {
			codes.push(unit);
			residences.push(0);
			count.push(0);
			keySum.push(0);
		}
		residences[residences.length - 1]++;
		if ((mark[i] === 1) === want) {
			count[count.length - 1]++;
			keySum[keySum.length - 1] += keys[i];
		}
	}
	return {
		codes: Float64Array.from(codes),
		residences: Int32Array.from(residences),
		count: Int32Array.from(count),
		keySum: Float64Array.from(keySum)
	};
}

/**
 * @param {Snapshot} snap @param {Job} job
 * @returns {Record<string, unknown>}
 */
export function runCase(snap, job) {
	const p = snap.residences;
	const { from, to } = prefixSlice(p.code, job.prefix);
	switch (job.case) {
		case 'exposure_incomplete': {
			const r = job.radiusMeters ?? 500;
			const flag = snap.segments.flag;
			const mark = markNear(p, snap.pointGrid(), snap.segments, r, from, to, (i) => flag[i] === 1);
			const ids = pick(p.id, mark, from, to, true);
			const groups = job.groupLength
				? groupCounts(p.code, mark, from, to, job.groupLength, true, snap.keys)
				: undefined;
			return { residences: to - from, count: ids.length, ids, groups };
		}
		case 'per_segment': {
			const r = job.radiusMeters ?? 500;
			const { lo, hi } = codeRange(job.prefix);
			const { ids, counts, keySums } = countPerShape(
				snap.pointGrid(),
				snap.segments,
				r,
				from,
				to,
				lo,
				hi,
				snap.keys
			);
			let total = 0;
			for (let i = 0; i < counts.length; i++) total += counts[i];
			return {
				residences: to - from,
				segments: ids.length,
				total,
				segmentIds: ids,
				counts,
				keySums
			};
		}
		case 'uncovered': {
			const r = job.radiusMeters ?? 1000;
			const mark = markNear(p, snap.pointGrid(), snap.facilities, r, from, to, () => true);
			const ids = pick(p.id, mark, from, to, false);
			const groups = job.groupLength
				? groupCounts(p.code, mark, from, to, job.groupLength, false, snap.keys)
				: undefined;
			return { residences: to - from, count: ids.length, ids, groups };
		}
		case 'nearest_segment': {
			const { dist, nearest } = nearestShape(
				p,
				snap.segments,
				snap.edgeGrid(),
				snap.pointGrid(),
				from,
				to
			);
			let sum = 0;
			for (let i = 0; i < dist.length; i++) if (Number.isFinite(dist[i])) sum += dist[i];
			return {
				residences: to - from,
				ids: p.id.slice(from, to),
				distances: dist,
				segmentIds: nearest,
				sumMeters: sum
			};
		}
		case 'nearest_to_points': {
			// any points (a campaign's point targets): the same search as nearest_segment, on a
			// grid of these points instead of the residences'
			const lon = Float64Array.from(job.points?.lon ?? []);
			const lat = Float64Array.from(job.points?.lat ?? []);
			const n = lon.length;
			const pts = { lon, lat, id: new Float64Array(n), code: new Float64Array(n) };
			const { dist, nearest } = nearestShape(
				pts,
				snap.segments,
				snap.edgeGrid(),
				buildPointGrid(pts),
				0,
				n
			);
			return { distances: dist, segmentIds: nearest };
		}
		case 'segment_rule': {
			// the four-item rule for the segments inside the prefix, against points anywhere
			const r = job.radiusMeters ?? 500;
			const { lo, hi } = codeRange(job.prefix);
			const s = snap.segments;
			const { which, ids: segmentIds } = shapesInCodeRange(s, lo, hi);
			const { grid, kindOf } = snap.ruleGrid();
			const m = measureRule(grid, kindOf, snap.ruleKinds, s, which, r);
			return {
				segmentIds,
				count: m.count,
				nearest: m.nearest,
				nearestKind: m.nearestKind
			};
		}
		case 'siting':
			// carries its own data: analysis-worker.mjs runs kernel/coverage.mjs on it
			throw new Error('siting is not a snapshot case');
	}
}
