// Which days a campaign's bulletin can be made for: the campaign's days up to today, never a day
// with no campaign or no figures yet.
import { describe, expect, it } from 'vitest';
import { bulletinDays } from '$lib/domain/campaign-dashboard';

// 2026-12-07 .. 2027-09-30 in Beijing (start at Beijing midnight, end the instant after the last day)
const c = {
	startsAt: new Date('2026-12-06T16:00:00Z'),
	endsAt: new Date('2027-09-30T16:00:00Z')
};
const noonOn = (day: string) => new Date(`${day}T12:00:00+08:00`);

describe('bulletin days', () => {
	it('offers the first day to today while the campaign runs, and moves other days inside', () => {
		const now = noonOn('2026-12-10');
		expect(bulletinDays(c, '2026-12-09', now)).toEqual({
			day: '2026-12-09',
			minDay: '2026-12-07',
			maxDay: '2026-12-10',
			moved: false
		});
		expect(bulletinDays(c, '2027-12-31', now)).toMatchObject({ day: '2026-12-10', moved: true });
		expect(bulletinDays(c, '2026-12-01', now)).toMatchObject({ day: '2026-12-07', moved: true });
		expect(bulletinDays(c, null, now)).toMatchObject({ day: '2026-12-10', moved: false });
	});

	it('after the campaign, ends at its last day', () => {
		const now = noonOn('2027-11-01');
		expect(bulletinDays(c, '2027-10-15', now)).toMatchObject({
			day: '2027-09-30',
			maxDay: '2027-09-30',
			moved: true
		});
		expect(bulletinDays(c, null, now)).toMatchObject({ day: '2027-09-30', moved: false });
	});

	it('before the campaign starts, offers only today', () => {
		const now = noonOn('2026-12-01');
		expect(bulletinDays(c, '2026-12-08', now)).toEqual({
			day: '2026-12-01',
			minDay: '2026-12-01',
			maxDay: '2026-12-01',
			moved: true
		});
	});
});
