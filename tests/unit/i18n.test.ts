import { describe, expect, it } from 'vitest';
import { translator, formatCount } from '../../src/lib/i18n';

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
