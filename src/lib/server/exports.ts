// Tabular exports. CSV: UTF-8 with a BOM (Excel in China opens it as UTF-8), RFC 4180 quoting,
// and cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with '.
// Times there in ISO 8601 form, as machine-readable exports should be, at China's offset
// (+08:00, the hour a user would say). XLSX through write-excel-file with typed cells: numbers
// as numbers, times as date cells showing Beijing wall time (Excel dates carry no time zone).
// Yes/no and the missing items in words; the file named after the area and the filters.
import writeXlsxFile, { type Cell, type SheetData } from 'write-excel-file/node';
import { translator, type Locale } from '$lib/i18n';
import type { SegmentListItem } from './services/waterways';
import {
	FOUR_ITEMS,
	WATERWAY_KINDS,
	riskLevel,
	type Completeness,
	type WaterwayKind
} from '$lib/domain/equipment';

export type CellValue = string | number | Date | null;

export interface Table {
	header: string[];
	rows: CellValue[][];
}

export type FourItem = (typeof FOUR_ITEMS)[number];

const CHINA_OFFSET_MS = 8 * 3600_000;

/** The segment list as a table; `missing` from `missingItems` (read in the same snapshot). */
export function segmentTable(
	rows: SegmentListItem[],
	missing: ReadonlyMap<number, readonly FourItem[]>,
	locale: Locale
): Table {
	const t = translator(locale);
	return {
		header: [
			t('export.id'),
			t('detail.location'),
			t('detail.kind'),
			t('ww.title'),
			t('detail.length') + ' (m)',
			t('ww.required'),
			t('ww.children'),
			t('detail.completeness'),
			t('export.missingCount'),
			t('export.missingItems'),
			t('ww.risk'),
			t('ww.chief'),
			t('export.lastChecked')
		],
		rows: rows.map((r) => {
			const lacks = missing.get(r.id) ?? FOUR_ITEMS;
			return [
				r.id,
				r.township_name,
				t(`kind.${r.kind}`),
				r.name,
				Math.round(r.length_m),
				t(r.required ? 'export.yes' : 'export.no'),
				// released (perturbed) by segmentsFor, as on the list
				r.children_within,
				t(`legend.${r.completeness}`),
				lacks.length,
				lacks.length
					? lacks.map((i) => t(`item.${i}`)).join(t('export.listSeparator'))
					: t('export.missingNone'),
				t(`riskLevel.${riskLevel(r.risk)}`),
				r.river_chief_name,
				r.last_checked ? new Date(r.last_checked) : null
			];
		})
	};
}

