// The attacker's arithmetic: non-negative integer unknowns, linear constraints on them (what the
// released figures say, and how figures nest), and for each protected count the smallest and
// largest value it can take — found with HiGHS (LP in WebAssembly), never guessed.
//
// Exactness. A model is split into blocks that meet the rest only through one linear
// expression each (a grid cell's value, say). For such a block the set of values its expression
// can take given the block's own constraints is an interval (the projection of a polytope), so
// the block can be replaced by one bounded proxy variable in the rest of the model, and the rest
// then bounds the block's expression exactly; the block is then solved on its own with that
// bound. This is exact for the linear relaxation; blocks that meet the rest through more than
// one expression are merged into the core. Integer ranges are the LP's rounded inwards; an end
// counts as reached only when an integral solution attains it (otherwise HiGHS's MIP decides).
//
// Interval propagation is used only to skip solves whose answer is already known (a feasible
// integral point that attains a proven outer bound), never to declare a count safe.
import loadHighs, { type Highs } from 'highs';

export type Term = readonly [index: number, coef: number];

export interface Row {
	terms: Term[];
	lo: number;
	hi: number;
	label: string;
}

export interface Target {
	id: string;
	terms: Term[];
	truth: number;
}

export interface TargetBound {
	id: string;
	truth: number;
	/** smallest and largest integer value the attacker cannot rule out */
	lo: number;
	hi: number;
	/** how the ends were established */
	method: 'lp' | 'mip';
}

export interface SolveStats {
	targets: number;
	blocks: number;
	coreVariables: number;
	coreRows: number;
	lpSolves: number;
	mipSolves: number;
	skipped: number;
	ms: number;
}

const EPS = 1e-6;

let highsPromise: Promise<Highs> | undefined;
function highs(): Promise<Highs> {
	highsPromise ??= loadHighs();
	return highsPromise;
}

/** Merge repeated indices and drop zero coefficients; sorted by index. */
export function normalize(terms: readonly Term[]): Term[] {
	const m = new Map<number, number>();
	for (const [i, c] of terms) m.set(i, (m.get(i) ?? 0) + c);
	return [...m]
		.filter(([, c]) => Math.abs(c) > 1e-12)
		.sort((a, b) => a[0] - b[0])
		.map(([i, c]) => [i, c] as const);
}

/** Variables (non-negative integers with a known true value) and constraints. */
export class LinearSystem {
	readonly names: string[] = [];
	readonly truth: number[] = [];
	readonly block: string[] = [];
	readonly rows: Row[] = [];
	private byName = new Map<string, number>();

	variable(name: string, truth: number, block = 'core'): number {
		const known = this.byName.get(name);
		if (known !== undefined) return known;
		const i = this.names.length;
		this.names.push(name);
		this.truth.push(truth);
		this.block.push(block);
		this.byName.set(name, i);
		return i;
	}

	index(name: string): number | undefined {
		return this.byName.get(name);
	}

	constrain(terms: readonly Term[], lo: number, hi: number, label: string): void {
		this.rows.push({ terms: normalize(terms), lo, hi, label });
	}

	/** The value of a linear expression at the true counts. */
	valueAtTruth(terms: readonly Term[]): number {
		return terms.reduce((a, [i, c]) => a + c * this.truth[i], 0);
	}

	/** Constraints the true counts break: a modelling error, or a released figure that lies. */
	violatedByTruth(): Row[] {
		return this.rows.filter((r) => {
			const v = this.valueAtTruth(r.terms);
			return (
				v < r.lo - EPS * Math.max(1, Math.abs(r.lo)) || v > r.hi + EPS * Math.max(1, Math.abs(r.hi))
			);
		});
	}
}

/**
 * Bounds propagation over the integers: every variable's [lo, hi] implied row by row, to a fixed
 * point (or a work limit). Sound: the true integer range of each variable lies inside.
 */
