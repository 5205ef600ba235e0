// The printed page number's CSS (components/page-numbers.ts): the catalogue's words around
// Chromium's page counters, in either language, and no text that could break out of the
// string or the <style> element it is written into.
import { describe, expect, it } from 'vitest';
import { cssString, pageNumberContent, pageNumberCss } from '../../src/lib/components/page-numbers';
import { translator } from '../../src/lib/i18n';

describe('page numbers on paper', () => {
	it('puts the counters where the message has its placeholders, in both languages', () => {
		expect(pageNumberContent(translator('zh-CN')('print.pageOf'))).toBe(
			'"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
		);
		expect(pageNumberContent(translator('en')('print.pageOf'))).toBe(
			'"Page " counter(page) " of " counter(pages)'
		);
	});

	it('escapes quotes, backslashes, new lines and "<" so the words stay a CSS string', () => {
		const s = cssString('a"b\\c</style>\nd');
		expect(s).toBe('"a\\22 b\\5c c\\3c /style>\\a d"');
		expect(s.slice(1, -1)).not.toMatch(/["<\n]/);
		expect(pageNumberCss('{page}</style><script>')).not.toContain('</style>');
	});

	it('numbers the foot of the printed page only', () => {
		const css = pageNumberCss('{page}/{pages}');
		expect(css).toMatch(/^@media print \{ @page \{ @bottom-center \{ content: /);
		expect(css).toContain('counter(page) "/" counter(pages)');
	});
});
