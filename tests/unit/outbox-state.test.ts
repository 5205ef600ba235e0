// The outbox's rules: a refusal from the server is final — the item leaves the waiting count, is
// not sent again, and is named for what it is (a field find is not a check).
import { describe, expect, it } from 'vitest';
import {
	discardKey,
	refusedKey,
	refusedOf,
	sendable,
	settle,
	type OutboxItemState
} from '$lib/offline/outbox-state';
import { en } from '$lib/i18n/en';
import { zh } from '$lib/i18n/zh';

const find: OutboxItemState = { clientUuid: 'a', kind: 'field_target', label: 'QA 村口野塘' };
const check: OutboxItemState = { clientUuid: 'b', kind: 'target_check', label: '村口塘' };

describe('outbox state', () => {
	it('a 400 refusal marks the item refused, with the reason, and does not stop the others', () => {
		const s = settle(find, { ok: false, retry: false, message: '该位置不在您的管辖范围内' });
		expect(s.action).toBe('refuse');
		if (s.action === 'delete') throw new Error('unreachable');
		expect(s.item.refused).toBe(true);
		expect(s.item.lastError).toBe('该位置不在您的管辖范围内');
	});

	it('a network miss keeps the item waiting, not refused', () => {
		const s = settle(find, { ok: false, retry: true, message: 'network' });
		expect(s.action).toBe('stop');
		if (s.action === 'delete') throw new Error('unreachable');
		expect(s.item.refused).toBeUndefined();
		expect(sendable([s.item])).toHaveLength(1);
	});

	it('a delivered item is deleted', () => {
		expect(settle(find, { ok: true }).action).toBe('delete');
	});

	it('a refused item is neither waiting nor sent again, but is listed with its reason', () => {
		const refused = { ...find, refused: true, lastError: '该位置不在您的管辖范围内' };
		const items = [refused, check];
		expect(sendable(items).map((c) => c.clientUuid)).toEqual(['b']);
		expect(refusedOf(items)).toEqual([
			{
				clientUuid: 'a',
				kind: 'field_target',
				waterwayId: undefined,
				label: 'QA 村口野塘',
				reason: '该位置不在您的管辖范围内'
			}
		]);
	});

	it('an equipment check stored before kinds existed keeps its segment', () => {
		const old = { clientUuid: 'c', waterwayId: 7, refused: true, lastError: 'x' };
		expect(refusedOf([old])[0]).toMatchObject({ kind: 'equipment', waterwayId: 7 });
	});

	it('a refused target found in the field is called one, not a check, in zh and en', () => {
		const key = refusedKey('field_target');
		expect(zh[key]).toContain('现场发现');
		expect(zh[key]).not.toContain('检查');
		expect(en[key]).toContain('found in the field');
		expect(en[key]).not.toContain('check');
		expect(refusedKey('equipment')).toBe('outbox.refused');
	});

	it('a refused hazard step is called one, and deleting it asks about a step, not a check', () => {
		for (const key of [refusedKey('hazard_step'), discardKey('hazard_step')]) {
			expect(zh[key]).toContain('隐患办理');
			expect(zh[key]).not.toContain('检查');
			expect(en[key]).toContain('hazard step');
			expect(en[key]).not.toContain('check');
		}
		// signing out with records of every kind waiting: not all of them are checks
		expect(zh['outbox.signOutPending']).not.toContain('检查');
		expect(en['outbox.signOutPending']).not.toContain('check');
		expect(discardKey('field_target')).toBe('outbox.confirmDiscardFieldTarget');
		expect(discardKey('equipment')).toBe('outbox.confirmDiscard');
	});

	it('sends the oldest first, whatever order the store keeps them in', () => {
		const at = (clientUuid: string, queuedAt: string): OutboxItemState => ({
			clientUuid,
			kind: 'hazard_step',
			queuedAt
		});
		const items = [
			at('0-later', '2026-07-01T08:05:00.000Z'),
			{ ...at('1-refused', '2026-07-01T07:00:00.000Z'), refused: true },
			at('f-earlier', '2026-07-01T08:01:00.000Z')
		];
		expect(sendable(items).map((c) => c.clientUuid)).toEqual(['f-earlier', '0-later']);
	});
});
