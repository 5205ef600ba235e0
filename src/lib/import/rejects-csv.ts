// The rows an import did not write, as a CSV the administrator takes back to whoever keeps the
// source file: one line per problem (row, field, the file's column, reason), in the page's
// language, written in the browser from the outcome the page already holds.
import { csvText } from '$lib/csv';
import type { Translate } from '$lib/i18n';
import type { RejectedRow } from './messages';

export function rejectsCsv(rows: readonly RejectedRow[], t: Translate): string {
	return csvText(
		[
			t('imp.rejects.row'),
			t('imp.rejects.field'),
			t('imp.rejects.column'),
			t('imp.rejects.reason')
		],
		rows.map((r) => [r.row, r.field, r.column, r.reason])
	);
}

/** 儿童之家台账-未导入的行.csv: the source file's name without its extension, then what it is. */
export function rejectsFileName(source: string, t: Translate): string {
	const stem = source
		.replace(/\.[^.]*$/, '')
		.replace(/[\\/:*?"<>|\p{Cc}\p{Cf}]+/gu, ' ')
		.trim();
	return `${stem ? `${stem}-` : ''}${t('imp.rejects.file')}.csv`;
}
