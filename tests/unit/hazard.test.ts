import { describe, expect, it } from 'vitest';
import {
	actionsFrom,
	advance,
	isOverdue,
	LATE_STEP_MS,
	MAX_STEP_AGE_MS,
	takenInField,
	type HazardFacts,
	type HazardStep
} from '$lib/domain/hazard';
import {
	CHECKLISTS,
	CHECKLIST_OF,
	DEFAULT_CHECKLIST_ITEMS,
	checkAnswers
} from '$lib/domain/campaign';
import { translator } from '$lib/i18n';

const now = new Date('2026-06-10T02:00:00Z');
const later = new Date('2026-06-20T16:00:00Z');
const found: HazardFacts = { state: 'found', foundBy: 1, fixedBy: null, deadline: null };
const register: HazardStep = {
	action: 'register',
	severity: 'major',
	responsible: '张校长',
	deadline: later
};
const fix: HazardStep = { action: 'fix', note: '已加装护栏', afterPhoto: true };
const close: HazardStep = { action: 'close', note: '' };

describe('hazard state machine (排查 → 登记 → 整改 → 销号)', () => {
	it('walks found → registered → fixed → closed, one step at a time', () => {
		expect(advance(found, register, 2, now)).toEqual({ ok: true, to: 'registered' });
		const registered = { ...found, state: 'registered' as const, deadline: later };
		expect(advance(registered, fix, 3, now)).toEqual({ ok: true, to: 'fixed' });
		const fixed = { ...registered, state: 'fixed' as const, fixedBy: 3 };
		expect(advance(fixed, close, 2, now)).toEqual({ ok: true, to: 'closed' });
	});

	it('refuses every skipped or repeated step', () => {
		expect(advance(found, fix, 3, now)).toEqual({ ok: false, reason: 'hazard.err.state' });
		expect(advance(found, close, 2, now)).toEqual({ ok: false, reason: 'hazard.err.state' });
		const registered = { ...found, state: 'registered' as const, deadline: later };
		expect(advance(registered, close, 2, now)).toMatchObject({ ok: false });
		expect(advance(registered, register, 2, now)).toMatchObject({ ok: false });
		const closed = { ...registered, state: 'closed' as const, fixedBy: 3 };
		for (const s of [register, fix, close]) expect(advance(closed, s, 4, now).ok).toBe(false);
		expect(actionsFrom('closed')).toEqual([]);
		expect(actionsFrom('fixed')).toEqual(['close', 'reject']);
	});

	it('registers only with a responsible person and a deadline still ahead', () => {
		expect(advance(found, { ...register, responsible: '  ' }, 2, now)).toEqual({
			ok: false,
			reason: 'hazard.err.responsible'
		});
		expect(
			advance(found, { ...register, deadline: new Date('2026-06-01T00:00:00Z') }, 2, now)
		).toEqual({ ok: false, reason: 'hazard.err.deadline' });
		expect(advance(found, { ...register, deadline: new Date('x') }, 2, now)).toMatchObject({
			ok: false
		});
	});

	it('needs an after photo to record a fix', () => {
		const registered = { ...found, state: 'registered' as const, deadline: later };
		expect(advance(registered, { ...fix, afterPhoto: false }, 3, now)).toEqual({
			ok: false,
			reason: 'hazard.err.photo'
		});
	});

	it('is closed or sent back only by a second person, never the fixer', () => {
		const fixed: HazardFacts = { state: 'fixed', foundBy: 1, fixedBy: 3, deadline: later };
		expect(advance(fixed, close, 3, now)).toEqual({ ok: false, reason: 'hazard.err.sameVerifier' });
		expect(advance(fixed, { action: 'reject', note: '护栏松动' }, 3, now)).toMatchObject({
			ok: false
		});
		// the finder may verify someone else's fix
		expect(advance(fixed, close, 1, now)).toEqual({ ok: true, to: 'closed' });
		expect(advance(fixed, { action: 'reject', note: ' ' }, 2, now)).toEqual({
			ok: false,
			reason: 'hazard.err.note'
		});
		expect(advance(fixed, { action: 'reject', note: '护栏松动' }, 2, now)).toEqual({
			ok: true,
			to: 'registered'
		});
	});

	it('is overdue past its deadline until closed', () => {
		const h = { state: 'registered' as const, deadline: later };
		expect(isOverdue(h, now)).toBe(false);
		const after = new Date(later.getTime() + 1000);
		expect(isOverdue(h, after)).toBe(true);
		expect(isOverdue({ ...h, state: 'fixed' }, after)).toBe(true);
		expect(isOverdue({ ...h, state: 'closed' }, after)).toBe(false);
		expect(isOverdue({ state: 'found', deadline: null }, after)).toBe(false);
	});
});

