import { describe, expect, it } from 'vitest';
import {
	compareValues,
	completionRows,
	nextSort,
	sortCompletion,
	sortExposure,
	sortRows,
	type ExposureRow
} from '../../src/lib/domain/table-sort';

const completion = completionRows([
	{ code: 'a', name: '峰口镇', required: 10, complete: 9 },
	{ code: 'b', name: '汊河镇', required: 20, complete: 5 },
	{ code: 'c', name: '黄家口镇', required: 0, complete: 0 },
	{ code: 'd', name: '新堤街道', required: 40, complete: 10 },
	{ code: 'e', name: '燕窝镇', required: 8, complete: 2 }
]);

describe('dashboard tables: worst first', () => {
	it('completion: lowest rate first, the larger backlog first at equal rates, no-rate last', () => {
		const order = sortCompletion(completion).map((r) => r.code);
		// b 25 % (15 missing) = d 25 % (30 missing) → d first; e 25 % (6 missing) after them
		expect(order).toEqual(['d', 'b', 'e', 'a', 'c']);
	});

	it('any column, either direction; the rate of an area with nothing to do stays last', () => {
		expect(sortCompletion(completion, { key: 'rate', dir: 'desc' }).map((r) => r.code)).toEqual([
			'a',
			'd',
			'b',
			'e',
			'c'
		]);
		expect(sortCompletion(completion, { key: 'required', dir: 'desc' })[0].code).toBe('d');
		expect(sortCompletion(completion, { key: 'required', dir: 'asc' })[0].code).toBe('c');
	});

	it('names sort by pinyin, not by code point', () => {
		const names = sortCompletion(completion, { key: 'name', dir: 'asc' }).map((r) => r.name);
		expect(names).toEqual(['汊河镇', '峰口镇', '黄家口镇', '新堤街道', '燕窝镇']);
	});

	it('exposure: most children near incomplete segments first; withheld counts never ranked', () => {
		const rows: ExposureRow[] = [
			{
				code: 'x',
				name: '甲',
				children: 100,
				nearIncomplete: 12,
				nearShare: 0.12,
				uncovered: 3,
				uncoveredShare: 0.03
			},
			{
				code: 'y',
				name: '乙',
				children: 50,
				nearIncomplete: null,
				nearShare: null,
				uncovered: 9,
				uncoveredShare: 0.18
			},
			{
				code: 'z',
				name: '丙',
				children: 80,
				nearIncomplete: 40,
				nearShare: 0.5,
				uncovered: 0,
				uncoveredShare: 0
			},
			{
				code: 'w',
				name: '丁',
				children: 80,
				nearIncomplete: 12,
				nearShare: 0.15,
				uncovered: 1,
				uncoveredShare: 0.01
			}
		];
		expect(sortExposure(rows).map((r) => r.code)).toEqual(['z', 'w', 'x', 'y']);
		// the withheld one is last in both directions: its place would tell its size
		// (ties: the worse share first, whichever the direction chosen)
		expect(sortExposure(rows, { key: 'nearIncomplete', dir: 'asc' }).map((r) => r.code)).toEqual([
			'w',
			'x',
			'z',
			'y'
		]);
	});

	it('does not change its input', () => {
		const copy = completion.map((r) => ({ ...r }));
		sortRows(completion, { key: 'rate', dir: 'asc' });
		expect(completion).toEqual(copy);
	});
});

describe('choosing a column', () => {
	it('first its worst-first direction, then the other', () => {
		const s1 = nextSort({ key: 'rate', dir: 'asc' }, 'incomplete', 'desc');
		expect(s1).toEqual({ key: 'incomplete', dir: 'desc' });
		expect(nextSort(s1, 'incomplete', 'desc')).toEqual({ key: 'incomplete', dir: 'asc' });
	});
	it('compares numbers as numbers and nulls last', () => {
		expect(compareValues(9, 10, 'asc')).toBeLessThan(0);
		expect(compareValues(null, 0, 'asc')).toBeGreaterThan(0);
		expect(compareValues(null, 0, 'desc')).toBeGreaterThan(0);
	});
});
