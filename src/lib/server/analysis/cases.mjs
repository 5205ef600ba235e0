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

/**
 * What a new snapshot may take over from the one held.
 * @typedef {{
 *   residences: ReturnType<typeof residencesFromWkbParts>,
 *   keys: Float64Array,
 *   segments: ReturnType<typeof shapesFromWkb>,
 *   facilities: ReturnType<typeof shapesFromWkb>,
 *   rulePoints: ReturnType<typeof residencesFromWkbParts>,
 *   builtPointGrid: () => ReturnType<typeof buildPointGrid> | undefined,
 *   builtEdgeGrid: () => ReturnType<typeof buildEdgeGrid> | undefined,
 *   builtRuleGrid: () => ReturnType<typeof buildKindGrid> | undefined
 * }} Held
 */

/**
 * The snapshot of `payload`. The parts it names in `kept` are taken from `prev` (the snapshot
 * held so far), with the indexes already built on them: after a four-item check only the
 * segments' flags come new, and the 300,000 residences and their grid stay as they were.
 * @param {Payload} payload
 * @param {Held} [prev]
 */
export function loadSnapshot(payload, prev) {
	const kept = new Set(prev ? (payload.kept ?? []) : []);
	if (kept.size && !prev) throw new Error('nothing to keep: no snapshot loaded');
	const keepResidences = kept.has('residences') && prev;
	const keepSegments = kept.has('segments') && prev;
	const keepRulePoints = kept.has('rulePoints') && prev;
	const keepFlags = kept.has('flags') && prev;
	const residences = keepResidences
		? prev.residences
		: residencesFromWkbParts(payload.residences ?? []);
	// each child's record key, aligned with the residences, to release counts of them
	const keys = keepResidences ? prev.keys : keysOf(payload.residenceKeys, residences.lon.length);
	if (keepFlags && !keepSegments) throw new Error('flags kept for segments read again');
	const segments = keepSegments
		? {
				...prev.segments,
				flag: keepFlags
					? prev.segments.flag
					: flagsOf(payload.segmentFlags, prev.segments.id.length)
			}
		: shapesFromWkb(payload.segments, payload.segmentFlags);
	const facilities =
		kept.has('facilities') && prev ? prev.facilities : shapesFromWkb(payload.facilities);
	const rulePoints = keepRulePoints
		? prev.rulePoints
		: residencesFromWkbParts([payload.rulePoints]);
	/** @type {ReturnType<typeof buildPointGrid> | undefined} */
	let pointGrid = keepResidences ? prev.builtPointGrid() : undefined;
	/** @type {ReturnType<typeof buildKindGrid> | undefined} */
	let ruleGrid = keepResidences && keepRulePoints ? prev.builtRuleGrid() : undefined;
	/** @type {ReturnType<typeof buildEdgeGrid> | undefined} */
	// the edge grid holds geometry only, never the flags
	let edgeGrid = keepSegments ? prev.builtEdgeGrid() : undefined;

	return {
		residences,
		keys,
		segments,
		facilities,
		rulePoints,
		pointGrid: () => (pointGrid ??= buildPointGrid(residences)),
		edgeGrid: () => (edgeGrid ??= buildEdgeGrid(segments)),
		builtPointGrid: () => pointGrid,
		builtEdgeGrid: () => edgeGrid,
		builtRuleGrid: () => ruleGrid,
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

/** @param {string[]} parts @param {number} n */
function keysOf(parts, n) {
	const keys = new Float64Array(n);
	let at = 0;
	for (const part of parts ?? []) if (part) for (const k of part.split(',')) keys[at++] = Number(k);
	return keys;
}

/**
 * The segments' flags for the geometry already held: one per segment, in the same order (the
 * segments did not change, so neither did their number).
 * @param {string} flags @param {number} n
 */
function flagsOf(flags, n) {
	if (flags.length !== n) throw new Error(`segment flags for ${flags.length} segments, ${n} held`);
	const flag = new Uint8Array(n);
	for (let i = 0; i < n; i++) flag[i] = flags.charCodeAt(i) === 49 ? 1 : 0;
	return flag;
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
