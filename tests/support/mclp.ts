// The exact maximal-coverage answer, for holding the siting kernel's greedy + swap to it: the
// MCLP as a mixed-integer programme (Church & ReVelle 1974) solved by HiGHS (WebAssembly).
//   maximise Σ w_d y_d  subject to  y_d ≤ Σ_{j covers d} x_j,  Σ x_j ≤ k,  x_j ∈ {0,1},  0 ≤ y_d ≤ 1
// Demand already covered by fixed sites is left out of the objective (it is covered whatever is
// chosen) and added back as `base`.
import loadHighs, { type Highs } from 'highs';

let highsPromise: Promise<Highs> | undefined;

export interface CoverInstance {
	/** per candidate, the demand points it covers */
	covers: number[][];
	w: ArrayLike<number>;
	/** demand already covered by fixed sites */
	fixedCovered?: ArrayLike<number>;
	k: number;
}

export async function exactCoverage(
	p: CoverInstance
): Promise<{ total: number; chosen: number[] }> {
	highsPromise ??= loadHighs();
	const h = await highsPromise;
	const coveredBy = new Map<number, number[]>();
	p.covers.forEach((set, j) => {
		for (const d of set) coveredBy.set(d, [...(coveredBy.get(d) ?? []), j]);
	});
	let base = 0;
	const terms: string[] = [];
	const rows: string[] = [];
	const ys: number[] = [];
	for (let d = 0; d < p.w.length; d++) {
		if (p.fixedCovered?.[d]) {
			base += p.w[d];
			continue;
		}
		const by = coveredBy.get(d);
		if (!by || p.w[d] === 0) continue;
		ys.push(d);
		terms.push(`${p.w[d]} y${d}`);
		rows.push(` c${d}: y${d} - ${by.map((j) => `x${j}`).join(' - ')} <= 0`);
	}
	if (!ys.length) return { total: base, chosen: [] };
	const xs = p.covers.map((_, j) => `x${j}`);
	const lp = [
		'Maximize',
		` obj: ${terms.join(' + ')}`,
		'Subject To',
		...rows,
		` k: ${xs.join(' + ')} <= ${p.k}`,
		'Bounds',
		...ys.map((d) => ` 0 <= y${d} <= 1`),
		...xs.map((x) => ` 0 <= ${x} <= 1`),
		'General',
		` ${xs.join(' ')}`,
		'End'
	].join('\n');
	const s = h.solve(lp, { mip_rel_gap: 0, output_flag: false });
	if (s.Status !== 'Optimal') throw new Error(`MCLP not solved: ${s.Status}`);
	const chosen = xs
		.map((x, j) => [j, (s.Columns[x] as { Primal: number }).Primal] as const)
		.filter(([, v]) => v > 0.5)
		.map(([j]) => j);
	return { total: base + Math.round(s.ObjectiveValue), chosen };
}
