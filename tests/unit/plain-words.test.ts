// Words officials read (QA walk): a target's reason states the rule that made it a target, and
// the siting page speaks of a number of new sites, not of a maths variable "k".
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n';
import { planningZh } from '../../src/lib/i18n/planning.zh';
import { planningEn } from '../../src/lib/i18n/planning.en';
import { reasonText } from '../../src/lib/components/campaign/format';

describe("an institution's reason", () => {
	it('says every institution is checked, and then that no water is near', () => {
		const r = { code: 'institution', limitM: 200 } as const;
		expect(reasonText(r, translator('zh-CN'), 'zh-CN')).toBe(
			'儿童相关机构（每所必查；200 米内无水域）'
		);
		expect(reasonText(r, translator('en'), 'en')).toBe(
			'Child institution (every one is checked; no water within 200 m)'
		);
	});
});

describe('the siting page', () => {
	it('has no message with a bare variable k in either language', () => {
		// a lone "k" between non-letters ("再建 k 处", "New sites k"); {k} placeholders are fine
		const bare = /(^|[^A-Za-z{])k([^A-Za-z}]|$)/;
		for (const [key, text] of [...Object.entries(planningZh), ...Object.entries(planningEn)])
			expect(text, key).not.toMatch(bare);
	});
	it('names the number of new sites in plain words', () => {
		expect(translator('zh-CN')('plan.k')).toBe('拟新建数量');
		expect(translator('en')('plan.k')).toBe('Number of new sites');
		expect(translator('zh-CN')('plan.newCount', { k: 3 })).toBe('拟新建 3 处');
		expect(translator('en')('plan.newCount', { k: 3 })).toBe('3 new sites');
	});
});
