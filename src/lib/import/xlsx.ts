// XLSX as people make it: a title row above the header, merged header cells, dates kept as
// Excel serials with a date format, long ids shown in scientific notation, full-width digits.
// exceljs reads the workbook (already a dependency); merged cells read as their master's value.
import ExcelJS from 'exceljs';
import builtInFormats from 'exceljs/lib/xlsx/defaultnumformats.js';
import { tableFromGrid, type SourceTable } from './table';
import { numberText } from './text';

/**
 * Excel's built-in date and time formats for zh-CN (ECMA-376 Part 1, §18.8.30). A cell styled
 * with one of these ids carries no format text in the file, only the id, and exceljs knows the
 * text of ids 27–36 and 50–58 only per locale (never as the `f` it reads), so a date saved by
 * Excel on Chinese Windows as 2015年5月1日 (id 31) was read as its serial, 42125. In every locale
 * exceljs lists (zh-CN, zh-TW, ja-JP, ko-KR) these ids are dates or times, so which locale wrote
 * the file does not matter for reading it as a date; the zh-CN text is the one given.
 */
export const ZH_CN_DATE_FORMATS: Readonly<Record<number, string>> = {
	27: 'yyyy"年"m"月"',
	28: 'm"月"d"日"',
	29: 'm"月"d"日"',
	30: 'm-d-yy',
	31: 'yyyy"年"m"月"d"日"',
	32: 'h"时"mm"分"',
	33: 'h"时"mm"分"ss"秒"',
	34: '上午/下午h"时"mm"分"',
	35: '上午/下午h"时"mm"分"ss"秒"',
	36: 'yyyy"年"m"月"',
	50: 'yyyy"年"m"月"',
	51: 'm"月"d"日"',
	52: 'yyyy"年"m"月"',
	53: 'm"月"d"日"',
	54: 'm"月"d"日"',
	55: '上午/下午h"时"mm"分"',
	56: '上午/下午h"时"mm"分"ss"秒"',
	57: 'yyyy"年"m"月"',
	58: 'm"月"d"日"'
};

// exceljs takes a built-in id's format from this table's `f` when the file defines none (its
// styles reader, getDefaultFmtCode); filling `f` for these ids makes it read their cells as
// dates. Only ids it leaves without `f` are filled, and writing is unaffected: exceljs maps
// formats to built-in ids from a copy of the table made when it loaded.
for (const [id, f] of Object.entries(ZH_CN_DATE_FORMATS)) {
	const entry = (builtInFormats[Number(id)] ??= {});
	entry.f ??= f;
}

/** A date as the calendar day (and time when it has one) the user typed, not shifted by zone. */
function dateText(d: Date): string {
	// exceljs turns a date serial into a Date at that wall time in UTC
	const iso = d.toISOString();
	if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
	// a time alone (a serial below 1, e.g. 8时30分) is day 0 of Excel's calendar: the time only,
	// not a date in 1899 that a date field would take for a real one
	if (iso.startsWith('1899-12-30T')) return iso.slice(11, 16);
	return iso.slice(0, 16).replace('T', ' ');
}

/**
 * A number cell as text. Excel keeps 15 significant digits: an 18-digit id typed into a number
 * cell is stored with its last digits turned to 0 (421083123456789123 is kept as
 * 4.21083123456789E+17). Such a number (16 digits or more) is written as Excel shows it, in
 * scientific notation, so the row check refuses it as an id whose digits are lost (it was read
 * as 421083123456789000, an id made up) and reads it as that number in any other field.
 */
function numberCellText(n: number): string {
	if (!Number.isInteger(n) || Math.abs(n) < 1e15) return numberText(n);
	return n.toExponential().toUpperCase();
}

function cellText(v: ExcelJS.CellValue): string {
	if (v === null || v === undefined) return '';
	// a serial outside Excel's calendar (negative, or past 9999) in a date format: Excel shows
	// ######, and so does the row's message (toISOString threw on it, a 500)
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? '######' : dateText(v);
	if (typeof v === 'number') return numberCellText(v);
	if (typeof v === 'string' || typeof v === 'boolean') return String(v);
	if (typeof v === 'object') {
		if ('richText' in v) return v.richText.map((r) => r.text).join('');
		if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
		if ('text' in v) return String(v.text);
		if ('error' in v) return '';
	}
	return '';
}

export class UnreadableFile extends Error {}

/** The first worksheet that has data, as a table. */
export async function readXlsx(bytes: Uint8Array): Promise<SourceTable> {
	const wb = new ExcelJS.Workbook();
	try {
		await wb.xlsx.load(bytes as unknown as ArrayBuffer);
	} catch {
		throw new UnreadableFile('xlsx');
	}
	const grid: string[][] = [];
	try {
		const ws = wb.worksheets.find((w) => w.actualRowCount > 0);
		if (!ws) return { headers: [], records: [], headerRow: 0 };
		for (let r = 1; r <= ws.rowCount; r++) {
			const row = ws.getRow(r);
			const cells: string[] = [];
			for (let c = 1; c <= Math.max(row.cellCount, ws.columnCount); c++)
				cells.push(cellText(row.getCell(c).value));
			grid.push(cells);
		}
	} catch {
		// a workbook exceljs loaded but cannot walk (a damaged sheet): the file is refused as
		// unreadable, a 400, like one it cannot load, instead of the error escaping as a 500
		throw new UnreadableFile('xlsx');
	}
	return tableFromGrid(grid);
}
