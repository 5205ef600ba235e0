// The emergency page's "near a place" speaks as the hazard pages do: an item by its words, a
// deadline as its last day (the heading says 含当日), and one term for the declared state.
import { describe, expect, it } from 'vitest';
import { deadlineText, itemLabel } from '../../src/lib/components/campaign/format';
import { formatDate, translator } from '../../src/lib/i18n';
import { zh } from '../../src/lib/i18n/zh';

describe('near a place, in the hazard pages words', () => {
	it('shows a deadline as its last Beijing day, not the instant after it', () => {
		// 13 December's end in Beijing is stored: 2026-12-13T16:00Z, i.e. 14 December 00:00 there
		const stored = '2026-12-13T16:00:00.000Z';
		expect(deadlineText(stored, 'zh-CN')).toBe(formatDate('2026-12-13T12:00:00+08:00', 'zh-CN'));
		expect(deadlineText(stored, 'zh-CN')).not.toBe(formatDate(stored, 'zh-CN'));
	});

	it('names a checklist item by its words, not its key', () => {
		const t = translator('zh-CN');
		const words = itemLabel('waterway', 'sign', t, null);
		expect(words).not.toBe('sign');
		expect(words).toBe(t('cl.waterway.sign'));
	});

	it('says 应急状态 throughout, never 紧急状态', () => {
		const uses = Object.entries(zh).filter(
			([, v]) => typeof v === 'string' && v.includes('紧急状态')
		);
		expect(uses).toEqual([]);
		expect(Object.values(zh).some((v) => typeof v === 'string' && v.includes('应急状态'))).toBe(
			true
		);
	});
});
