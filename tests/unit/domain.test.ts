import { describe, expect, it } from 'vitest';
import {
	ageOn,
	categoriesOutOfAge,
	hiddenMarks,
	protectSiblings,
	suppress,
	suppressPart
} from '$lib/domain/children';
import { completeness, completenessFromCount, statusesFor } from '$lib/domain/equipment';
import { childLevel, jurisdictionPrefix, levelOfCode } from '$lib/domain/admin';

describe('four-item completeness', () => {
	it('is complete only when all four items are present', () => {
		expect(
			completeness({ sign: 'present', buoy: 'present', rope: 'present', pole: 'present' })
		).toBe('complete');
		expect(completeness({ sign: 'present', buoy: 'present', rope: 'present', pole: 'used' })).toBe(
			'partial'
		);
		expect(completeness({ sign: 'damaged', buoy: 'missing', rope: 'used', pole: 'unknown' })).toBe(
			'none'
		);
		expect(completeness({})).toBe('none');
	});
	it('ignores the optional barrier slot', () => {
		expect(
			completeness({
				sign: 'present',
				buoy: 'present',
				rope: 'present',
				pole: 'present',
				barrier: 'missing'
			})
		).toBe('complete');
		expect(completeness({ barrier: 'present' })).toBe('none');
	});
	it('agrees with the count-based form used by tiles', () => {
		expect([0, 1, 3, 4].map(completenessFromCount)).toEqual([
			'none',
			'partial',
			'partial',
			'complete'
		]);
	});
});

describe('states a check can record', () => {
	it('offers "used and not replaced" only for what a rescue takes away', () => {
		expect(statusesFor('buoy')).toContain('used');
		expect(statusesFor('rope')).toContain('used');
		expect(statusesFor('pole')).toContain('used');
		expect(statusesFor('sign')).toEqual(['present', 'missing', 'damaged']);
		expect(statusesFor('barrier')).toEqual(['present', 'missing', 'damaged']);
	});
});

describe('suppressing a part of a shown whole', () => {
	it('hides a part when it, or the rest of the whole, is 1 to 4', () => {
		expect(suppressPart(5, 6)).toEqual({ suppressed: true });
		expect(suppressPart(3, 40)).toEqual({ suppressed: true });
		expect(suppressPart(36, 40)).toEqual({ suppressed: true });
		expect(suppressPart(35, 40)).toEqual({ suppressed: false, count: 35 });
		// all of them: nothing about any one child that the whole does not already say
		expect(suppressPart(12, 12)).toEqual({ suppressed: false, count: 12 });
		expect(suppressPart(0, 12)).toEqual({ suppressed: true });
	});
});