export function propagate(
	n: number,
	rows: Row[],
	lower?: number[],
	upper?: number[]
): { lo: number[]; hi: number[] } {
	const lo = lower ? [...lower] : new Array<number>(n).fill(0);
	const hi = upper ? [...upper] : new Array<number>(n).fill(Infinity);
	const rowsOf: number[][] = Array.from({ length: n }, () => []);
	rows.forEach((r, k) => r.terms.forEach(([i]) => rowsOf[i].push(k)));
	const queued = new Uint8Array(rows.length).fill(1);
	const queue = rows.map((_, k) => k);
	let work = 0;
	const limit = 200 * rows.length + 1000;
	while (queue.length && work++ < limit) {
		const k = queue.shift()!;
		queued[k] = 0;
		const r = rows[k];
		// activity bounds, counting infinite contributions separately
		let minFin = 0;
		let minInf = 0;
		let maxFin = 0;
		let maxInf = 0;
		for (const [i, c] of r.terms) {
			const a = c > 0 ? c * lo[i] : c * hi[i];
			const b = c > 0 ? c * hi[i] : c * lo[i];
			if (Number.isFinite(a)) minFin += a;
			else minInf++;
			if (Number.isFinite(b)) maxFin += b;
			else maxInf++;
		}
		for (const [i, c] of r.terms) {
			const a = c > 0 ? c * lo[i] : c * hi[i];
			const b = c > 0 ? c * hi[i] : c * lo[i];
			// the rest's smallest and largest activity without term i
			const restMin =
				minInf - (Number.isFinite(a) ? 0 : 1) > 0
					? -Infinity
					: minFin - (Number.isFinite(a) ? a : 0);
			const restMax =
				maxInf - (Number.isFinite(b) ? 0 : 1) > 0
					? Infinity
					: maxFin - (Number.isFinite(b) ? b : 0);
			// lo - restMax <= c x <= hi - restMin
			const cxHi = r.hi - restMin;
			const cxLo = r.lo - restMax;
			let newLo = lo[i];
			let newHi = hi[i];
			if (c > 0) {
				if (Number.isFinite(cxHi)) newHi = Math.min(newHi, Math.floor(cxHi / c + EPS));
				if (Number.isFinite(cxLo)) newLo = Math.max(newLo, Math.ceil(cxLo / c - EPS));
			} else {
				if (Number.isFinite(cxHi)) newLo = Math.max(newLo, Math.ceil(cxHi / c - EPS));
				if (Number.isFinite(cxLo)) newHi = Math.min(newHi, Math.floor(cxLo / c + EPS));
			}
			if (newLo > newHi) throw new Error(`infeasible: ${r.label} leaves no value for #${i}`);
			if (newLo !== lo[i] || newHi !== hi[i]) {
				lo[i] = newLo;
				hi[i] = newHi;
				for (const k2 of rowsOf[i])
					if (!queued[k2]) {
						queued[k2] = 1;
						queue.push(k2);
					}
			}
		}
	}
	return { lo, hi };
}

function exprBounds(terms: readonly Term[], lo: number[], hi: number[]): [number, number] {
	let a = 0;
	let b = 0;
	for (const [i, c] of terms) {
		a += c > 0 ? c * lo[i] : c * hi[i];
		b += c > 0 ? c * hi[i] : c * lo[i];
	}
	return [
		Number.isNaN(a) ? -Infinity : Math.ceil(a - EPS),
		Number.isNaN(b) ? Infinity : Math.floor(b + EPS)
	];
}

const termsKey = (terms: readonly Term[]) => terms.map(([i, c]) => `${i}:${c}`).join(',');

/** Is `terms` a multiple of `base` (same indices, proportional coefficients)? The factor, or null. */
function multipleOf(terms: readonly Term[], base: readonly Term[]): number | null {
	if (terms.length !== base.length) return null;
	const f = terms[0][1] / base[0][1];
	for (let k = 0; k < terms.length; k++) {
		if (terms[k][0] !== base[k][0]) return null;
		if (Math.abs(terms[k][1] - f * base[k][1]) > 1e-9 * Math.max(1, Math.abs(terms[k][1])))
			return null;
	}
	return f;
}

