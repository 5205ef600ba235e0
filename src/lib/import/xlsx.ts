// XLSX as people make it: a title row above the header, merged header cells, dates kept as
// Excel serials with a date format, long ids shown in scientific notation, full-width digits.
// exceljs reads the workbook (already a dependency); merged cells read as their master's value.
import ExcelJS from 'exceljs';
import { tableFromGrid, type SourceTable } from './table';
import { numberText } from './text';

/** A date as the calendar day (and time when it has one) the user typed, not shifted by zone. */
function dateText(d: Date): string {
	// exceljs turns a date serial into a Date at that wall time in UTC
	const iso = d.toISOString();
	return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

function cellText(v: ExcelJS.CellValue): string {
	if (v === null || v === undefined) return '';
	if (v instanceof Date) return dateText(v);
	if (typeof v === 'number') return numberText(v);
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
	const ws = wb.worksheets.find((w) => w.actualRowCount > 0);
	if (!ws) return { headers: [], records: [], headerRow: 0 };
	const grid: string[][] = [];
	for (let r = 1; r <= ws.rowCount; r++) {
		const row = ws.getRow(r);
		const cells: string[] = [];
		for (let c = 1; c <= Math.max(row.cellCount, ws.columnCount); c++)
			cells.push(cellText(row.getCell(c).value));
		grid.push(cells);
	}
	return tableFromGrid(grid);
}
