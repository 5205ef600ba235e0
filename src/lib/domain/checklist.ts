// Checklists edited per campaign, and versioned (issue 12, item 2). Pure: the rules of an edit
// (add, rename, reorder, retire, restore), the keys of added items, and which version a check
// answered. A version is the whole list: items keep their key from version to version (a rename
// changes only the label), so answers already given keep meaning what they meant; a retired item
// stays in the list, marked, so its old answers and hazards still read by name.
import { CHECKLISTS, DEFAULT_CHECKLIST_ITEMS, checkAnswers, type Checklist } from './campaign';

export interface ChecklistItem {
	/** stable key, as answers and hazards store it (`[a-z_]`, as the check payload requires) */
	item: string;
	/** the administrator's wording; null: the default wording (i18n `cl.<checklist>.<item>`) */
	label: string | null;
	retired: boolean;
}

/** A label is short enough for a phone's row of answer buttons. */
export const LABEL_MAX_LENGTH = 40;
/** Items in use at once: a check's payload carries at most 50 answers. */
export const MAX_ACTIVE_ITEMS = 30;
/** Keys of items an administrator adds start with this (defaults never do). */
export const ADDED_PREFIX = 'added_';

export const EDIT_OPS = ['add', 'rename', 'up', 'down', 'retire', 'restore'] as const;
export type EditOp = (typeof EDIT_OPS)[number];

export type ChecklistEdit =
	| { op: 'add'; label: string }
	| { op: 'rename'; item: string; label: string }
	| { op: 'up' | 'down' | 'retire' | 'restore'; item: string };

export type EditReason =
	| 'ckl.err.op'
	| 'ckl.err.checklist'
	| 'ckl.err.empty'
	| 'ckl.err.long'
	| 'ckl.err.chars'
	| 'ckl.err.duplicate'
	| 'ckl.err.item'
	| 'ckl.err.retired'
	| 'ckl.err.active'
	| 'ckl.err.last'
	| 'ckl.err.full'
	| 'ckl.err.edge'
	| 'ckl.err.same';

export function isChecklist(v: unknown): v is Checklist {
	return typeof v === 'string' && (CHECKLISTS as readonly string[]).includes(v);
}

/** The default set of a checklist, as version 0 (every campaign starts on it). */
export function defaultItems(
	checklist: Checklist,
	keys: readonly string[] = DEFAULT_CHECKLIST_ITEMS[checklist]
): ChecklistItem[] {
	return keys.map((item) => ({ item, label: null, retired: false }));
}

/** The keys asked in a check of this version, in order. */
export function activeItems(items: readonly ChecklistItem[]): string[] {
	return items.filter((i) => !i.retired).map((i) => i.item);
}

/**
 * Answers in the order the checklist asks its items (as the form showed them), an item no longer
 * on it (retired) after those, in the order given. The database returns them by key, which read
 * 用电, 防火, 食品安全, 燃气… in a check's history while the form had asked 用电, 燃气, 用水….
 */
export function inChecklistOrder<T extends { item: string }>(
	answers: readonly T[],
	items: readonly string[]
): T[] {
	const at = (item: string) => {
		const i = items.indexOf(item);
		return i < 0 ? items.length : i;
	};
	return answers
		.map((a, i) => ({ a, i }))
		.sort((x, y) => at(x.a.item) - at(y.a.item) || x.i - y.i)
		.map((x) => x.a);
}

/**
 * A label as compared for duplicates: full-width forms folded (ＡＢＣ, １), spaces collapsed,
 * case ignored — "围墙" and " 围墙 " are the same item to the person answering.
 */
export function normalizeLabel(s: string): string {
	return s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a label (null: nothing); the label as it will be stored otherwise. */
export function labelProblem(raw: string): EditReason | null {
	const s = raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
	if (!s) return 'ckl.err.empty';
	if ([...s].length > LABEL_MAX_LENGTH) return 'ckl.err.long';
	// control characters and lone surrogates have no place in a label printed on a bulletin
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(s) || LONE_SURROGATE.test(s)) return 'ckl.err.chars';
	return null;
}

