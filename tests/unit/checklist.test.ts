// Checklists edited per campaign: the rules of one edit, the keys of added items, and which
// version a check's answers are held to (domain/checklist.ts), plus the phone's payload carrying
// the version (optional for checks queued before versions existed).
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
	activeItems,
	inChecklistOrder,
	applyEdit,
	defaultItems,
	itemsFromJson,
	LABEL_MAX_LENGTH,
	MAX_ACTIVE_ITEMS,
	nextItemKey,
	parseEdit,
	versionAnswered,
	type ChecklistItem
} from '$lib/domain/checklist';
import { TargetCheckPayload } from '$lib/domain/field';
import { translator } from '$lib/i18n';

const zh = translator('zh-CN');
const labelOf = (checklist: string) => (i: ChecklistItem) =>
	i.label ?? zh(`cl.${checklist}.${i.item}` as 'cl.home.gas') ?? i.item;
const home = defaultItems('home');
const edit = (items: ChecklistItem[], e: Parameters<typeof applyEdit>[1], checklist = 'home') => {
	const r = applyEdit(items, e, labelOf(checklist));
	if (!r.ok) throw new Error(r.reason);
	return r;
};

describe('checklist edits', () => {
	it('starts from the default set of each type', () => {
		expect(activeItems(defaultItems('institution'))).toEqual([
			'buildings',
			'wall',
			'hillside',
			'water',
			'fire',
			'bus',
			'hygiene'
		]);
		expect(activeItems(home)).toEqual(['electricity', 'gas', 'water', 'fire', 'food']);
	});

	it('adds an item at the end with a new letters-only key and its Chinese label', () => {
		const r = edit(home, { op: 'add', label: '  防雷  ' });
		expect(r.item).toBe('added_a');
		expect(r.item).toMatch(/^[a-z_]{1,40}$/);
		expect(r.items.at(-1)).toEqual({ item: 'added_a', label: '防雷', retired: false });
		const r2 = edit(r.items, { op: 'add', label: '防汛物资' });
		expect(r2.item).toBe('added_b');
		// the input list is not changed
		expect(home).toHaveLength(5);
	});

	it('never reuses a key, even of a retired item', () => {
		const a = edit(home, { op: 'add', label: '防雷' });
		const b = edit(a.items, { op: 'retire', item: 'added_a' });
		expect(nextItemKey(b.items)).toBe('added_b');
		let many: ChecklistItem[] = [];
		for (let n = 0; n < 27; n++)
			many = [...many, { item: nextItemKey(many), label: null, retired: false }];
		expect(many[25].item).toBe('added_z');
		expect(many[26].item).toBe('added_ba');
		expect(new Set(many.map((i) => i.item)).size).toBe(27);
		for (const i of many) expect(i.item).toMatch(/^[a-z_]{1,40}$/);
	});

	it('renames keeping the key; refuses empty, too long, duplicate and unchanged labels', () => {
		const r = edit(home, { op: 'rename', item: 'gas', label: '燃气及液化气' });
		expect(r.items.find((i) => i.item === 'gas')).toEqual({
			item: 'gas',
			label: '燃气及液化气',
			retired: false
		});
		const bad = (e: Parameters<typeof applyEdit>[1]) =>
			(applyEdit(home, e, labelOf('home')) as { reason?: string }).reason;
		expect(bad({ op: 'rename', item: 'gas', label: '   ' })).toBe('ckl.err.empty');
		expect(bad({ op: 'rename', item: 'gas', label: '长'.repeat(LABEL_MAX_LENGTH + 1) })).toBe(
			'ckl.err.long'
		);
		expect(
			applyEdit(
				home,
				{ op: 'rename', item: 'gas', label: '长'.repeat(LABEL_MAX_LENGTH) },
				labelOf('home')
			).ok
		).toBe(true);
		// the default wording of another item counts, spaces and full-width forms folded
		expect(bad({ op: 'rename', item: 'gas', label: ' 用电 ' })).toBe('ckl.err.duplicate');
		expect(bad({ op: 'add', label: '防火' })).toBe('ckl.err.duplicate');
		expect(bad({ op: 'add', label: 'ＡＢ' })).toBeUndefined();
		const ab = edit(home, { op: 'add', label: 'AB' });
		expect(
			(applyEdit(ab.items, { op: 'add', label: 'ａｂ' }, labelOf('home')) as { reason?: string })
				.reason
		).toBe('ckl.err.duplicate');
		expect(bad({ op: 'rename', item: 'gas', label: '燃气' })).toBe('ckl.err.same');
		expect(bad({ op: 'rename', item: 'nope', label: 'x' })).toBe('ckl.err.item');
		expect(bad({ op: 'add', label: 'a\u0007b' })).toBe('ckl.err.chars');
		expect(bad({ op: 'add', label: 'a\ud800b' })).toBe('ckl.err.chars');
	});

	it('reorders among the items in use, refusing to move past either end', () => {
		const up = edit(home, { op: 'up', item: 'gas' });
		expect(activeItems(up.items)).toEqual(['gas', 'electricity', 'water', 'fire', 'food']);
		const down = edit(home, { op: 'down', item: 'gas' });
		expect(activeItems(down.items)).toEqual(['electricity', 'water', 'gas', 'fire', 'food']);
		expect(applyEdit(home, { op: 'up', item: 'electricity' }, labelOf('home'))).toEqual({
			ok: false,
			reason: 'ckl.err.edge'
		});
		expect(applyEdit(home, { op: 'down', item: 'food' }, labelOf('home'))).toEqual({
			ok: false,
			reason: 'ckl.err.edge'
		});
	});

	it('retires an item (kept, marked, after the rest) and restores it at the end', () => {
		const r = edit(home, { op: 'retire', item: 'water' });
		expect(activeItems(r.items)).toEqual(['electricity', 'gas', 'fire', 'food']);
		expect(r.items.at(-1)).toEqual({ item: 'water', label: null, retired: true });
		// a retired item's label no longer blocks a new one… but then it cannot come back
		expect(
			applyEdit(r.items, { op: 'rename', item: 'water', label: 'x' }, labelOf('home'))
		).toEqual({ ok: false, reason: 'ckl.err.retired' });
		const back = edit(r.items, { op: 'restore', item: 'water' });
		expect(activeItems(back.items)).toEqual(['electricity', 'gas', 'fire', 'food', 'water']);
		const taken = edit(r.items, { op: 'add', label: '用水及周边水域' });
		expect(applyEdit(taken.items, { op: 'restore', item: 'water' }, labelOf('home'))).toEqual({
			ok: false,
			reason: 'ckl.err.duplicate'
		});
		expect(applyEdit(home, { op: 'restore', item: 'water' }, labelOf('home'))).toEqual({
			ok: false,
			reason: 'ckl.err.active'
		});
	});

	it('keeps at least one item and at most the payload can carry', () => {
		let items = defaultItems('field');
		items = edit(items, { op: 'retire', item: 'secured' }, 'field').items;
		expect(applyEdit(items, { op: 'retire', item: 'marked' }, labelOf('field'))).toEqual({
			ok: false,
			reason: 'ckl.err.last'
		});
		items = defaultItems('field');
		for (let n = items.length; n < MAX_ACTIVE_ITEMS; n++)
			items = edit(items, { op: 'add', label: `项目${n}` }, 'field').items;
		expect(activeItems(items)).toHaveLength(MAX_ACTIVE_ITEMS);
		expect(applyEdit(items, { op: 'add', label: '再多一项' }, labelOf('field'))).toEqual({
			ok: false,
			reason: 'ckl.err.full'
		});
	});

	it('parses an edit as a form sends it', () => {
		expect(parseEdit({ op: 'add', label: '防雷' })).toEqual({
			ok: true,
			edit: { op: 'add', label: '防雷' }
		});
		expect(parseEdit({ op: 'retire', item: 'gas' })).toEqual({
			ok: true,
			edit: { op: 'retire', item: 'gas' }
		});
		expect(parseEdit({ op: 'drop', item: 'gas' })).toEqual({ ok: false, reason: 'ckl.err.op' });
		expect(parseEdit({ op: 'up', item: "gas' OR 1=1" })).toEqual({
			ok: false,
			reason: 'ckl.err.item'
		});
		expect(parseEdit({ op: 'rename', item: ['gas'] })).toEqual({
			ok: false,
			reason: 'ckl.err.item'
		});
		// a rename with no label is refused by the rules (empty), not taken as ""
		const r = parseEdit({ op: 'rename', item: 'gas' });
		expect(r.ok && applyEdit(home, r.edit, labelOf('home'))).toEqual({
			ok: false,
			reason: 'ckl.err.empty'
		});
	});

	it('reads items back from jsonb text or value alike', () => {
		const items = edit(home, { op: 'add', label: '防雷' }).items;
		expect(itemsFromJson(JSON.stringify(items))).toEqual(items);
		expect(itemsFromJson(items)).toEqual(items);
		expect(itemsFromJson({})).toEqual([]);
	});
});

