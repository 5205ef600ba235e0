// Tabular exports. CSV: UTF-8 with a BOM (Excel in China opens it as UTF-8), RFC 4180 quoting,
// and cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with '.
// XLSX through write-excel-file. Times in ISO 8601 form, as exports should be, at China's offset
// (+08:00, the hour a user would say), yes/no in words.
import writeXlsxFile, { type SheetData } from 'write-excel-file/node';
import { translator, type Locale } from '$lib/i18n';
import type { SegmentListItem } from './services/waterways';
import { SUPPRESSION_THRESHOLD } from '$lib/domain/children';
import { riskLevel } from '$lib/domain/equipment';

export interface Table {
	header: string[];
	rows: (string | number | null)[][];
}

export function segmentTable(rows: SegmentListItem[], locale: Locale): Table {
	const t = translator(locale);
	return {
		header: [
			'ID',
			t('detail.location'),
			t('detail.kind'),
			t('ww.title'),
			t('detail.length') + ' (m)',
			t('ww.required'),
			t('ww.children'),
			t('detail.completeness'),
			t('ww.missing'),
			t('ww.risk'),
			t('ww.chief'),
			t('ww.lastChecked')
		],
		rows: rows.map((r) => [
			r.id,
			r.township_name,
			t(`kind.${r.kind}`),
			r.name,
			Math.round(r.length_m),
			t(r.required ? 'export.yes' : 'export.no'),
			r.children_within < SUPPRESSION_THRESHOLD ? '<5' : r.children_within,
			t(`legend.${r.completeness}`),
			4 - r.usable,
			t(`riskLevel.${riskLevel(r.risk)}`),
			r.river_chief_name,
			r.last_checked ? isoChina(new Date(r.last_checked)) : null
		])
	};
}

/** ISO 8601 at UTC+8 (China has one zone and no summer time): 2026-05-15T09:00:00+08:00. */
export function isoChina(d: Date): string {
	return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
}

export function csvCell(v: string | number | null): string {
	if (v === null || v === undefined) return '';
	let s = String(v);
	if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Table): string {
	const lines = [table.header, ...table.rows].map((r) => r.map(csvCell).join(','));
	return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export async function toXlsx(table: Table): Promise<Buffer> {
	const data: SheetData = [
		table.header.map((h) => ({ value: h, fontWeight: 'bold' as const })),
		...table.rows.map((r) => r.map((v) => (v === null ? null : { value: v })))
	];
	return writeXlsxFile(data).toBuffer();
}
