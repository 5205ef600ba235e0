// The auditor's bounding (tests/support/auditor/lp.ts) on instances small enough to check by
// hand or by enumerating every integer solution: it must find a count pinned by a difference
// across levels, must not call a count pinned when it is not, and its split into blocks must
// give the same ranges as solving everything at once.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boundTargets, LinearSystem, propagate, type Term } from '../support/auditor/lp';

const one = (i: number): Term => [i, 1];

describe('LP bounding of protected counts', () => {
	it('finds a hidden cell pinned by its parent minus its shown sibling', async () => {
		// a cell of 7 children (shown) with two sub-cells: 6 (shown) and one "<5" (really 1)
		const s = new LinearSystem();
		const a = s.variable('a', 6);
		const b = s.variable('b', 1);
		s.constrain([one(a), one(b)], 7, 7, 'parent = 7');
		s.constrain([one(a)], 6, 6, 'a = 6');
		s.constrain([one(b)], 1, 4, 'b <5');
		const { bounds } = await boundTargets(s, [{ id: 'b', terms: [one(b)], truth: 1 }]);
		expect(bounds[0]).toMatchObject({ lo: 1, hi: 1 });
	});

	it('leaves two hidden cells that share their difference unpinned', async () => {
		// 9 = 5 (shown) + two "<5" holding 4 between them: each is 1..3
		const s = new LinearSystem();
		const [a, b, c] = [s.variable('a', 5), s.variable('b', 1), s.variable('c', 3)];
		s.constrain([one(a), one(b), one(c)], 9, 9, 'parent = 9');
		s.constrain([one(a)], 5, 5, 'a = 5');
		s.constrain([one(b)], 1, 4, 'b <5');
		s.constrain([one(c)], 1, 4, 'c <5');
		const { bounds } = await boundTargets(s, [
			{ id: 'b', terms: [one(b)], truth: 1 },
			{ id: 'c', terms: [one(c)], truth: 3 },
			{ id: 'b+c', terms: [one(b), one(c)], truth: 4 }
		]);
		expect(bounds.map((x) => [x.lo, x.hi])).toEqual([
			[1, 3],
			[1, 3],
			[4, 4]
		]);
	});

	it('bounds perturbed figures by their ±3 intervals and the sums between them', async () => {
		// released 10 for a whole (true 10) and 4, 6 for its parts (true 3, 7)
		const s = new LinearSystem();
		const [a, b] = [s.variable('a', 3), s.variable('b', 7)];
		s.constrain([one(a), one(b)], 7, 13, 'whole released 10');
		s.constrain([one(a)], 1, 7, 'a released 4');
		s.constrain([one(b)], 3, 9, 'b released 6');
		const { bounds } = await boundTargets(s, [{ id: 'a', terms: [one(a)], truth: 3 }]);
		expect(bounds[0]).toMatchObject({ lo: 1, hi: 7 });
	});

	it('carries what the coarse levels know into a block (and the block into the core)', async () => {
		// root = x1 + x2 + y1 + y2 = 10 (core); block y: y1 + y2 = 8; block x: x2 = 1, x1 "<5"
		const s = new LinearSystem();
		const x1 = s.variable('x1', 1, 'x');
		const x2 = s.variable('x2', 1, 'x');
		const y1 = s.variable('y1', 5, 'y');
		const y2 = s.variable('y2', 3, 'y');
		s.constrain([one(x1), one(x2), one(y1), one(y2)], 10, 10, 'root = 10');
		s.constrain([one(y1), one(y2)], 8, 8, 'y = 8');
		s.constrain([one(x2)], 1, 1, 'x2 = 1');
		s.constrain([one(x1)], 1, 4, 'x1 <5');
		s.constrain([one(y2)], 1, 4, 'y2 <5');
		const { bounds, stats } = await boundTargets(s, [
			{ id: 'x1', terms: [one(x1)], truth: 1 },
			{ id: 'y2', terms: [one(y2)], truth: 3 }
		]);
		expect(stats.blocks).toBe(2);
		expect(bounds.map((x) => [x.lo, x.hi])).toEqual([
			[1, 1],
			[1, 4]
		]);
	});

	it('asks the MIP where a fractional vertex would widen an integer range', async () => {
		// x = 2y + 2z with 1 ≤ x ≤ 3: the LP allows x = 1 (y = ½), the integers only x = 2;
		// propagation alone cannot tell (y and z may each be 0 or 1)
		const s = new LinearSystem();
		const x = s.variable('x', 2);
		const y = s.variable('y', 1);
		const z = s.variable('z', 0);
		s.constrain([one(x), [y, -2], [z, -2]], 0, 0, 'x = 2y + 2z');
		s.constrain([one(x)], 1, 3, 'x in 1..3');
		const { bounds, stats } = await boundTargets(s, [{ id: 'x', terms: [one(x)], truth: 2 }]);
		expect(bounds[0]).toMatchObject({ lo: 2, hi: 2, method: 'mip' });
		expect(stats.mipSolves).toBeGreaterThan(0);
	});

	it('refuses figures that contradict each other', async () => {
		const s = new LinearSystem();
		const a = s.variable('a', 1);
		s.constrain([one(a)], 5, 5, 'a = 5');
		s.constrain([one(a)], 1, 4, 'a <5');
		await expect(boundTargets(s, [{ id: 'a', terms: [one(a)], truth: 1 }])).rejects.toThrow();
	});

	it('propagation only narrows, never cuts off an integer solution', () => {
		const rows = [
			{ terms: [one(0), one(1)] as Term[], lo: 3, hi: 3, label: 'a+b=3' },
			{ terms: [one(0)] as Term[], lo: 1, hi: 4, label: 'a<5' }
		];
		const { lo, hi } = propagate(2, rows);
		expect([lo[0], hi[0], lo[1], hi[1]]).toEqual([1, 3, 0, 2]);
	});

	it('gives every count of a random two-level table the range that enumeration gives', async () => {
		// a root over 2 blocks of 1–2 leaves; every node a released interval (exact, "<5" or
		// ±2); ranges from the decomposed LP must equal brute force over all integer leaves
		const node = fc.record({
			lo: fc.integer({ min: 0, max: 4 }),
			w: fc.integer({ min: 0, max: 3 })
		});
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }), {
					minLength: 2,
					maxLength: 2
				}),
				fc.array(node, { minLength: 16, maxLength: 16 }),
				async (groups, spans) => {
					const s = new LinearSystem();
					const leaves = groups.map((g, gi) =>
						g.map((t, li) => s.variable(`l${gi}.${li}`, t, `b${gi}`))
					);
					const truthOf = (ids: number[]) => ids.reduce((a, i) => a + s.truth[i], 0);
					let k = 0;
					const released = (ids: number[], label: string) => {
						// an interval around the truth, as any released figure's (ends may widen)
						const t = truthOf(ids);
						const sp = spans[k++ % spans.length];
						s.constrain(ids.map(one), Math.max(0, t - sp.lo), t + sp.w, label);
					};
					const all = leaves.flat();
					released(all, 'root');
					leaves.forEach((g, gi) => {
						released(g, `group ${gi}`);
						g.forEach((l, li) => released([l], `leaf ${gi}.${li}`));
					});
					const targets = [
						...all.map((l) => ({ id: s.names[l], terms: [one(l)], truth: s.truth[l] })),
						...leaves.map((g, gi) => ({ id: `g${gi}`, terms: g.map(one), truth: truthOf(g) }))
					];
					const { bounds } = await boundTargets(s, targets);
					// brute force: every leaf 0..9 (each leaf's own interval ends by 7)
					const n = all.length;
					const lo = targets.map(() => Infinity);
					const hi = targets.map(() => -Infinity);
					const x = new Array<number>(n).fill(0);
					const ok = () =>
						s.rows.every((r) => {
							const v = r.terms.reduce((a, [i, c]) => a + c * x[i], 0);
							return v >= r.lo && v <= r.hi;
						});
					const rec = (i: number) => {
						if (i === n) {
							if (!ok()) return;
							targets.forEach((t, j) => {
								const v = t.terms.reduce((a, [v2, c]) => a + c * x[v2], 0);
								lo[j] = Math.min(lo[j], v);
								hi[j] = Math.max(hi[j], v);
							});
							return;
						}
						for (let v = 0; v <= 9; v++) {
							x[i] = v;
							rec(i + 1);
						}
					};
					rec(0);
					expect(bounds.map((b) => [b.lo, b.hi])).toEqual(lo.map((l, j) => [l, hi[j]]));
				}
			),
			{ numRuns: 60 }
		);
	}, 60_000);
});
