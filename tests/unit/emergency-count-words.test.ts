// The emergency desk shows two counts for one village: "near a place" the village's released
// (perturbation-protected) children figures, the homes list one row per registered child's home.
// Each says what it counts, in both languages, on screen and in the homes file's headings, so an
// officer does not read 18 and 15 as one figure that disagrees with itself.
import { describe, expect, it } from 'vitest';
import { translator, type Locale } from '$lib/i18n';
import { homesTable } from '$lib/server/exports-homes';

const WORDS: Record<Locale, { released: RegExp; child: RegExp }> = {
	'zh-CN': { released: /发布数/, child: /儿童/ },
	en: { released: /released/i, child: /child/i }
};

describe.each(Object.keys(WORDS) as Locale[])('emergency count words in %s', (locale) => {
	const t = translator(locale);
	const w = WORDS[locale];

	it('calls the figures near a place released children figures', () => {
		for (const key of [
			'emp.near.childrenTotal',
			'emp.near.leftBehind',
			'emp.near.inDifficulty'
		] as const) {
			expect(t(key)).toMatch(w.released);
			expect(t(key)).toMatch(w.child);
		}
	});

	it('counts the homes list in children, one home a child, and says it differs from those', () => {
		const n = 15;
		for (const text of [t('em.homes.count', { n }), t('emp.homes.total', { n, v: 2 })]) {
			expect(text).toContain(String(n));
			expect(text).toMatch(w.child);
			expect(text).not.toMatch(w.released);
		}
		expect(t('emp.homes.countNote')).toMatch(w.released);
	});

	it("heads the homes file's rows as children's, as the page does", () => {
		const table = homesTable([], locale);
		expect(table.header).toContain(t('em.homes.ref'));
		expect(t('em.homes.ref')).toMatch(w.child);
		expect(t('emp.homes.sheet')).toMatch(w.child);
	});
});
