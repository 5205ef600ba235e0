// The campaign dashboard's township table (and the bulletin's, and their files) start "most in
// need first": a township with hazards still open comes before one with none, however far its
// visits have gone; among equals the least visited first.
import { describe, expect, it } from 'vitest';
import {
	directLevel,
	sortTownships,
	townshipRowName,
	type TownshipRow
} from '../../src/lib/domain/campaign-dashboard';
import { townshipTable } from '../../src/lib/server/exports-campaign';
import { translator } from '../../src/lib/i18n';

function row(name: string, targets: number, visited: number, open: number, overdue = 0) {
	return {
		code: name,
		name,
		targets,
		visited,
		visitedShare: targets ? visited / targets : null,
		found: open,
		fixed: 0,
		closed: 0,
		open,
		overdue
	} satisfies TownshipRow;
}

// the QA's case: every township but one half visited and clear; 螺山镇 all visited, hazards open
const rows = [
	row('峰口镇', 40, 20, 0),
	row('螺山镇', 30, 30, 3),
	row('新堤街道', 50, 10, 0),
	row('燕窝镇', 20, 20, 1, 1)
];

describe('township order by default', () => {
	it('puts overdue, then open hazards first, then the least visited', () => {
		expect(sortTownships(rows).map((r) => r.name)).toEqual([
			'燕窝镇',
			'螺山镇',
			'新堤街道',
			'峰口镇'
		]);
	});

	it('writes the file in the same order as the screen', () => {
		const names = townshipTable(rows, undefined, 'zh-CN').rows.map((r) => r[0]);
		expect(names).toEqual(sortTownships(rows).map((r) => r.name));
	});
});

// QA bug 6c: the county's own units (a county-level school, whose area is the county itself)
// were listed as a row named after the county ("洪湖市 2"), read as if it were a township.
describe("the county's own units", () => {
	const county = { ...row('洪湖市', 2, 0, 5, 4), code: '421083000000' };
	const townships = rows.map((r, i) => ({ ...r, code: `42108310${i}000` }));
	const all = [county, ...townships];

	it('follow the townships in every order, whatever their figures', () => {
		const specs = [
			undefined,
			...(['name', 'targets', 'visited', 'visitedShare', 'open', 'overdue'] as const).flatMap(
				(key) => (['asc', 'desc'] as const).map((dir) => ({ key, dir }))
			)
		];
		for (const spec of specs) {
			const sorted = sortTownships(all, spec);
			expect(sorted.at(-1)?.code, JSON.stringify(spec)).toBe('421083000000');
			expect(sorted.slice(0, -1).map((r) => r.code)).toEqual(
				sortTownships(townships, spec).map((r) => r.code)
			);
		}
	});

	it('are labelled as such on screen, paper and file, in both languages', () => {
		expect(directLevel('421083000000')).toBe('county');
		expect(directLevel('421083100000')).toBeNull();
		const zh = translator('zh-CN');
		expect(townshipRowName(county, zh)).toBe('县级（直属）单位 · 洪湖市');
		expect(townshipRowName(townships[0], zh)).toBe('峰口镇');
		expect(townshipRowName(county, translator('en'))).toBe('County-level units · 洪湖市');
		const file = townshipTable(all, undefined, 'zh-CN').rows;
		expect(file.at(-1)?.[0]).toBe('县级（直属）单位 · 洪湖市');
		expect(file.map((r) => r[0])).not.toContain('洪湖市');
		expect(townshipTable(all, undefined, 'en').rows.at(-1)?.[0]).toBe(
			'County-level units · 洪湖市'
		);
	});

	it('keep the totals: every row is in the table once', () => {
		const file = townshipTable(all, { key: 'name', dir: 'asc' }, 'zh-CN').rows;
		expect(file).toHaveLength(all.length);
		const sum = (k: number) => file.reduce((a, r) => a + Number(r[k]), 0);
		expect(sum(1)).toBe(all.reduce((a, r) => a + r.targets, 0));
		expect(sum(8)).toBe(all.reduce((a, r) => a + r.overdue, 0));
	});
});
