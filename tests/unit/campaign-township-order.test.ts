// The campaign dashboard's township table (and the bulletin's, and their files) start "most in
// need first": a township with hazards still open comes before one with none, however far its
// visits have gone; among equals the least visited first.
import { describe, expect, it } from 'vitest';
import { sortTownships, type TownshipRow } from '../../src/lib/domain/campaign-dashboard';
import { townshipTable } from '../../src/lib/server/exports-campaign';

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
