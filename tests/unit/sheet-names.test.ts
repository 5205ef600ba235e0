// Names a file's sheet takes from the page's words fit Excel's rule (at most 31 characters, none
// of \ / ? * [ ] :) as they are, so no export's sheet is cut mid-word; and the links that open
// something say what they open, not a bare "Open" that reads as a hazard's or an emergency's
// state.
import { describe, expect, it } from 'vitest';
import { translator, type Locale } from '$lib/i18n';
import type { MessageKey } from '$lib/i18n/zh';
import { sheetName } from '$lib/server/exports';

const SHEETS: MessageKey[] = [
	'emp.homes.sheet',
	'plan.sheet',
	'plan.coverageSheet',
	'cd.file.townships',
	'cd.file.overdue',
	'export.dashboard.completion',
	'export.dashboard.exposure',
	'export.segments',
	'cp.title'
];

describe.each(['zh-CN', 'en'] as Locale[])('in %s', (locale) => {
	const t = translator(locale);
	it.each(SHEETS)('the sheet named by %s is not cut', (key) => {
		expect(sheetName(t(key))).toBe(t(key));
	});

	it('the emergency homes sheet names homes of children, not the children’s homes sites', () => {
		const name = t('emp.homes.sheet');
		if (locale === 'en') {
			expect(name).toMatch(/emergency/i);
			expect(name).not.toMatch(/children's homes/i);
		} else expect(name).toMatch(/应急.*住址/);
	});
});

describe('links say what they open', () => {
	const en = translator('en');
	it('in English, not a bare "Open"', () => {
		expect(en('hz.view')).toMatch(/hazard/i);
		expect(en('em.banner.link')).toMatch(/emergency/i);
		for (const k of ['hz.view', 'em.banner.link'] as const) expect(en(k)).not.toBe('Open');
	});
});

describe('the campaign counts say which hazards they count', () => {
	const en = translator('en');
	const zh = translator('zh-CN');
	it('in English the not-yet-closed hazards (未销号) beside "Closed" are "Not closed", not "Open"', () => {
		expect(zh('cd.open')).toBe('未销号');
		expect(en('cd.closed')).toBe('Closed');
		expect(en('cd.open')).not.toBe('Open');
		expect(en('cd.open')).toMatch(/^not closed$/i);
	});
});
