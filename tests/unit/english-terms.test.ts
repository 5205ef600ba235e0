// One English term for one thing (QA walk): the Chinese names the concept, so every English
// message whose Chinese speaks of a 河段 calls it a segment (the emergency desk said "river reach"
// and "Segment ID" where the rest of the UI says "segment" and "No."), every 现场发现 is a target
// "found in the field" (not a "field find"), and the outbox's delete button says what it does.
import { describe, expect, it } from 'vitest';
import { zh } from '../../src/lib/i18n/zh';
import { en } from '../../src/lib/i18n/en';
import { translator } from '../../src/lib/i18n';

const pairs = Object.entries(zh)
	.filter((e): e is [string, string] => typeof e[1] === 'string')
	.map(([key, chinese]) => ({ key, chinese, english: (en as Record<string, string>)[key] }));

describe('a waterway segment', () => {
	const segments = pairs.filter((p) => p.chinese.includes('河段'));

	it('is never a "reach" nor has an "ID" in English', () => {
		expect(segments.length).toBeGreaterThan(20);
		const odd = segments.filter((p) => /\breach\b|segment id/i.test(p.english));
		expect(odd.map((p) => `${p.key}: ${p.english}`)).toEqual([]);
	});

	it('is numbered "No." wherever the Chinese speaks of its 编号 as a label', () => {
		for (const key of ['emp.near.segmentId', 'em.rescue.segment', 'em.homes.segmentId'])
			expect(en[key as keyof typeof en], key).toMatch(/segment No\.$/i);
		expect(translator('en')('emp.near.reach', { r: 500, name: '东荆河', id: 12 })).toBe(
			'Within 500 m of segment 东荆河 (No. 12)'
		);
	});
});

describe('a target found in the field', () => {
	it('is never a "field find"', () => {
		const odd = Object.entries(en).filter(([, v]) => /field[ -]?finds?\b/i.test(v));
		expect(odd).toEqual([]);
	});

	it('is "found in the field" wherever the Chinese says 现场发现', () => {
		const found = pairs.filter((p) => p.chinese.includes('现场发现'));
		expect(found.length).toBeGreaterThan(4);
		const odd = found.filter((p) => !/found in the field/i.test(p.english));
		expect(odd.map((p) => `${p.key}: ${p.english}`)).toEqual([]);
		expect(translator('en')('outbox.fieldTarget', { name: '野塘' })).toBe(
			'target found in the field “野塘”'
		);
	});
});

describe("the outbox's delete", () => {
	it('says it deletes from this phone, and its confirmations ask exactly that', () => {
		const t = translator('en');
		expect(t('outbox.discard')).toBe('Delete from this phone');
		for (const key of ['outbox.confirmDiscard', 'outbox.confirmDiscardFieldTarget'] as const) {
			expect(t(key), key).toMatch(/Delete from this phone\?$/);
			expect(t(key), key).not.toMatch(/Delete it\?/);
		}
	});
});
