// A row problem as one line the user can act on: which row, which field (and the file's
// column), what is wrong.
import type { Translate } from '$lib/i18n';
import type { MessageKey } from '$lib/i18n/zh';
import type { RowProblem } from './validate';

export function problemText(t: Translate, p: RowProblem): string {
	const field = t(`imp.f.${p.field}` as MessageKey);
	const what = t(`imp.p.${p.key}` as MessageKey, p.params);
	return p.column
		? t('imp.line', { row: p.row, field, column: p.column, what })
		: t('imp.lineNoColumn', { row: p.row, field, what });
}

/** A rejected row as the page's table and its CSV show it: the row, field, column and reason. */
export interface RejectedRow {
	row: number;
	field: string;
	/** the file's column, '' when the field came from none */
	column: string;
	reason: string;
}

/** The problems of one row of the file, together (the list is in row order). */
export interface RejectedGroup {
	row: number;
	problems: RejectedRow[];
}

/** Consecutive problems of the same row as one group, so a row is read whole. */
export function groupByRow(rows: readonly RejectedRow[]): RejectedGroup[] {
	const out: RejectedGroup[] = [];
	for (const r of rows) {
		const last = out[out.length - 1];
		if (last && last.row === r.row) last.problems.push(r);
		else out.push({ row: r.row, problems: [r] });
	}
	return out;
}

export function rejectedRow(t: Translate, p: RowProblem): RejectedRow {
	return {
		row: p.row,
		field: t(`imp.f.${p.field}` as MessageKey),
		column: p.column,
		reason: t(`imp.p.${p.key}` as MessageKey, p.params)
	};
}
