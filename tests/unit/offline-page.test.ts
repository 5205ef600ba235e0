import { describe, expect, it } from 'vitest';
import { offlinePageHtml } from '../../src/lib/offline/offline-page';
import { translator } from '../../src/lib/i18n';

describe('the page shown offline for a page not kept', () => {
	it('is in the language the lists last gave, Chinese when none', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		for (const locale of ['zh-CN', null, 'xx']) {
			const html = offlinePageHtml(locale);
			expect(html).toContain('<html lang="zh-CN">');
			expect(html).toContain(zh('offline.body'));
			expect(html).not.toContain(en('offline.body'));
		}
		const html = offlinePageHtml('en');
		expect(html).toContain('<html lang="en">');
		expect(html).not.toMatch(/[\u4e00-\u9fff]/);
	});

	it('leads to both field lists, and reloads itself when the signal returns', () => {
		const html = offlinePageHtml('zh-CN');
		expect(html).toContain('href="/waterways"');
		expect(html).toContain('href="/campaigns/mine"');
		expect(html).toMatch(/addEventListener\('online'/);
	});
});
