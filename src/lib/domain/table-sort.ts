// How the dashboard's tables order their rows, so that the question "which areas lag" is
// answered by the first rows: one comparator for the screen, the printed page and the XLSX
// file, so the three agree. A table's default is "worst first"; any column can be chosen, in
// either direction. A value withheld (null: hidden to protect a neighbour's small figure) is
// never ranked as a zero: it goes after every known value, whichever the direction, because
// placing it would reveal something about it.

export type SortDir = 'asc' | 'desc';
export type SortValue = string | number | null;

export interface SortSpec<K extends string> {
	key: K;
	dir: SortDir;
}

/** A column of a sortable table as the screen shows it. */
export interface TableColumn<K extends string> {
	key: K;
	label: string;
	/** text; a released count of children (perturbed); a plain number; a share 0–1 */
	/** 'rate': a completion rate, written to a tenth as everywhere else (formatRatePct) */
	kind: 'text' | 'count' | 'number' | 'share' | 'rate';
	/** the direction that puts the worst first */
	worst: SortDir;
}

const collator = new Intl.Collator('zh-CN-u-co-pinyin', { numeric: true });

/** Compare two cell values in a direction; nulls (withheld, or no rate) always last. */
export function compareValues(a: SortValue, b: SortValue, dir: SortDir): number {
	if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
	const s = dir === 'asc' ? 1 : -1;
	if (typeof a === 'number' && typeof b === 'number') return (a - b) * s;
	return collator.compare(String(a), String(b)) * s;
}

/**
 * Rows sorted by one column, ties broken by the further keys given (each in its own worst-first
 * direction) and last by `name` so that the order is total and the same every time.
 * A new array; the input is left as it was.
 */
export function sortRows<R extends Record<string, SortValue>>(
	rows: readonly R[],
	spec: SortSpec<keyof R & string>,
	tieBreak: readonly SortSpec<keyof R & string>[] = []
): R[] {
	const keys = [spec, ...tieBreak.filter((t) => t.key !== spec.key)];
	return [...rows].sort((a, b) => {
		for (const k of keys) {
			const c = compareValues(a[k.key], b[k.key], k.dir);
			if (c !== 0) return c;
		}
		return compareValues(a.name ?? null, b.name ?? null, 'asc');
	});
}

/** The next sort when a column's heading is chosen: its worst-first direction, then the other. */
export function nextSort<K extends string>(
	current: SortSpec<K>,
	key: K,
	worstDir: SortDir
): SortSpec<K> {
	if (current.key !== key) return { key, dir: worstDir };
	return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
}

// ---- the dashboard's two tables ----

export interface CompletionRow extends Record<string, SortValue> {
	code: string;
	name: string;
	required: number;
	complete: number;
	incomplete: number;
	/** complete ÷ required; null where no segment needs the items (nothing to lag behind in) */
	rate: number | null;
}

export const COMPLETION_COLUMNS = ['name', 'required', 'complete', 'incomplete', 'rate'] as const;
export type CompletionKey = (typeof COMPLETION_COLUMNS)[number];

/** Which direction is "worse" for each column of the completion table. */
export const COMPLETION_WORST: Record<CompletionKey, SortDir> = {
	name: 'asc',
	required: 'desc',
	complete: 'asc',
	incomplete: 'desc',
	rate: 'asc'
};

/** Lowest rate first; among equal rates, the most segments still missing items. */
export const COMPLETION_DEFAULT: SortSpec<CompletionKey> = { key: 'rate', dir: 'asc' };
const COMPLETION_TIES: SortSpec<CompletionKey>[] = [{ key: 'incomplete', dir: 'desc' }];

export function completionRows(
	rows: readonly { code: string; name: string; required: number; complete: number }[]
): CompletionRow[] {
	return rows.map((r) => ({
		code: r.code,
		name: r.name,
		required: r.required,
		complete: r.complete,
		incomplete: r.required - r.complete,
		rate: r.required ? r.complete / r.required : null
	}));
}

export function sortCompletion(
	rows: readonly CompletionRow[],
	spec: SortSpec<CompletionKey> = COMPLETION_DEFAULT
): CompletionRow[] {
	return sortRows(rows, spec, COMPLETION_TIES);
}

export interface ExposureRow extends Record<string, SortValue> {
	code: string;
	name: string;
	/** released counts; null where one is withheld */
	children: number | null;
	nearIncomplete: number | null;
	nearShare: number | null;
	uncovered: number | null;
	uncoveredShare: number | null;
}

export const EXPOSURE_COLUMNS = [
	'name',
	'children',
	'nearIncomplete',
	'nearShare',
	'uncovered',
	'uncoveredShare'
] as const;
export type ExposureKey = (typeof EXPOSURE_COLUMNS)[number];

export const EXPOSURE_WORST: Record<ExposureKey, SortDir> = {
	name: 'asc',
	children: 'desc',
	nearIncomplete: 'desc',
	nearShare: 'desc',
	uncovered: 'desc',
	uncoveredShare: 'desc'
};

/** Most children living near segments without the items first, then most outside coverage. */
export const EXPOSURE_DEFAULT: SortSpec<ExposureKey> = { key: 'nearIncomplete', dir: 'desc' };
const EXPOSURE_TIES: SortSpec<ExposureKey>[] = [
	{ key: 'nearShare', dir: 'desc' },
	{ key: 'uncovered', dir: 'desc' }
];

export function sortExposure(
	rows: readonly ExposureRow[],
	spec: SortSpec<ExposureKey> = EXPOSURE_DEFAULT
): ExposureRow[] {
	return sortRows(rows, spec, EXPOSURE_TIES);
}
