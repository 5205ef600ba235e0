// The audit page labels every action the services can write (the type of AuditEntry.action
// holds the services to AUDIT_ACTIONS), in both languages, and a detail in words.
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '$lib/server/repositories/audit';
import { isMessageKey, translator } from '$lib/i18n';

describe('audit actions', () => {
	it('each has a label, different in Chinese and English', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		for (const a of AUDIT_ACTIONS) {
			const key = `audit.action.${a}`;
			expect(isMessageKey(key), key).toBe(true);
			if (!isMessageKey(key)) continue;
			expect(zh(key)).toMatch(/\p{Script=Han}/u);
			expect(en(key)).toMatch(/^[\x20-\x7e]+$/);
		}
	});
});
