// The cell-key method: consistent, bounded, never small-non-zero from zero, and releaseTree
// never leaves a figure pinned by its parts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	KEY_MODULUS,
	MAX_DEVIATION,
	cellKey,
	distanceBand,
	releaseCount,
	releaseFromParts,
	releaseTree,
	releasedShare,
	trueCountRange,
	type CountNode
} from '../../src/lib/domain/disclosure';

describe('cell-key perturbation', () => {
	it('keeps 0 exact, never releases a non-zero count as 0, and stays within ±D', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 10_000 }), fc.nat(), (n, k) => {
				const r = releaseCount(n, k);
				if (n === 0) expect(r).toBe(0);
				else {
					expect(r).toBeGreaterThanOrEqual(1);
					expect(Math.abs(r - n)).toBeLessThanOrEqual(MAX_DEVIATION);
					const [lo, hi] = trueCountRange(r);
					expect(n).toBeGreaterThanOrEqual(lo);
					expect(n).toBeLessThanOrEqual(hi);
				}
			})
		);
	});

	it('gives the same children the same noise, and a cell key depends only on the key sum modulo', () => {
		expect(cellKey(5)).toBe(cellKey(5 + 3 * KEY_MODULUS));
		expect(releaseCount(17, 123_456)).toBe(releaseCount(17, 123_456 + KEY_MODULUS));
	});

	it('uses every noise from -D to +D for large counts, most often none', () => {
		const seen = new Map<number, number>();
		for (let k = 0; k < KEY_MODULUS; k += 997) {
			const e = releaseCount(100, k) - 100;
			seen.set(e, (seen.get(e) ?? 0) + 1);
		}
		for (let e = -MAX_DEVIATION; e <= MAX_DEVIATION; e++) expect(seen.get(e)).toBeGreaterThan(0);
		const most = [...seen.entries()].sort((a, b) => b[1] - a[1])[0][0];
		expect(most).toBe(0);
	});

	it('a singleton is released 1..4, and its range never pins it', () => {
		for (let k = 0; k < KEY_MODULUS; k += 4099) {
			const r = releaseCount(1, k);
			expect(r).toBeGreaterThanOrEqual(1);
			expect(r).toBeLessThanOrEqual(1 + MAX_DEVIATION);
			const [lo, hi] = trueCountRange(r);
			expect(hi - lo).toBeGreaterThanOrEqual(MAX_DEVIATION);
		}
	});
});

/** Find a key whose ptable noise for `count` is `e`. */
function keyFor(count: number, e: number): number {
	for (let k = 0; k < KEY_MODULUS; k += 13) if (releaseCount(count, k) - count === e) return k;
	throw new Error(`no key gives ${e} for ${count}`);
}

describe('nested figures (releaseTree)', () => {
	it('never uses noise -D where the parts are all singletons: the whole would pin them', () => {
		// four singletons (each released 1..4, so their lower bounds are exact) summing to 4:
		// released as 1 (noise -3), the whole's upper bound 4 would fix every part at 1
		const parts: CountNode[] = [0, 1, 2, 3].map((i) => ({ count: 1, keySum: 1000 + i }));
		const whole = releaseFromParts(
			4,
			keyFor(4, -MAX_DEVIATION),
			parts.map((p) => ({ count: 1, result: releaseTree(p) }))
		);
		expect(whole.released).toBe(4 - MAX_DEVIATION + 1);
		// with one part of two children the parts do not pin it: the noise is kept
		const mixed = releaseFromParts(4, keyFor(4, -MAX_DEVIATION), [
			{ count: 1, result: releaseTree({ count: 1, keySum: 3 }) },
			{ count: 1, result: releaseTree({ count: 1, keySum: 4 }) },
			{ count: 2, result: releaseTree({ count: 2, keySum: keyFor(2, 0) }) }
		]);
		expect(mixed.released).toBe(4 - MAX_DEVIATION);
	});

	it('never uses +D where every part is at -D', () => {
		const part = () => ({ count: 10, result: releaseTree({ count: 10, keySum: keyFor(10, -3) }) });
		const whole = releaseFromParts(20, keyFor(20, MAX_DEVIATION), [part(), part()]);
		expect(whole.released).toBe(20 + MAX_DEVIATION - 1);
	});

	it('releases a figure with one part of the same size as that part (same children, same number)', () => {
		const inner: CountNode = {
			count: 6,
			keySum: 77,
			parts: [
				{ count: 3, keySum: 30 },
				{ count: 3, keySum: 47 }
			]
		};
		const chain: CountNode = { count: 6, keySum: 77, parts: [inner] };
		expect(releaseTree(chain).released).toBe(releaseTree(inner).released);
	});

	it('no figure of a random tree is both low- and high-exact (pinned)', () => {
		const tree: fc.Arbitrary<CountNode> = fc.letrec<{ node: CountNode }>((tie) => ({
			node: fc.oneof(
				{ depthSize: 'small', withCrossShrink: true },
				fc.record({ count: fc.integer({ min: 1, max: 4 }), keySum: fc.nat() }),
				// a whole is the exact sum of its parts, records and keys alike
				fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((parts) => ({
					count: parts.reduce((a, p) => a + p.count, 0),
					keySum: parts.reduce((a, p) => a + p.keySum, 0),
					parts
				}))
			)
		})).node;
		fc.assert(
			fc.property(tree, (t) => {
				releaseTree(t, (n, r) => {
					expect(r.lowExact && r.highExact && n.count > 0).toBe(false);
				});
			}),
			{ numRuns: 500 }
		);
	});
});

describe('derived figures', () => {
	it('shares come from released counts and never exceed 1', () => {
		expect(releasedShare(7, 5)).toBe(1);
		expect(releasedShare(2, 8)).toBe(0.25);
		expect(releasedShare(0, 0)).toBeNull();
	});

	it('distances to homes are bands', () => {
		expect(distanceBand(4)).toBe('under100');
		expect(distanceBand(100)).toBe('100to500');
		expect(distanceBand(500)).toBe('100to500');
		expect(distanceBand(501)).toBe('over500');
	});
});