describe('hiding small counts among the parts of a shown whole', () => {
	const hidden = (cs: ReturnType<typeof protectSiblings>) =>
		cs.flatMap((c, i) => (c.suppressed ? [i] : []));
	it('hides the next smallest when one "<5" alone could be had by subtraction', () => {
		// 20 = 6 + 8 + ? : the third would be 6 - hide one more, the smallest
		expect(hidden(protectSiblings([6, 8, 3]))).toEqual([0, 2]);
	});
	it('keeps hiding until the hidden together hold at least 5', () => {
		expect(hidden(protectSiblings([1, 2, 30, 40, 9]))).toEqual([0, 1, 4]);
		expect(hidden(protectSiblings([3, 4, 30]))).toEqual([0, 1]);
	});
	it('leaves a group with nothing small alone, and two zeros are zeros', () => {
		expect(hidden(protectSiblings([12, 30, 7]))).toEqual([]);
		expect(hidden(protectSiblings([0, 0, 30]))).toEqual([0, 1]);
	});
	it('hides at least what each part hides by its own rule', () => {
		const own = [suppress(30), { suppressed: true as const }, suppress(25), suppress(40)];
		expect(hidden(protectSiblings([30, 36, 25, 40], own))).toEqual([1, 2]);
	});
	it('marks the counts it hides beyond their own rule, and only those', () => {
		// 6 is hidden to protect 3: it is not under 5, so it says why it is hidden
		expect(protectSiblings([6, 8, 3])).toEqual([
			{ suppressed: true, protects: true },
			{ suppressed: false, count: 8 },
			{ suppressed: true }
		]);
		expect(protectSiblings([1, 2, 30, 40, 9])).toEqual([
			{ suppressed: true },
			{ suppressed: true },
			{ suppressed: false, count: 30 },
			{ suppressed: false, count: 40 },
			{ suppressed: true, protects: true }
		]);
		// two small ones that together hold 5 or more need no protection
		expect(protectSiblings([3, 4, 30])).toEqual([
			{ suppressed: true },
			{ suppressed: true },
			{ suppressed: false, count: 30 }
		]);
		expect(protectSiblings([0, 0, 30]).some((c) => c.suppressed && c.protects)).toBe(false);
	});
	it('keeps a hidden-by-own-rule count as it is, and marks the one hidden for it', () => {
		// 36 of 40 is hidden by its part's own rule (the rest, 4, is small), although 36 >= 5
		const own = [suppress(30), { suppressed: true as const }, suppress(25), suppress(40)];
		expect(protectSiblings([30, 36, 25, 40], own)).toEqual([
			{ suppressed: false, count: 30 },
			{ suppressed: true },
			{ suppressed: true, protects: true },
			{ suppressed: false, count: 40 }
		]);
	});
	it('hides every part, each marked by why, when no fewer would do', () => {
		expect(protectSiblings([2, 7])).toEqual([
			{ suppressed: true },
			{ suppressed: true, protects: true }
		]);
	});
	it('tells which marks a list shows, for its key', () => {
		expect(hiddenMarks(protectSiblings([6, 8, 3]))).toEqual({ small: true, protects: true });
		expect(hiddenMarks(protectSiblings([3, 4, 30]))).toEqual({ small: true, protects: false });
		expect(hiddenMarks([suppress(12)])).toEqual({ small: false, protects: false });
	});
});

describe('children', () => {
	it('computes age in whole years, counting the birthday itself', () => {
		const day = new Date(Date.UTC(2026, 5, 30));
		expect(ageOn(new Date(Date.UTC(2010, 5, 30)), day)).toBe(16);
		expect(ageOn(new Date(Date.UTC(2010, 6, 1)), day)).toBe(15);
		expect(ageOn(new Date(Date.UTC(2026, 0, 1)), day)).toBe(0);
	});
	it('flags left-behind children of 16 and children in difficulty of 18', () => {
		const day = new Date(Date.UTC(2026, 5, 30));
		const sixteen = new Date(Date.UTC(2010, 0, 1));
		expect(categoriesOutOfAge(['left_behind_rural', 'orphan'], sixteen, day)).toEqual([
			'left_behind_rural'
		]);
		const seventeen = new Date(Date.UTC(2009, 0, 1));
		expect(categoriesOutOfAge(['low_income_family'], seventeen, day)).toEqual([]);
		const eighteen = new Date(Date.UTC(2008, 0, 1));
		expect(categoriesOutOfAge(['low_income_family'], eighteen, day)).toEqual(['low_income_family']);
	});
	it('suppresses counts under five', () => {
		expect(suppress(0)).toEqual({ suppressed: true });
		expect(suppress(4)).toEqual({ suppressed: true });
		expect(suppress(5)).toEqual({ suppressed: false, count: 5 });
	});
});

describe('administrative codes', () => {
	it('reads the level from the code', () => {
		expect(levelOfCode('420000000000')).toBe('province');
		expect(levelOfCode('421000000000')).toBe('prefecture');
		expect(levelOfCode('429000000000')).toBe('prefecture');
		expect(levelOfCode('421083000000')).toBe('county');
		expect(levelOfCode('429004000000')).toBe('county');
		expect(levelOfCode('421083001000')).toBe('township');
		expect(levelOfCode('421083001201')).toBe('village');
		expect(() => levelOfCode('42108300')).toThrow();
	});
	it('turns a code into the prefix of its jurisdiction', () => {
		expect(jurisdictionPrefix('420000000000')).toBe('42');
		expect(jurisdictionPrefix('421000000000')).toBe('4210');
		expect(jurisdictionPrefix('421083001000')).toBe('421083001');
		expect(jurisdictionPrefix('421083001201')).toBe('421083001201');
	});
	it('walks one level down', () => {
		expect(childLevel('county')).toBe('township');
		expect(childLevel('village')).toBeNull();
	});
});