describe('the version a check answered', () => {
	const v0 = { version: 0, items: home };
	const v1 = { version: 1, items: edit(home, { op: 'add', label: '防雷' }).items };
	const v2 = { version: 2, items: edit(v1.items, { op: 'retire', item: 'gas' }).items };
	const answer = (items: ChecklistItem[]) =>
		activeItems(items).map((item) => ({ item, answer: 'ok' }));

	it('holds a check to the version it states, even an older one', () => {
		expect(versionAnswered([v0, v1, v2], 1, answer(v1.items))).toEqual({ ok: true, version: 1 });
		expect(versionAnswered([v0, v1, v2], 2, answer(v2.items))).toEqual({ ok: true, version: 2 });
		// the answers of version 1 are not those of version 2
		expect(versionAnswered([v0, v1, v2], 2, answer(v1.items))).toEqual({
			ok: false,
			reason: 'cp.err.item'
		});
		expect(versionAnswered([v0, v1, v2], 2, answer(v2.items).slice(1))).toEqual({
			ok: false,
			reason: 'cp.err.missing'
		});
		expect(versionAnswered([v0, v1, v2], 7, answer(v2.items))).toEqual({
			ok: false,
			reason: 'ckl.err.version'
		});
	});

	it('files a check without a version under the newest list it answers exactly', () => {
		expect(versionAnswered([v0, v1, v2], undefined, answer(home))).toEqual({
			ok: true,
			version: 0
		});
		expect(versionAnswered([v0, v1, v2], null, answer(v2.items))).toEqual({
			ok: true,
			version: 2
		});
		expect(versionAnswered([v0, v1, v2], null, [{ item: 'electricity', answer: 'ok' }])).toEqual({
			ok: false,
			reason: 'cp.err.missing'
		});
	});

	it('rides in the phone payload, optional for checks queued before versions', () => {
		const base = {
			clientUuid: '0b6f3a52-6c1e-4a53-9e61-3a0d0f0f2b11',
			targetId: 3,
			recordedAt: '2027-06-01T02:00:00.000Z',
			answers: [{ item: 'added_a', answer: 'ok' }],
			photos: []
		};
		const ok = v.safeParse(TargetCheckPayload, { ...base, checklistVersion: 2 });
		expect(ok.success && ok.output.checklistVersion).toBe(2);
		const old = v.safeParse(TargetCheckPayload, base);
		expect(old.success && old.output.checklistVersion).toBeUndefined();
		expect(v.safeParse(TargetCheckPayload, { ...base, checklistVersion: -1 }).success).toBe(false);
		expect(v.safeParse(TargetCheckPayload, { ...base, checklistVersion: 1.5 }).success).toBe(false);
	});
});

