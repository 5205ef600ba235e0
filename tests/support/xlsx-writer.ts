// Writes a minimal XLSX by hand (stored zip, inline strings), so a test can give a cell one of
// Excel's built-in number formats by id alone, as Excel on Chinese Windows saves them: no
// <numFmt> entry in styles.xml, only `numFmtId="31"` on the cell's style. A library writing the
// same workbook would add a custom format from id 164 up instead, which readers already handle.
import { storedZip } from './shapefile-writer';

/** A cell: text, or a number shown with the built-in format of that id (0 = General). */
export type HandCell = string | { n: number; fmtId?: number };

const esc = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const column = (i: number): string =>
	i < 26 ? String.fromCharCode(65 + i) : column(Math.floor(i / 26) - 1) + column(i % 26);

export function handWrittenXlsx(rows: HandCell[][]): Buffer {
	const fmtIds = [
		...new Set(rows.flat().flatMap((c) => (typeof c === 'string' ? [] : [c.fmtId ?? 0])))
	];
	const styleOf = (id: number) => 1 + fmtIds.indexOf(id);
	const sheetRows = rows
		.map((cells, r) => {
			const xml = cells
				.map((c, i) => {
					const ref = `${column(i)}${r + 1}`;
					if (typeof c === 'string')
						return `<c r="${ref}" t="inlineStr"><is><t>${esc(c)}</t></is></c>`;
					return `<c r="${ref}" s="${styleOf(c.fmtId ?? 0)}"><v>${c.n}</v></c>`;
				})
				.join('');
			return `<row r="${r + 1}">${xml}</row>`;
		})
		.join('');
	const xml = (s: string) =>
		Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`);
	const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
	const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
	const pkg = 'http://schemas.openxmlformats.org/package/2006/relationships';
	return storedZip({
		'[Content_Types].xml': xml(
			'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
				'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
				'<Default Extension="xml" ContentType="application/xml"/>' +
				'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
				'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
				'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
				'</Types>'
		),
		'_rels/.rels': xml(
			`<Relationships xmlns="${pkg}"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`
		),
		'xl/workbook.xml': xml(
			`<workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>`
		),
		'xl/_rels/workbook.xml.rels': xml(
			`<Relationships xmlns="${pkg}">` +
				`<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>` +
				`<Relationship Id="rId2" Type="${rel}/styles" Target="styles.xml"/></Relationships>`
		),
		'xl/styles.xml': xml(
			`<styleSheet xmlns="${main}">` +
				'<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>' +
				'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>' +
				'<borders count="1"><border/></borders>' +
				'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
				`<cellXfs count="${fmtIds.length + 1}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
				fmtIds
					.map(
						(id) =>
							`<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`
					)
					.join('') +
				'</cellXfs></styleSheet>'
		),
		'xl/worksheets/sheet1.xml': xml(
			`<worksheet xmlns="${main}"><sheetData>${sheetRows}</sheetData></worksheet>`
		)
	});
}
