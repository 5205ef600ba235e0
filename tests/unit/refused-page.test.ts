import { describe, expect, it } from 'vitest';
import { refusedPageHtml } from '../../src/lib/server/refused-page';
import { translator } from '../../src/lib/i18n';

describe('the page refused to a role', () => {
	it('speaks only the user’s language', () => {
		const zhPage = refusedPageHtml('zh-CN');
		const enPage = refusedPageHtml('en');
		const zh = translator('zh-CN');
		const en = translator('en');
		expect(zhPage).toContain('<html lang="zh-CN">');
		expect(zhPage).toContain(`<h1>${zh('error.403')}</h1>`);
		expect(zhPage).toContain(zh('error.403.body'));
		expect(zhPage).toContain(zh('error.home'));
		expect(zhPage).not.toContain(en('error.home'));
		expect(enPage).toContain('<html lang="en">');
		expect(enPage).toContain(`<h1>${en('error.403')}</h1>`);
		expect(enPage).not.toMatch(/[\u4e00-\u9fff]/);
	});

	it('loads nothing and runs nothing', () => {
		const html = refusedPageHtml('zh-CN');
		expect(html).not.toMatch(/<script|<link|src=|url\(/i);
		expect(html).toContain('<a href="/">');
	});
});
