// The rows an import did not write, as the page lists them and as the CSV it downloads: row,
// field and the file's column, reason, in the user's language; the CSV opens in Excel as UTF-8
// (BOM) and a cell from the user's file never runs as a formula.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { translator } from '../../src/lib/i18n';
import { problemText, rejectedRow } from '../../src/lib/import/messages';
import { rejectsCsv, rejectsFileName } from '../../src/lib/import/rejects-csv';
import type { RowProblem } from '../../src/lib/import/validate';

const problems: RowProblem[] = [
	{ row: 4, field: 'lon', column: '经度', key: 'outside', params: { value: '114.9, 29.9' } },
	// a column named like a formula, and a duplicate whose value holds a comma and quotes
	{
		row: 7,
		field: 'sourceId',
		column: '=HYPERLINK("x")',
		key: 'duplicate',
		params: { value: 'T-1,"2"', first: 2 }
	},
	{ row: 9, field: 'geometry', column: '', key: 'outside', params: { value: '1, 2' } }
];

describe('rows not imported', () => {
	it.each(['zh-CN', 'en'] as const)('as a table and a CSV in %s', (locale) => {
		const t = translator(locale);
		const rows = problems.map((p) => rejectedRow(t, p));
		// the same words as the line the page used to show, cell by cell
		rows.forEach((r, i) => {
			const line = problemText(t, problems[i]);
			expect(line).toContain(r.field);
			expect(line).toContain(r.reason);
			if (r.column) expect(line).toContain(r.column);
		});
		expect(rows.map((r) => r.row)).toEqual([4, 7, 9]);
		expect(rows[0].field).toBe(t('imp.f.lon'));

		const csv = rejectsCsv(rows, t);
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		const grid = Papa.parse<string[]>(csv.slice(1).trim()).data;
		expect(grid[0]).toEqual([
			t('imp.rejects.row'),
			t('imp.rejects.field'),
			t('imp.rejects.column'),
			t('imp.rejects.reason')
		]);
		expect(grid.slice(1).map((r) => r[0])).toEqual(['4', '7', '9']);
		expect(grid[1][3]).toBe(rows[0].reason);
		// the formula-like column is text, the comma and quotes survive quoting
		expect(grid[2][2]).toBe(`'=HYPERLINK("x")`);
		expect(grid[2][3]).toBe(rows[1].reason);
		expect(grid[3][2]).toBe('');
	});

	it('is named after the imported file, without its extension or a path', () => {
		const zh = translator('zh-CN');
		expect(rejectsFileName('儿童之家台账.csv', zh)).toBe(
			`儿童之家台账-${zh('imp.rejects.file')}.csv`
		);
		expect(rejectsFileName('a/b:c.xlsx', zh)).toBe(`a b c-${zh('imp.rejects.file')}.csv`);
		expect(rejectsFileName('', translator('en'))).toBe('rows not imported.csv');
	});
});