describe('campaign checklists', () => {
	it('gives institutions the seven surroundings items and homes the five', () => {
		expect(DEFAULT_CHECKLIST_ITEMS[CHECKLIST_OF.institution]).toHaveLength(7);
		expect(DEFAULT_CHECKLIST_ITEMS[CHECKLIST_OF.children_home]).toEqual([
			'electricity',
			'gas',
			'water',
			'fire',
			'food'
		]);
		expect(DEFAULT_CHECKLIST_ITEMS[CHECKLIST_OF.segment]).toContain('barrier');
	});
	it('visits a household on a drowning checklist of its own, not the children’s home one', () => {
		expect(CHECKLISTS).toContain('household');
		expect(CHECKLIST_OF.village).toBe('household');
		expect(DEFAULT_CHECKLIST_ITEMS[CHECKLIST_OF.village]).toEqual([
			'guardian',
			'education',
			'nearby_water',
			'electricity',
			'fire'
		]);
		// children's homes and Sunshine Stations keep the home environment list
		expect(CHECKLIST_OF.children_home).toBe('home');
		expect(CHECKLIST_OF.station).toBe('home');
	});
	it('names every household item in each language', () => {
		const zh = translator('zh-CN');
		const en = translator('en');
		const words = (t: typeof zh) =>
			DEFAULT_CHECKLIST_ITEMS.household.map((i) => t(`cl.household.${i}` as 'cl.home.gas'));
		expect(words(zh)).toEqual([
			'监护落实（汛期看护责任）',
			'防溺水安全教育（“六不”）',
			'房前屋后水域（坑塘、水井、水缸）',
			'用电',
			'防火'
		]);
		expect(words(en)).toEqual([
			'Guardianship (flood-season supervision)',
			'Drowning-prevention education (the "six don\'ts")',
			'Water around the home (ponds, wells, tanks)',
			'Electricity',
			'Fire safety'
		]);
		expect(zh('ckl.type.household')).toBe('入户走访');
		expect(en('ckl.type.household')).toBe('Household visit');
	});
	it('holds a check to its checklist: every item once, nothing else', () => {
		const items = DEFAULT_CHECKLIST_ITEMS.home;
		const all = items.map((item) => ({ item, answer: 'ok' }));
		expect(checkAnswers(items, all)).toEqual({ ok: true });
		expect(checkAnswers(items, all.slice(1))).toEqual({ ok: false, reason: 'cp.err.missing' });
		expect(checkAnswers(items, [...all, { item: 'gas', answer: 'na' }])).toMatchObject({
			ok: false
		});
		expect(checkAnswers(items, [...all.slice(1), { item: 'lamp', answer: 'ok' }])).toMatchObject({
			ok: false
		});
		expect(
			checkAnswers(items, [{ item: 'electricity', answer: 'maybe' }, ...all.slice(1)])
		).toMatchObject({ ok: false });
	});
});

describe("a step's time on the phone", () => {
	const now = new Date('2026-07-10T06:00:00Z');
	const ago = (ms: number) => new Date(now.getTime() - ms);
	it('is kept when the step waited offline, beside the arrival the log keeps', () => {
		expect(takenInField(ago(10 * 60_000), now)).toEqual(ago(10 * 60_000));
		expect(takenInField(ago(LATE_STEP_MS), now)).toEqual(ago(LATE_STEP_MS));
	});
	it('is not shown for a step sent at once, nor believed from a clock far off', () => {
		expect(takenInField(undefined, now)).toBeNull();
		expect(takenInField(ago(LATE_STEP_MS - 1), now)).toBeNull();
		expect(takenInField(ago(MAX_STEP_AGE_MS + 1), now)).toBeNull();
		expect(takenInField(ago(-10 * 60_000), now)).toBeNull();
		expect(takenInField(new Date(Number.NaN), now)).toBeNull();
	});
});