/** One LP: local columns 0..n-1 with bounds, rows over them, targets to bound. */
interface LocalLp {
	name: string;
	n: number;
	colLower: number[];
	colUpper: number[];
	rows: Row[];
	targets: { key: string; terms: Term[]; outerLo: number; outerHi: number }[];
}

interface LocalResult {
	lo: number;
	hi: number;
	method: 'lp' | 'mip';
}

function isIntegral(x: ArrayLike<number>): boolean {
	for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - Math.round(x[i])) > EPS) return false;
	return true;
}

function modelData(h: Highs, lp: LocalLp, integer: boolean) {
	const starts = [0];
	const indices: number[] = [];
	const values: number[] = [];
	for (const r of lp.rows) {
		for (const [i, c] of r.terms) {
			indices.push(i);
			values.push(c);
		}
		starts.push(indices.length);
	}
	const inf = (v: number) => (v === Infinity ? h.infinity : v === -Infinity ? -h.infinity : v);
	return {
		numCols: lp.n,
		numRows: lp.rows.length,
		colCost: new Float64Array(lp.n),
		colLower: lp.colLower.map(inf),
		colUpper: lp.colUpper.map(inf),
		rowLower: lp.rows.map((r) => inf(r.lo)),
		rowUpper: lp.rows.map((r) => inf(r.hi)),
		matrix: {
			format: 'csr' as const,
			numRows: lp.rows.length,
			numCols: lp.n,
			starts: new Int32Array(starts),
			indices: new Int32Array(indices),
			values: new Float64Array(values)
		},
		...(integer ? { integrality: new Int32Array(lp.n).fill(h.constants.variableType.integer) } : {})
	};
}

/** Min and max of every target of one LP, warm-started from one persistent HiGHS model. */
async function solveLocal(lp: LocalLp, stats: SolveStats): Promise<Map<string, LocalResult>> {
	const h = await highs();
	const out = new Map<string, LocalResult>();
	if (!lp.targets.length) return out;
	const model = h.createModel(modelData(h, lp, false));
	try {
		model.options.set({ output_flag: false });
		// integral witnesses: the smallest and largest value each target took at an integral point
		const seenLo = new Array<number>(lp.targets.length).fill(Infinity);
		const seenHi = new Array<number>(lp.targets.length).fill(-Infinity);
		const witness = (x: ArrayLike<number>) => {
			if (!isIntegral(x)) return;
			lp.targets.forEach((t, k) => {
				if (!t.terms.every(([, c]) => Number.isInteger(c))) return;
				const v = Math.round(t.terms.reduce((a, [i, c]) => a + c * x[i], 0));
				if (v < seenLo[k]) seenLo[k] = v;
				if (v > seenHi[k]) seenHi[k] = v;
			});
		};
		const optimal = h.constants.modelStatus.optimal;
		model.run();
		stats.lpSolves++;
		if (model.getModelStatus() !== optimal)
			throw new Error(
				`${lp.name}: the released figures admit no solution (status ${model.getModelStatus()})`
			);
		witness(model.getSolution().colValue);
		let costed: number[] = [];
		const lpEnds: [number, number][] = [];
		for (let k = 0; k < lp.targets.length; k++) {
			const t = lp.targets[k];
			const ends: [number, number] = [t.outerLo, t.outerHi];
			for (const sense of [1, -1] as const) {
				// known already: an integral point attains the proven outer bound
				if (sense === 1 ? seenLo[k] <= t.outerLo : seenHi[k] >= t.outerHi) {
					stats.skipped++;
					continue;
				}
				const cost = new Float64Array(lp.n);
				for (const [i, c] of t.terms) cost[i] = c;
				const touched = [...new Set([...costed, ...t.terms.map(([i]) => i)])].sort((a, b) => a - b);
				model.changeColsCost(
					{ kind: 'set', indices: touched },
					touched.map((i) => cost[i])
				);
				costed = t.terms.map(([i]) => i);
				model.changeObjectiveSense(
					sense === 1 ? h.constants.objectiveSense.minimize : h.constants.objectiveSense.maximize
				);
				model.run();
				stats.lpSolves++;
				const status = model.getModelStatus();
				if (status === h.constants.modelStatus.unbounded && sense === -1) {
					ends[1] = Infinity;
					continue;
				}
				if (status !== optimal) throw new Error(`${lp.name}: ${t.key} status ${status}`);
				const v = model.getObjectiveValue();
				// an expression with integer coefficients takes integer values only
				const whole = t.terms.every(([, c]) => Number.isInteger(c));
				if (sense === 1) ends[0] = Math.max(ends[0], whole ? Math.ceil(v - EPS) : v);
				else ends[1] = Math.min(ends[1], whole ? Math.floor(v + EPS) : v);
				witness(model.getSolution().colValue);
			}
			lpEnds.push(ends);
		}
		// an end reached only by a fractional vertex: the MIP says where the integers end
		const unsure = lp.targets
			.map((t, k) => k)
			.filter(
				(k) =>
					seenLo[k] > lpEnds[k][0] || (Number.isFinite(lpEnds[k][1]) && seenHi[k] < lpEnds[k][1])
			);
		const mip = unsure.length
			? await mipEnds(h, lp, unsure, stats)
			: new Map<number, [number, number]>();
		lp.targets.forEach((t, k) => {
			const m = mip.get(k);
			const [lo, hi] = m ?? lpEnds[k];
			out.set(t.key, { lo, hi, method: m ? 'mip' : 'lp' });
		});
	} finally {
		model.dispose();
	}
	return out;
}

