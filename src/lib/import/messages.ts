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