/** A label ready to store (same folding as the checks above, case kept). */
export function cleanLabel(raw: string): string {
	return raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** Letters only (a, b, …, z, ba, bb…): keys must match the check payload's `[a-z_]`. */
function letters(n: number): string {
	let s = '';
	do {
		s = String.fromCharCode(97 + (n % 26)) + s;
		n = Math.floor(n / 26);
	} while (n > 0);
	return s;
}

/** The key of the next added item: never one used before in this list, retired or not. */
export function nextItemKey(items: readonly ChecklistItem[]): string {
	const taken = new Set(items.map((i) => i.item));
	for (let n = 0; ; n++) {
		const key = `${ADDED_PREFIX}${letters(n)}`;
		if (!taken.has(key)) return key;
	}
}

export type EditResult =
	{ ok: true; items: ChecklistItem[]; item: string } | { ok: false; reason: EditReason };

/**
 * Apply one edit to a version's items, giving the next version's items. `labelOf` gives the
 * wording shown for an item (its own label, or the default wording in the administrators'
 * language), so a new or renamed label cannot duplicate any item still in use. Order: items in
 * use first, in their order; retired items after them.
 */
export function applyEdit(
	items: readonly ChecklistItem[],
	edit: ChecklistEdit,
	labelOf: (i: ChecklistItem) => string
): EditResult {
	const list = items.map((i) => ({ ...i }));
	const active = list.filter((i) => !i.retired);
	const duplicate = (label: string, except?: string) =>
		active.some((i) => i.item !== except && normalizeLabel(labelOf(i)) === normalizeLabel(label));
	const sorted = (xs: ChecklistItem[]) => [
		...xs.filter((i) => !i.retired),
		...xs.filter((i) => i.retired)
	];

	if (edit.op === 'add') {
		const p = labelProblem(edit.label);
		if (p) return { ok: false, reason: p };
		const label = cleanLabel(edit.label);
		if (duplicate(label)) return { ok: false, reason: 'ckl.err.duplicate' };
		if (active.length >= MAX_ACTIVE_ITEMS) return { ok: false, reason: 'ckl.err.full' };
		const item = nextItemKey(list);
		return { ok: true, items: sorted([...list, { item, label, retired: false }]), item };
	}

	const at = list.findIndex((i) => i.item === edit.item);
	if (at < 0) return { ok: false, reason: 'ckl.err.item' };
	const it = list[at];

	switch (edit.op) {
		case 'rename': {
			if (it.retired) return { ok: false, reason: 'ckl.err.retired' };
			const p = labelProblem(edit.label);
			if (p) return { ok: false, reason: p };
			const label = cleanLabel(edit.label);
			if (label === labelOf(it)) return { ok: false, reason: 'ckl.err.same' };
			if (duplicate(label, it.item)) return { ok: false, reason: 'ckl.err.duplicate' };
			it.label = label;
			return { ok: true, items: list, item: it.item };
		}
		case 'up':
		case 'down': {
			if (it.retired) return { ok: false, reason: 'ckl.err.retired' };
			const k = active.findIndex((i) => i.item === it.item);
			const j = edit.op === 'up' ? k - 1 : k + 1;
			if (j < 0 || j >= active.length) return { ok: false, reason: 'ckl.err.edge' };
			const moved = [...active];
			[moved[k], moved[j]] = [moved[j], moved[k]];
			return { ok: true, items: [...moved, ...list.filter((i) => i.retired)], item: it.item };
		}
		case 'retire': {
			if (it.retired) return { ok: false, reason: 'ckl.err.retired' };
			// a check must ask something
			if (active.length <= 1) return { ok: false, reason: 'ckl.err.last' };
			it.retired = true;
			return { ok: true, items: sorted(list), item: it.item };
		}
		case 'restore': {
			if (!it.retired) return { ok: false, reason: 'ckl.err.active' };
			if (duplicate(labelOf(it), it.item)) return { ok: false, reason: 'ckl.err.duplicate' };
			if (active.length >= MAX_ACTIVE_ITEMS) return { ok: false, reason: 'ckl.err.full' };
			it.retired = false;
			// back at the end of the items in use
			return {
				ok: true,
				items: [...active, it, ...list.filter((i) => i.retired)],
				item: it.item
			};
		}
	}
}

/** An edit as a form sends it (all text): checked for shape, or the reason it is refused. */
export function parseEdit(form: {
	op?: unknown;
	item?: unknown;
	label?: unknown;
}): { ok: true; edit: ChecklistEdit } | { ok: false; reason: EditReason } {
	const op = form.op;
	if (typeof op !== 'string' || !(EDIT_OPS as readonly string[]).includes(op))
		return { ok: false, reason: 'ckl.err.op' };
	const label = typeof form.label === 'string' ? form.label : '';
	if (op === 'add') return { ok: true, edit: { op, label } };
	const item = form.item;
	if (typeof item !== 'string' || !/^[a-z_]{1,40}$/.test(item))
		return { ok: false, reason: 'ckl.err.item' };
	if (op === 'rename') return { ok: true, edit: { op, item, label } };
	return { ok: true, edit: { op: op as 'up' | 'down' | 'retire' | 'restore', item } };
}

/** One version of a checklist as the check's answers are held to it. */
export interface ChecklistVersion {
	/** 0: the default set */
	version: number;
	items: readonly ChecklistItem[];
}

/**
 * The version a check answered. The phone states it (a check made offline may arrive after the
 * list changed: it is held to the list it was made on). A check without one was queued before
 * versions existed: it is held to the newest version whose items it answers exactly, so an old
 * phone's check is neither lost nor filed under a list it never saw.
 */
export function versionAnswered(
	versions: readonly ChecklistVersion[],
	stated: number | null | undefined,
	answers: readonly { item: string; answer: string }[]
):
	| { ok: true; version: number }
	| { ok: false; reason: 'ckl.err.version' | 'cp.err.item' | 'cp.err.missing' } {
	const newestFirst = [...versions].sort((a, b) => b.version - a.version);
	if (stated !== null && stated !== undefined) {
		const v = newestFirst.find((x) => x.version === stated);
		if (!v) return { ok: false, reason: 'ckl.err.version' };
		const r = checkAnswers(activeItems(v.items), answers);
		return r.ok ? { ok: true, version: v.version } : r;
	}
	for (const v of newestFirst)
		if (checkAnswers(activeItems(v.items), answers).ok) return { ok: true, version: v.version };
	const current = newestFirst[0];
	const r = current ? checkAnswers(activeItems(current.items), answers) : null;
	return r && !r.ok ? r : { ok: false, reason: 'ckl.err.version' };
}

/** Items stored as jsonb, read back (either engine): only well-formed entries are kept. */
export function itemsFromJson(v: unknown): ChecklistItem[] {
	const raw = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
	if (!Array.isArray(raw)) return [];
	return raw
		.filter(
			(x): x is { item: string; label: unknown; retired: unknown } =>
				!!x && typeof x === 'object' && typeof (x as { item?: unknown }).item === 'string'
		)
		.map((x) => ({
			item: x.item,
			label: typeof x.label === 'string' ? x.label : null,
			retired: x.retired === true
		}));
}

/** Where a campaign's words for one item are kept (services/checklists.ts campaignItemLabels). */
export function labelKey(campaignId: number, checklist: string, item: string): string {
	return `${campaignId}/${checklist}/${item}`;
}