async function mipEnds(
	h: Highs,
	lp: LocalLp,
	which: number[],
	stats: SolveStats
): Promise<Map<number, [number, number]>> {
	const out = new Map<number, [number, number]>();
	const model = h.createModel(modelData(h, lp, true));
	try {
		model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0, time_limit: 60 });
		let costed: number[] = [];
		for (const k of which) {
			const t = lp.targets[k];
			const ends: [number, number] = [-Infinity, Infinity];
			for (const sense of [1, -1] as const) {
				const touched = [...new Set([...costed, ...t.terms.map(([i]) => i)])].sort((a, b) => a - b);
				const cost = new Map(t.terms.map(([i, c]) => [i, c]));
				model.changeColsCost(
					{ kind: 'set', indices: touched },
					touched.map((i) => cost.get(i) ?? 0)
				);
				costed = t.terms.map(([i]) => i);
				model.changeObjectiveSense(
					sense === 1 ? h.constants.objectiveSense.minimize : h.constants.objectiveSense.maximize
				);
				model.run();
				stats.mipSolves++;
				const status = model.getModelStatus();
				if (status === h.constants.modelStatus.unbounded && sense === -1) continue;
				if (status !== h.constants.modelStatus.optimal)
					throw new Error(`${lp.name}: MIP for ${t.key} ended with status ${status}`);
				const v = Math.round(model.getObjectiveValue());
				if (sense === 1) ends[0] = v;
				else ends[1] = v;
			}
			out.set(k, ends);
		}
	} finally {
		model.dispose();
	}
	return out;
}

/**
 * The integer range of every target over the system's constraints (all variables ≥ 0).
 * Throws when the constraints admit no solution at all.
 */
