// A campaign's days are Beijing's: one that starts at Beijing midnight on 1 May starts on
// 30 April in UTC, and every page, file and bulletin must still say 1 May.
import { describe, expect, it } from 'vitest';
import { campaignDays, deadlineDay } from '../../src/lib/domain/campaign-dashboard';
import { campaignsTable, hazardsTable } from '../../src/lib/server/exports-lists';
import { csvCell } from '../../src/lib/server/exports';
import { demoCampaignPeriod } from '../../src/lib/server/seed/campaign';
import type { CampaignRow, HazardRow } from '../../src/lib/server/repositories/campaigns';

/** 2026-05-01 00:00 in Beijing; 2026-10-01 00:00 there, the instant after 30 September */
const STARTS = new Date('2026-04-30T16:00:00Z');
const ENDS = new Date('2026-09-30T16:00:00Z');

describe('campaign days in Asia/Shanghai', () => {
	it('names the first and last days as Beijing has them', () => {
		expect(campaignDays({ startsAt: STARTS, endsAt: ENDS })).toEqual({
			firstDay: '2026-05-01',
			lastDay: '2026-09-30'
		});
		// a start late in the Beijing day is still that day (the UTC date is the same here)
		expect(
			campaignDays({ startsAt: new Date('2026-05-01T15:59:59Z'), endsAt: ENDS }).firstDay
		).toBe('2026-05-01');
		expect(deadlineDay(new Date('2026-06-10T16:00:00Z'))).toBe('2026-06-10');
	});

	it('writes the Beijing days in the campaign list export', () => {
		const row: CampaignRow = {
			id: 7,
			name: '2026年汛期隐患排查',
			area_code: '421083000000',
			area_name: '洪湖市',
			starts_at: STARTS,
			ends_at: ENDS,
			rules: {} as CampaignRow['rules'],
			created_by: 1,
			created_at: STARTS
		};
		const cells = campaignsTable([row], 'zh-CN').rows[0].map(csvCell);
		expect(cells.slice(3, 5)).toEqual(['2026-05-01', '2026-09-30']);
	});

	it('writes a hazard deadline as its last day in Beijing, as the pages show it', () => {
		const h = {
			id: 1,
			target_id: 2,
			target_name: '一小',
			item: 'wall',
			description: '',
			state: 'registered',
			severity: 'general',
			responsible: '张三',
			deadline: new Date('2026-06-10T16:00:00Z'),
			found_by_name: 'x',
			found_at: STARTS,
			fixed_at: null,
			closed_at: null
		} as unknown as HazardRow;
		const table = hazardsTable([h], new Map(), 'zh-CN');
		const col = table.header.indexOf('整改期限（含当日）');
		expect(col).toBeGreaterThan(0);
		expect(csvCell(table.rows[0][col])).toBe('2026-06-10');
	});

	it('opens the demo campaign on the Beijing day of the first start', () => {
		// 07:30 in Beijing on 1 May is still 30 April in UTC
		const inSeason = demoCampaignPeriod(new Date('2026-04-30T23:30:00Z'));
		expect(campaignDays(inSeason)).toEqual({ firstDay: '2026-05-01', lastDay: '2026-09-30' });
		expect(inSeason.name).toBe('2026年汛期隐患排查');
		// in December, the coming season's campaign, from today
		const before = demoCampaignPeriod(new Date('2026-12-05T17:00:00Z'));
		expect(campaignDays(before)).toEqual({ firstDay: '2026-12-06', lastDay: '2027-09-30' });
		expect(before.name).toBe('2027年汛期隐患排查');
	});
});
