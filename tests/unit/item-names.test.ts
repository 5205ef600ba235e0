// One item, one name: the "四个一" items read the same in the segment list and its files
// (item.*) as in checklists and hazards (cl.waterway.*), in each language; the plan's own word
// for the first is 警示牌 (一个警示牌).
import { describe, expect, it } from 'vitest';
import { LOCALES, translator } from '../../src/lib/i18n';
import { EQUIPMENT_ITEMS } from '../../src/lib/domain/equipment';

describe('the four items have one name each', () => {
	it.each(LOCALES)('in %s', (locale) => {
		const t = translator(locale);
		for (const item of EQUIPMENT_ITEMS)
			expect(t(`cl.waterway.${item}` as 'cl.waterway.sign'), item).toBe(
				t(`item.${item}` as 'item.sign')
			);
	});

	it('calls the sign 警示牌, the plan’s word', () => {
		expect(translator('zh-CN')('cl.waterway.sign')).toBe('警示牌');
	});
});