describe("a check's answers in its history", () => {
	it('are in the order the form asked them, a retired item after, never by key', () => {
		const asked = ['electricity', 'gas', 'water', 'fire', 'food'];
		const byKey = ['electricity', 'fire', 'food', 'gas', 'old_item', 'water'].map((item) => ({
			item,
			answer: 'ok'
		}));
		expect(inChecklistOrder(byKey, asked).map((a) => a.item)).toEqual([
			'electricity',
			'gas',
			'water',
			'fire',
			'food',
			'old_item'
		]);
		expect(inChecklistOrder([], asked)).toEqual([]);
	});
});

describe('checklist items name the thing checked', () => {
	// each item is answered 正常 / 有隐患, and a hazard is titled by its item ("隐患：围墙"): an item
	// worded as a state reached ("已做安全处置") titled a hazard by the opposite of the problem
	it('never as a state already reached', async () => {
		const { zh } = await import('$lib/i18n/zh');
		const { en } = await import('$lib/i18n/en');
		const items = (cat: Record<string, string>) =>
			Object.entries(cat).filter(([k]) => k.startsWith('cl.'));
		expect(items(zh).length).toBeGreaterThan(15);
		for (const [k, label] of items(zh)) expect(label, k).not.toMatch(/^已/);
		for (const [k, label] of items(en)) expect(label, k).not.toMatch(/^(Made|Marked|Done)\b/);
	});
});