export async function boundTargets(
	sys: LinearSystem,
	targetsIn: Target[]
): Promise<{ bounds: TargetBound[]; stats: SolveStats }> {
	const t0 = performance.now();
	const n = sys.names.length;
	const stats: SolveStats = {
		targets: targetsIn.length,
		blocks: 0,
		coreVariables: 0,
		coreRows: 0,
		lpSolves: 0,
		mipSolves: 0,
		skipped: 0,
		ms: 0
	};
	const targets = targetsIn.map((t) => ({ ...t, terms: normalize(t.terms) }));
	const rows = sys.rows;

	// 1. sound outer bounds, from the constraints one at a time
	const { lo: vlo, hi: vhi } = propagate(n, rows);
	const rowRange = new Map<string, [number, number]>();
	for (const r of rows) {
		const k = termsKey(r.terms);
		const had = rowRange.get(k) ?? [-Infinity, Infinity];
		rowRange.set(k, [Math.max(had[0], r.lo), Math.min(had[1], r.hi)]);
	}
	const outer = targets.map((t) => {
		const [a, b] = exprBounds(t.terms, vlo, vhi);
		const r = rowRange.get(termsKey(t.terms)) ?? [-Infinity, Infinity];
		return [Math.max(a, Math.ceil(r[0] - EPS)), Math.min(b, Math.floor(r[1] + EPS))] as [
			number,
			number
		];
	});

	// 2. blocks that meet the rest through a single expression
	const blockOf = [...sys.block];
	const crossRestrictions = (): Map<string, Term[][]> => {
		const m = new Map<string, Term[][]>();
		const visit = (terms: Term[]) => {
			const blocks = new Set(terms.map(([i]) => blockOf[i]));
			if (blocks.size < 2 && !blocks.has('core')) return;
			for (const b of blocks) {
				if (b === 'core') continue;
				const list = m.get(b) ?? [];
				list.push(terms.filter(([i]) => blockOf[i] === b));
				m.set(b, list);
			}
		};
		for (const r of rows) visit(r.terms);
		for (const t of targets) visit(t.terms);
		return m;
	};
	const iface = new Map<string, Term[]>();
	for (;;) {
		iface.clear();
		let merged = false;
		for (const [b, list] of crossRestrictions()) {
			const base = list[0];
			if (list.every((r) => multipleOf(r, base) !== null)) iface.set(b, base);
			else {
				for (let i = 0; i < n; i++) if (blockOf[i] === b) blockOf[i] = 'core';
				merged = true;
			}
		}
		if (!merged) break;
	}
	const members = new Map<string, number[]>();
	for (let i = 0; i < n; i++) {
		const list = members.get(blockOf[i]) ?? [];
		list.push(i);
		members.set(blockOf[i], list);
	}
	const blocks = [...members.keys()].filter((b) => b !== 'core');
	stats.blocks = blocks.length;
	const rowsIn = new Map<string, Row[]>();
	const coreRows: Row[] = [];
	for (const r of rows) {
		const bs = new Set(r.terms.map(([i]) => blockOf[i]));
		if (bs.size === 1 && !bs.has('core')) {
			const b = [...bs][0];
			const list = rowsIn.get(b) ?? [];
			list.push(r);
			rowsIn.set(b, list);
		} else if (r.terms.length) coreRows.push(r);
	}
	const targetsIn_ = new Map<string, number[]>();
	const coreTargets: number[] = [];
	targets.forEach((t, k) => {
		const bs = new Set(t.terms.map(([i]) => blockOf[i]));
		if (bs.size === 1 && !bs.has('core')) {
			const b = [...bs][0];
			const list = targetsIn_.get(b) ?? [];
			list.push(k);
			targetsIn_.set(b, list);
		} else coreTargets.push(k);
	});

	const localOf = (vars: number[]) => new Map(vars.map((v, j) => [v, j]));
	const mapTerms = (terms: Term[], local: Map<number, number>) =>
		terms.map(([i, c]) => [local.get(i)!, c] as const);

	// 3. each interfaced block's own range of its expression
	const inner = new Map<string, [number, number]>();
	for (const b of blocks) {
		const e = iface.get(b);
		if (!e) continue;
		const vars = members.get(b)!;
		const local = localOf(vars);
		const r = await solveLocal(
			{
				name: `block ${b} (interface)`,
				n: vars.length,
				colLower: vars.map((i) => vlo[i]),
				colUpper: vars.map((i) => vhi[i]),
				rows: (rowsIn.get(b) ?? []).map((row) => ({ ...row, terms: mapTerms(row.terms, local) })),
				targets: [{ key: 'iface', terms: mapTerms(e, local), ...outerOf(e) }]
			},
			stats
		);
		const v = r.get('iface')!;
		inner.set(b, [v.lo, v.hi]);
	}
	function outerOf(terms: Term[]) {
		const [a, b] = exprBounds(terms, vlo, vhi);
		return { outerLo: a, outerHi: b };
	}

	// 4. the core, each interfaced block a proxy variable bounded by its own range
	const coreVars = members.get('core') ?? [];
	const coreLocal = localOf(coreVars);
	const proxy = new Map<string, number>();
	for (const b of iface.keys()) proxy.set(b, coreVars.length + proxy.size);
	const toCore = (terms: Term[]): Term[] => {
		const out: Term[] = [];
		const seen = new Set<string>();
		for (const [i, c] of terms) {
			const b = blockOf[i];
			if (b === 'core') out.push([coreLocal.get(i)!, c]);
			else if (!seen.has(b)) {
				seen.add(b);
				const f = multipleOf(
					terms.filter(([j]) => blockOf[j] === b),
					iface.get(b)!
				)!;
				out.push([proxy.get(b)!, f]);
			}
		}
		return normalize(out);
	};
	const coreN = coreVars.length + proxy.size;
	stats.coreVariables = coreN;
	stats.coreRows = coreRows.length;
	const proxyKeys = [...proxy.keys()];
	const coreResult = await solveLocal(
		{
			name: 'core',
			n: coreN,
			colLower: [...coreVars.map((i) => vlo[i]), ...proxyKeys.map((b) => inner.get(b)![0])],
			colUpper: [...coreVars.map((i) => vhi[i]), ...proxyKeys.map((b) => inner.get(b)![1])],
			rows: coreRows.map((r) => ({ ...r, terms: toCore(r.terms) })),
			targets: [
				...coreTargets.map((k) => ({
					key: `t${k}`,
					terms: toCore(targets[k].terms),
					outerLo: outer[k][0],
					outerHi: outer[k][1]
				})),
				...proxyKeys.map((b) => ({
					key: `p:${b}`,
					terms: [[proxy.get(b)!, 1] as const],
					outerLo: inner.get(b)![0],
					outerHi: inner.get(b)![1]
				}))
			]
		},
		stats
	);

	// 5. every block with its expression held to what the whole model allows
	const results = new Map<number, LocalResult>();
	for (const k of coreTargets) results.set(k, coreResult.get(`t${k}`)!);
	for (const b of blocks) {
		const ks = targetsIn_.get(b) ?? [];
		if (!ks.length) continue;
		const vars = members.get(b)!;
		const local = localOf(vars);
		const e = iface.get(b);
		const extra: Row[] = [];
		if (e) {
			const r = coreResult.get(`p:${b}`)!;
			extra.push({
				terms: mapTerms(e, local),
				lo: r.lo,
				hi: r.hi,
				label: `${b} as the rest allows`
			});
		}
		const r = await solveLocal(
			{
				name: `block ${b}`,
				n: vars.length,
				colLower: vars.map((i) => vlo[i]),
				colUpper: vars.map((i) => vhi[i]),
				rows: [
					...(rowsIn.get(b) ?? []).map((row) => ({ ...row, terms: mapTerms(row.terms, local) })),
					...extra
				],
				targets: ks.map((k) => ({
					key: `t${k}`,
					terms: mapTerms(targets[k].terms, local),
					outerLo: outer[k][0],
					outerHi: outer[k][1]
				}))
			},
			stats
		);
		for (const k of ks) results.set(k, r.get(`t${k}`)!);
	}
	stats.ms = Math.round(performance.now() - t0);
	return {
		bounds: targets.map((t, k) => {
			const r = results.get(k)!;
			// (+0, not -0, from a rounded -1e-9)
			return { id: t.id, truth: t.truth, lo: r.lo + 0, hi: r.hi + 0, method: r.method };
		}),
		stats
	};
}
