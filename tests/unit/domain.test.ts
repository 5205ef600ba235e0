import { describe, expect, it } from 'vitest';
import { ageOn, categoriesOutOfAge } from '$lib/domain/children';
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