/** ISO 8601 at UTC+8 (China has one zone and no summer time): 2026-05-15T09:00:00+08:00. */
export function isoChina(d: Date): string {
	return new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/**
 * The Date whose UTC fields are Beijing's wall-clock time at instant `d`. A spreadsheet date has
 * no zone and write-excel-file converts a Date by its UTC fields: a cell of this value shows
 * the hour a user in China would say.
 */
export function beijingWallClock(d: Date): Date {
	return new Date(d.getTime() + CHINA_OFFSET_MS);
}

export function csvCell(v: CellValue): string {
	if (v === null || v === undefined) return '';
	if (v instanceof Date) return isoChina(v);
	let s = String(v);
	if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Table): string {
	const lines = [table.header, ...table.rows].map((r) => r.map(csvCell).join(','));
	return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm';

function xlsxCell(v: CellValue): Cell {
	if (v === null || v === undefined) return null;
	if (v instanceof Date)
		return { value: beijingWallClock(v), type: Date, format: XLSX_DATE_FORMAT };
	if (typeof v === 'number') return { value: v, type: Number };
	return { value: v, type: String };
}

/** Roughly how many character widths a cell needs (Chinese characters take two). */
function cellWidth(v: CellValue): number {
	if (v === null || v === undefined) return 0;
	if (v instanceof Date) return XLSX_DATE_FORMAT.length;
	let w = 0;
	for (const ch of String(v)) w += ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
	return w;
}

/** A sheet name Excel accepts: at most 31 characters, none of \ / ? * [ ] : */
export function sheetName(name: string): string {
	const clean = Array.from(name.replace(/[\\/?*[\]:]/g, ' ').trim())
		.slice(0, 31)
		.join('')
		.trim();
	return clean || 'Sheet1';
}

export async function toXlsx(table: Table, sheet: string): Promise<Buffer> {
	const data: SheetData = [
		table.header.map((h) => ({ value: h, type: String, fontWeight: 'bold' as const })),
		...table.rows.map((r) => r.map(xlsxCell))
	];
	// wide enough that a date is not shown as ####, not wider than a long name needs
	const columns = table.header.map((h, i) => ({
		width: Math.min(
			40,
			Math.max(6, cellWidth(h), ...table.rows.map((r) => cellWidth(r[i] ?? null))) + 2
		)
	}));
	return writeXlsxFile(data, { sheet: sheetName(sheet), columns, stickyRowsCount: 1 }).toBuffer();
}

// ---- file names ----

/** What the exported list is of: the user's area and the filters applied to it. */
export interface SegmentExportScope {
	areaCode: string;
	areaName: string;
	/** a river chief's own segments */
	mine: boolean;
	township?: { code: string; name: string };
	chief?: { id: number; name: string };
	kind?: string;
	completeness?: string;
	requiredOnly: boolean;
}

const COMPLETENESS: readonly Completeness[] = ['complete', 'partial', 'none'];
const FILE_NAME_MAX_BYTES = 200;

/**
 * One part of a file name: no path separators, characters Windows forbids, control or
 * invisible formatting characters (a right-to-left override could disguise the extension),
 * runs of spaces, or leading and trailing dots.
 */
export function fileNamePart(s: string): string {
	return s
		.normalize('NFC')
		.replace(/[\p{Cc}\p{Cf}\\/:*?"<>|]+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^\.+|\.+$/g, '')
		.trim();
}

function joinName(parts: (string | false | undefined)[], suffix: string): string {
	let stem = parts
		.map((p) => (p ? fileNamePart(p) : ''))
		.filter(Boolean)
		.join('-');
	// file systems allow 255 bytes a name; leave room for "(1)" and the like
	while (stem && Buffer.byteLength(stem + suffix) > FILE_NAME_MAX_BYTES)
		stem = Array.from(stem).slice(0, -1).join('');
	return stem.replace(/[-\s]+$/, '') + suffix;
}

/**
 * The download's name in the user's language — area, filters, Beijing date — e.g.
 * 洪湖市-河段-坑塘-部分缺失-2026-11-29.xlsx, and an ASCII fallback from the codes for clients
 * that do not read RFC 5987: segments-421083000000-pond-partial-2026-11-29.xlsx.
 */
export function segmentFileName(
	s: SegmentExportScope,
	locale: Locale,
	format: 'csv' | 'xlsx',
	now = new Date()
): { name: string; ascii: string } {
	const t = translator(locale);
	const day = isoChina(now).slice(0, 10);
	const kind = (WATERWAY_KINDS as readonly string[]).includes(s.kind ?? '')
		? (s.kind as WaterwayKind)
		: undefined;
	const completeness = (COMPLETENESS as readonly string[]).includes(s.completeness ?? '')
		? (s.completeness as Completeness)
		: undefined;
	const township = s.township && s.township.code !== s.areaCode ? s.township : undefined;
	const chief = s.mine ? undefined : s.chief;
	const suffix = `-${day}.${format}`;
	return {
		name: joinName(
			[
				s.areaName,
				township?.name,
				s.mine ? t('ww.mine') : t('export.segments'),
				chief && t('export.file.chief', { name: chief.name }),
				kind && t(`kind.${kind}`),
				completeness && t(`legend.${completeness}`),
				s.requiredOnly && t('export.file.required')
			],
			suffix
		),
		ascii: joinName(
			[
				'segments',
				s.areaCode,
				township?.code,
				s.mine && 'mine',
				chief && `chief${chief.id}`,
				kind,
				completeness,
				s.requiredOnly && 'required'
			].map((p) => (p ? p.replace(/[^A-Za-z0-9_.]/g, '') : p)),
			suffix
		)
	};
}

/** RFC 5987 ext-value of a UTF-8 string: percent-encoded except attr-chars. */
function rfc5987(s: string): string {
	return encodeURIComponent(s).replace(
		/['()*]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()
	);
}

/** Content-Disposition (RFC 6266) with the UTF-8 name and a plain ASCII one for old clients. */
export function contentDisposition(name: string, ascii: string): string {
	const fallback = ascii.replace(/[^\x20-\x7e]|["\\%]/g, '_');
	return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
}
