// The annual report's main figures beside last year's record: each change is this year's figure
// less last year's, a share's change is in points of the shares as written, a figure missing on
// either side has no change (not 0), and a kept record that lost a field is not trusted.
import { describe, expect, it } from 'vitest';
import {
	parseReportStock,
	stockChanges,
	type ReportStock
} from '../../src/lib/domain/annual-compare';
import { stockChangeRows } from '../../src/lib/charts/annual-compare-text';
import { translator } from '../../src/lib/i18n';

function stock(over: Partial<ReportStock> = {}): ReportStock {
	return {
		children: {
			area: {
				code: '421083000000',
				name: '洪湖市',
				total: 3449,
				leftBehind: 2027,
				inDifficulty: 1662
			},
			bySubunit: []
		},
		homes: { total: 272, large: 254 },
		stations: 3,
		items: { required: 596, complete: 224, bySubunit: [] },
		coverage: { radiusM: 1000, villages: 300, covered: 258 },
		...over
	};
}

describe('stockChanges', () => {
	it('gives every figure this year, last year and the difference', () => {
		const before = stock({ homes: { total: 260, large: 230 }, stations: 2 });
		const now = stock();
		const c = Object.fromEntries(stockChanges(now, before).map((x) => [x.key, x]));
		expect(c.homes).toMatchObject({ now: 272, before: 260, change: 12, kind: 'count' });
		expect(c.stations.change).toBe(1);
		expect(c.children.change).toBe(0);
		expect(c.homesLargeShare.kind).toBe('share');
		expect(c.homesLargeShare.change).toBeCloseTo(254 / 272 - 230 / 260, 12);
		expect(c.coverageShare.now).toBeCloseTo(258 / 300, 12);
	});

	it('has no change where either side has no figure', () => {
		const unreleased = stock();
		unreleased.children.area = { ...unreleased.children.area, leftBehind: null };
		const none = stock({ items: { required: 0, complete: 0, bySubunit: [] } });
		const c = Object.fromEntries(stockChanges(none, unreleased).map((x) => [x.key, x]));
		expect(c.leftBehind).toMatchObject({ now: 2027, before: null, change: null });
		expect(c.itemsShare).toMatchObject({ now: null, change: null });
		expect(stockChanges(stock(), null).every((x) => x.before === null && x.change === null)).toBe(
			true
		);
	});
});

describe('stockChangeRows', () => {
	const zh = translator('zh-CN');
	const en = translator('en');

	it('writes counts with signs and a share’s change in points of the written shares', () => {
		// 224/596 = 37.58…% → 37.6%; 200/596 = 33.55…% → 33.6%: 4.0 points as written
		const before = stock({ items: { required: 596, complete: 200, bySubunit: [] } });
		const rows = Object.fromEntries(
			stockChangeRows(stockChanges(stock(), before), zh, 'zh-CN', 1000).map((r) => [r.key, r])
		);
		expect(rows.itemsComplete).toMatchObject({ now: '224', before: '200', change: '+24' });
		expect(rows.itemsShare).toMatchObject({ now: '37.6%', before: '33.6%' });
		expect(rows.itemsShare.change).toBe(zh('annual.pp', { n: '+4.0' }));
		expect(rows.coverageCovered.name).toContain('1000');
		const fewer = stock({ stations: 1 });
		const down = stockChangeRows(stockChanges(fewer, stock()), en, 'en', 1000);
		expect(down.find((r) => r.key === 'stations')!.change).toBe('-2');
		expect(down.find((r) => r.key === 'itemsShare')!.change).toBe(en('annual.pp', { n: '0.0' }));
	});

	it('writes a dash where there is nothing to compare', () => {
		const rows = stockChangeRows(stockChanges(stock(), null), zh, 'zh-CN', 1000);
		expect(
			rows.every((r) => r.before === zh('annual.none') && r.change === zh('annual.none'))
		).toBe(true);
	});
});

describe('parseReportStock', () => {
	it('reads back what was kept, as JSON text or as an object', () => {
		const s = stock();
		expect(parseReportStock(JSON.stringify(s))).toEqual(s);
		expect(parseReportStock(s)).toEqual(s);
	});

	it('refuses a record missing a field, with a negative count, or not JSON', () => {
		const noStations: Partial<ReportStock> = stock();
		delete noStations.stations;
		expect(parseReportStock(noStations)).toBeNull();
		expect(parseReportStock({ ...stock(), stations: -1 })).toBeNull();
		expect(parseReportStock('{not json')).toBeNull();
		expect(parseReportStock(null)).toBeNull();
	});
});
