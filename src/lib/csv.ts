// CSV cells as every file of the app writes them, on the server (exports.ts) and in the browser
// (the import page's rows not imported): times in ISO 8601 at China's offset, RFC 4180 quoting,
// and a cell a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with '.
export type CsvValue = string | number | Date | null;

const CHINA_OFFSET_MS = 8 * 3600_000;

/** ISO 8601 at UTC+8 (China has one zone and no summer time): 2026-05-15T09:00:00+08:00. */
export function isoChina(d: Date): string {
	return new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

export function csvCell(v: CsvValue): string {
	if (v === null || v === undefined) return '';
	if (v instanceof Date) return isoChina(v);
	let s = String(v);
	if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV file's text: a BOM first (Excel in China then reads it as UTF-8), CRLF lines. */
export function csvText(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
	const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
	return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
