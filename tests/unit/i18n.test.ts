import { describe, expect, it } from 'vitest';
import { translator, formatCount, formatDate, formatShare } from '../../src/lib/i18n';
import { en } from '../../src/lib/i18n/en';
import { checklistVersionText } from '../../src/lib/components/campaign/format';

describe('messages with counts', () => {
	it('says "1 child" and "2 children" in English, whatever the count formatting', () => {
		const en = translator('en');
		const rule = (n: number) =>
			en('seg.ruleYes', {
				radius: 500,
				kinds: 'a school',
				children: formatCount(n, 'en'),
				nearest: ''
			});
		expect(rule(1)).toContain('1 child within');
		expect(rule(0)).toContain('0 children within');
		expect(rule(2)).toContain('2 children within');
		expect(rule(1234)).toContain('1,234 children within');
		expect(en('ww.count', { n: 1 })).toBe('1 segment');
		expect(en('ww.count', { n: 115 })).toBe('115 segments');
	});
	it('leaves Chinese without plural forms, and unknown parameters as written', () => {
		const zh = translator('zh-CN');
		expect(zh('ww.count', { n: 1 })).not.toMatch(/\|/);
		expect(translator('en')('ww.count', {})).toBe('{n} {n|segment|segments}');
	});
});

describe('dates', () => {
	it('names the calendar day in China, as the time-zone database does, around midnight and in summer-time years', () => {
		const tz = new Intl.DateTimeFormat('en-CA', {
			timeZone: 'Asia/Shanghai',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric'
		});
		const expected = (d: Date) => {
			const p = Object.fromEntries(tz.formatToParts(d).map((x) => [x.type, x.value]));
			return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
		};
		const instants = [
			// 15:59 and 16:00 UTC: the last minute of a Chinese day and the first of the next
			'2026-05-31T15:59:59.999Z',
			'2026-05-31T16:00:00.000Z',
			'2026-12-31T16:00:00Z',
			'2024-02-28T16:30:00Z',
			// 1988 kept summer time (UTC+9): 15:30 UTC was already the next day there
			'1988-07-01T15:30:00Z',
			'1991-09-14T15:30:00Z',
			'1992-01-01T00:00:00Z'
		].map((s) => new Date(s));
		// and a day's worth of hours every ten days over three years
		for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2027, 0, 1); t += 10 * 86_400_000 + 3_600_000)
			instants.push(new Date(t));
		for (const d of instants) expect(formatDate(d, 'zh-CN'), d.toISOString()).toBe(expected(d));
		expect(formatDate('2026-05-31T16:00:00Z', 'zh-CN')).toBe('2026年6月1日');
	});
});

describe('which checklist a check answered', () => {
	it('calls version 0 the default checklist, and later ones by their number, in both languages', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		expect(checklistVersionText(0, zh)).toBe('按默认清单');
		expect(checklistVersionText(0, en)).toBe('on the default checklist');
		expect(checklistVersionText(1, zh)).toBe('按第 1 版清单');
		expect(checklistVersionText(3, en)).toBe('on checklist version 3');
		for (const t of [zh, en]) expect(checklistVersionText(0, t)).not.toMatch(/0/);
	});
});

describe('shares', () => {
	it('never rounds a share that is neither none nor all to 0% or 100%', () => {
		expect(formatShare(1 / 1028)).toBe('<1%');
		expect(formatShare(1027 / 1028)).toBe('>99%');
		expect(formatShare(0)).toBe('0%');
		expect(formatShare(1)).toBe('100%');
		expect(formatShare(0.5)).toBe('50%');
		expect(formatShare(0.005)).toBe('1%');
	});
});

describe('English typography', () => {
	// a curly apostrophe was drawn full-width by the Chinese face ("campaign’ s second day", QA
	// walk 3): the English catalogue writes the straight one, everywhere
	it('writes apostrophes straight', () => {
		const curly = Object.entries(en).filter(([, v]) => /[‘’]/.test(String(v)));
		expect(curly).toEqual([]);
		expect(translator('en')('cd.noTrend')).toContain("campaign's second day");
	});
});
