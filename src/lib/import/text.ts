// Cell text as people type it in Chinese spreadsheets, made comparable: full-width digits and
// letters folded to ASCII, non-breaking and ideographic spaces trimmed, and numbers that a
// spreadsheet turned into scientific notation written out again. Nothing else is folded: a
// name keeps its Chinese brackets (河流（洪湖市）), or a file exported from the app would read
// back as a rename of every such name.
import { withoutControls } from '$lib/controls';

/** Full-width digits, Latin letters and the signs of a number (．－＋). */
export const FULL_WIDTH = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff0d\uff0b]/g;

/** Full-width digits: folded like the rest, and the dry run says so for the row. */
export const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/;

/** Whether a cell as read holds full-width digits (a note, not a rejection). */
export const hasFullWidthDigits = (raw: unknown): boolean =>
	typeof raw === 'string' && FULL_WIDTH_DIGIT.test(raw);

/** A cell as typed, folded: full-width digits and letters to ASCII, surrounding blanks removed. */
function foldCell(raw: unknown): string {
	if (raw === null || raw === undefined) return '';
	const s = typeof raw === 'number' ? numberText(raw) : String(raw);
	// a control character is in no one's name or note, and a NUL cannot be stored (a 500)
	return withoutControls(s)
		.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
		.replace(/[\s\u00a0\u3000]+/g, ' ')
		.trim();
}

/** Full-width digits and letters to ASCII, surrounding blanks removed, scientific ids expanded. */
export function normalizeCell(raw: unknown): string {
	return expandScientific(foldCell(raw));
}

/**
 * Whether a cell is an integer written in scientific notation, and if so whether every digit is
 * there. Excel shows a long id as 4.21083E+11 and writes that text, not the id, to a CSV (or
 * keeps it as text when pasted): the digits after 421083 are gone, and expanding it makes
 * 421083000000 up. 4.21083123456E+11 has all twelve digits ('exact'); 4.21083E+11 has six of
 * twelve ('lost'). A number read from a workbook's cell is never scientific here: the file
 * holds its digits, whatever format shows them. The cell as read (`raw`), before folding.
 */
export function scientificDigits(raw: unknown): 'exact' | 'lost' | null {
	if (typeof raw !== 'string') return null;
	const m = SCIENTIFIC.exec(foldCell(raw));
	if (!m) return null;
	const frac = m[1].split('.')[1] ?? '';
	const exp = Number(m[2]);
	// not an integer (1.25E+01... or 1.5E+0 with more decimals than places): a measurement
	if (frac.length > exp) return null;
	return frac.length === exp ? 'exact' : 'lost';
}

/**
 * A number as the digits a person typed. Excel shows an 18-digit id as 4.21083E+17 and keeps
 * it as a double; an integer is written out in full so it can still match the source's id.
 */
export function numberText(n: number): string {
	if (!Number.isFinite(n)) return '';
	if (Number.isInteger(n)) return BigInt(n).toString();
	return String(n);
}

const SCIENTIFIC = /^([+-]?\d+(?:\.\d+)?)[eE]\+?(\d{1,2})$/;

/** "4.21083E+11" -> "421083000000"; anything else unchanged. */
export function expandScientific(s: string): string {
	const m = SCIENTIFIC.exec(s);
	if (!m) return s;
	const exp = Number(m[2]);
	const [int, frac = ''] = m[1].replace(/^\+/, '').split('.');
	if (frac.length > exp) return s; // not an integer: a real measurement, keep as typed
	const digits = int + frac.padEnd(exp, '0');
	return digits.replace(/^(-?)0+(?=\d)/, '$1');
}

/**
 * A comma that is not a thousands separator ("1,20", "12,34", ",5"): neither a grouping nor
 * clearly a decimal point, so the figure is not guessed (it was read as 120).
 */
export function badComma(s: string): boolean {
	const t = normalizeCell(s);
	return t.includes(',') && !/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(t);
}

/** Parse a decimal as typed ("1,234.5", "１２．５"), or null (also for a misplaced comma). */
export function parseDecimal(s: string): number | null {
	if (badComma(s)) return null;
	const t = normalizeCell(s).replace(/,/g, '');
	if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
	const n = Number(t);
	return Number.isFinite(n) ? n : null;
}
