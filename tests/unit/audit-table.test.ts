// The audit table as a reader (or a screen reader, or a copy) gets it: facts separated by
// " · " with a real space, and a hazard's deadline as the same last day its page shows.
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import Harness from './harness/AuditTableHarness.svelte';

const row = {
	id: 1,
	at: '2026-12-07T02:00:00.000Z',
	username: 'county.admin',
	role: 'county_admin',
	action: 'hazard_step',
	resource: 'hazard:1',
	jurisdiction_code: '421083000000',
	purpose: null,
	emergency_id: null,
	ip: null,
	detail: {
		action: 'register',
		from: 'found',
		to: 'registered',
		deadline: '2026-12-14T16:00:00.000Z'
	}
};

/** The detail cell's text with tags dropped, as textContent would read it. */
function detailText(locale: 'zh-CN' | 'en'): string {
	const { body } = render(Harness, { props: { locale, rows: [row] } });
	const cell = /<p class="detail[^"]*">([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';
	return cell
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<[^>]+>/g, '')
		.replace(/&nbsp;|\u00a0/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

describe('audit table detail', () => {
	it('separates facts with a space after the dot and shows the inclusive deadline (zh)', () => {
		const text = detailText('zh-CN');
		expect(text).not.toMatch(/·\S/);
		expect(text).toContain('操作：登记 · 原状态：');
		expect(text).toContain('整改期限（含当日）：2026年12月14日');
		expect(text).not.toContain('15日');
	});

	it('does the same in English', () => {
		const text = detailText('en');
		expect(text).not.toMatch(/·\S/);
		expect(text).toContain('deadline (last day): 14 Dec 2026');
	});
});
