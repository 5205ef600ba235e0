// Tabular exports. CSV: UTF-8 with a BOM (Excel in China opens it as UTF-8), RFC 4180 quoting,
// and cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with '.
// Times there in ISO 8601 form, as machine-readable exports should be, at China's offset
// (+08:00, the hour a user would say). XLSX through exceljs's streaming writer with typed
// cells: numbers as numbers, times as date cells showing Beijing wall time (Excel dates carry
// no time zone) in a custom number format, which exceljs numbers from 164 up: readers (GDAL,
// LibreOffice) take only custom formats from 164 as dates, so write-excel-file's format 100
// came out as a plain number. GeoJSON where the rows have places. Every file is written as it
// is read from the database (a stream), and says who exported it and when (the XLSX's
// workbook properties, the GeoJSON's `exported` member, and every file's name).
// Yes/no and the missing items in words; the file named after the area and the filters.
// Over 400 lines on purpose: the three formats share one row model and one watermark, and a
// reader should see them side by side.
import { PassThrough, Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { csvCell, csvText, isoChina } from '$lib/csv';
import { translator, type Locale } from '$lib/i18n';
import type { SegmentListItem } from './services/waterways';
import type { SegmentPlace } from './repositories/waterways';
import { siteName, type Scenario } from '$lib/domain/planning';
import type { PlacedTable } from './exports-lists';
import {
	FOUR_ITEMS,
	WATERWAY_KINDS,
	riskLevel,
	type Completeness,
	type WaterwayKind
} from '$lib/domain/equipment';

/** Who exported a file and when: written into the file and its name. */
export interface Watermark {
	user: string;
	at: Date;
}

export type CellValue = string | number | Date | null;

// shared with the browser (the import page writes a CSV too)
export { csvCell, isoChina };

export interface Table {
	header: string[];
	rows: CellValue[][];
}

export type FourItem = (typeof FOUR_ITEMS)[number];

const CHINA_OFFSET_MS = 8 * 3600_000;

/** The segment list as a table; `missing` from `missingItems` (read in the same snapshot). */
export function segmentTable(
	rows: readonly SegmentListItem[],
	missing: ReadonlyMap<number, readonly FourItem[]>,
	locale: Locale,
	places: ReadonlyMap<number, SegmentPlace> = new Map()
): Table {
	const t = translator(locale);
	return {
		header: [
			t('export.id'),
			t('detail.location'),
			t('export.village'),
			t('detail.kind'),
			t('export.segmentName'),
			t('detail.length') + ' (m)',
			t('ww.required'),
			t('ww.children'),
			t('detail.completeness'),
			t('export.missingCount'),
			t('export.missingItems'),
			t('ww.risk'),
			t('ww.chief'),
			t('export.lastChecked'),
			// the columns an import of waterways reads (lib/import/kinds.ts), under names its
			// guess knows, so the GeoJSON goes back in unchanged with no mapping by hand; the
			// place stays last (the GeoJSON's point columns)
			t('export.sourceId'),
			t('export.townshipCode'),
			t('export.lon'),
			t('export.lat')
		],
		rows: rows.map((r) => {
			const lacks = missing.get(r.id) ?? FOUR_ITEMS;
			const at = places.get(r.id);
			return [
				r.id,
				r.township_name,
				at?.village_name ?? null,
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
				r.last_checked ? new Date(r.last_checked) : null,
				r.source_id,
				r.township_code,
				at?.lon ?? null,
				at?.lat ?? null
			];
		})
	};
}

/**
 * The Date whose UTC fields are Beijing's wall-clock time at instant `d`. A spreadsheet date has
 * no zone and write-excel-file converts a Date by its UTC fields: a cell of this value shows
 * the hour a user in China would say.
 */
export function beijingWallClock(d: Date): Date {
	return new Date(d.getTime() + CHINA_OFFSET_MS);
}

export function toCsv(table: Table): string {
	return csvText(table.header, table.rows);
}

export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm';

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

/** The rows of a table, chunk by chunk, as the database gives them. */
export type RowChunks = AsyncIterable<readonly CellValue[][]>;

async function* once(rows: CellValue[][]): RowChunks {
	yield rows;
}

/**
 * A CSV file's watermark: a last column named `label` with `value` in every row. A CSV has no
 * properties, and a line above the header would be read by GDAL and Excel as the column names;
 * in every row, the mark stays with rows copied out of the file.
 */
export interface CsvMark {
	label: string;
	value: string;
}

/** Who exported the file and when, as a CSV's last column: "admin 导出于 2026-12-07 18:30（北京时间）". */
export function csvMark(mark: Watermark, locale: Locale): CsvMark {
	const t = translator(locale);
	const at = isoChina(mark.at).slice(0, 16).replace('T', ' ');
	return { label: t('export.watermark'), value: t('export.exportedBy', { user: mark.user, at }) };
}

/** The UTF-8 bytes of a CSV file (BOM first), written as the chunks come. */
export function csvStream(
	header: readonly string[],
	chunks: RowChunks,
	mark?: CsvMark
): ReadableStream<Uint8Array> {
	const tail = mark ? ',' + csvCell(mark.value) : '';
	async function* lines() {
		const head = mark ? [...header, mark.label] : header;
		yield Buffer.from('\uFEFF' + head.map(csvCell).join(',') + '\r\n', 'utf8');
		for await (const rows of chunks) {
			if (!rows.length) continue;
			yield Buffer.from(rows.map((r) => r.map(csvCell).join(',') + tail + '\r\n').join(''), 'utf8');
			// a turn of the event loop: the socket is written between chunks (see xlsxStream)
			await nextTurn();
		}
	}
	return Readable.toWeb(Readable.from(lines())) as ReadableStream<Uint8Array>;
}

function columnWidths(header: readonly string[], sample: readonly CellValue[][]): number[] {
	// wide enough that a date is not shown as ####, not wider than a long name needs
	return header.map((h, i) =>
		Math.min(40, Math.max(6, cellWidth(h), ...sample.map((r) => cellWidth(r[i] ?? null))) + 2)
	);
}

/** Until the stream wants more, or is closed (a reader that left never drains it). */
function drained(out: PassThrough): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			out.off('drain', done);
			out.off('close', done);
			resolve();
		};
		out.on('drain', done);
		out.on('close', done);
	});
}

/** The shared cell styles of a streamed sheet (never changed: exceljs reads them only). */
const PLAIN: Partial<ExcelJS.Style> = Object.freeze({});
const DATED: Partial<ExcelJS.Style> = Object.freeze({ numFmt: XLSX_DATE_FORMAT });

/**
 * An XLSX file written as the chunks come (exceljs's streaming workbook writer: a row is
 * committed, and leaves memory, as soon as it is written). Column widths from the header and
 * the first chunk. The watermark goes into the workbook's properties (author, title,
 * description), which Excel shows under File › Info.
 */
export function xlsxStream(
	header: readonly string[],
	chunks: RowChunks,
	sheet: string,
	mark: Watermark,
	locale: Locale
): ReadableStream<Uint8Array> {
	return xlsxBookStream([{ name: sheet, header, chunks }], mark, locale, sheet);
}

/** One sheet of a workbook: its name, its header row and its rows as they come. */
export interface BookSheet {
	name: string;
	header: readonly string[];
	chunks: RowChunks;
}

/**
 * A workbook of one or more sheets (the annual report's tables, one a sheet), each with its
 * header as the first row, frozen, and typed cells, written as xlsxStream writes its one sheet.
 * Sheet names are made valid and, where two would be equal once cut to Excel's 31 characters,
 * told apart by a number.
 */
export function xlsxBookStream(
	sheets: readonly BookSheet[],
	mark: Watermark,
	locale: Locale,
	title: string
): ReadableStream<Uint8Array> {
	const out = new PassThrough();
	const t = translator(locale);
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream: out,
		useStyles: true,
		useSharedStrings: true
	});
	wb.creator = mark.user;
	wb.lastModifiedBy = mark.user;
	wb.created = mark.at;
	wb.modified = mark.at;
	wb.title = sheetName(title);
	wb.description = t('export.exportedBy', { user: mark.user, at: isoChina(mark.at) });
	const names = new Set<string>();
	const uniqueName = (name: string) => {
		let n = sheetName(name);
		for (let i = 2; names.has(n.toLowerCase()); i++) {
			const suffix = ` ${i}`;
			n = sheetName(
				Array.from(sheetName(name))
					.slice(0, 31 - suffix.length)
					.join('') + suffix
			);
		}
		names.add(n.toLowerCase());
		return n;
	};
	const writeSheet = async (sheet: BookSheet): Promise<boolean> => {
		const { header, chunks } = sheet;
		const ws = wb.addWorksheet(uniqueName(sheet.name), {
			views: [{ state: 'frozen', ySplit: 1 }]
		});
		let first = true;
		const addRow = (r: readonly CellValue[]) => {
			const row = ws.addRow(r.map((v) => (v instanceof Date ? beijingWallClock(v) : v)));
			// one style object for every plain row and cell and one for every date: exceljs finds a
			// style object it has seen by identity, while each cell's own (new) object had its
			// XML rendered to look its id up, a quarter of a province file's time
			// (the row's own style object is read by exceljs's row writer; its types omit it)
			(row as unknown as { style: Partial<ExcelJS.Style> }).style = PLAIN;
			r.forEach((v, i) => (row.getCell(i + 1).style = v instanceof Date ? DATED : PLAIN));
			row.commit();
		};
		const start = (sample: readonly CellValue[][]) => {
			first = false;
			ws.columns = columnWidths(header, sample).map((width) => ({ width }));
			const h = ws.addRow([...header]);
			h.font = { bold: true };
			h.commit();
		};
		for await (const rows of chunks) {
			if (first) start(rows);
			for (const r of rows) addRow(r);
			// let what this chunk made leave before the next is written: chunks that need no
			// query (the kept rows) would otherwise build the whole file before its first
			// byte, and a slow reader gets it no faster than it reads
			if (out.writableNeedDrain) await drained(out);
			else await nextTurn();
			// the reader went away (a closed tab): stop, rather than write the rest to no one
			if (out.destroyed) return false;
		}
		if (first) start([]);
		ws.commit();
		return true;
	};
	const write = async () => {
		for (const sheet of sheets) if (!(await writeSheet(sheet))) return;
		await wb.commit();
	};
	write().catch((e) => out.destroy(e as Error));
	return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** A whole XLSX file in memory (small tables; the lists stream with xlsxStream). */
export async function toXlsx(
	table: Table,
	sheet: string,
	mark: Watermark = { user: 'TongAn', at: new Date() },
	locale: Locale = 'zh-CN'
): Promise<Buffer> {
	const file = xlsxStream(table.header, once(table.rows), sheet, mark, locale);
	return Buffer.from(await new Response(file).arrayBuffer());
}

/**
 * A GeoJSON FeatureCollection (RFC 7946: lon/lat on WGS 84) written as the chunks come: one
 * feature per row that has a place (its point, or its shape: a segment's line); `exported`
 * says by whom and when.
 */
export function geojsonStream(
	chunks: AsyncIterable<readonly GeoJSON.Feature[]>,
	mark: Watermark,
	/** the collection's name, which GDAL takes for the layer's (a saved scenario's name) */
	name?: string
): ReadableStream<Uint8Array> {
	async function* parts() {
		const named = name === undefined ? '' : `"name":${JSON.stringify(name)},`;
		yield Buffer.from(
			`{"type":"FeatureCollection",${named}"exported":${JSON.stringify({ by: mark.user, at: isoChina(mark.at) })},"features":[`
		);
		let n = 0;
		for await (const fs of chunks) {
			if (!fs.length) continue;
			yield Buffer.from((n ? ',' : '') + fs.map((f) => JSON.stringify(f)).join(',\n'));
			n += fs.length;
			await nextTurn();
		}
		yield Buffer.from(']}\n');
	}
	return Readable.toWeb(Readable.from(parts())) as ReadableStream<Uint8Array>;
}

/** The table's rows as GeoJSON points: properties named by the header, the place as geometry. */
export function tableFeatures(
	table: Table,
	lonCol: number,
	latCol: number
): GeoJSON.Feature<GeoJSON.Point>[] {
	return table.rows.flatMap((r) => {
		const lon = r[lonCol];
		const lat = r[latCol];
		if (typeof lon !== 'number' || typeof lat !== 'number') return [];
		const properties: Record<string, string | number | null> = {};
		table.header.forEach((h, i) => {
			if (i === lonCol || i === latCol) return;
			const v = r[i];
			properties[h] = v instanceof Date ? isoChina(v) : v;
		});
		return [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties }];
	});
}

/**
 * The table's rows as GeoJSON features whose geometry is the row's own shape (a segment's
 * line, from `shapes` by the id in column `idCol`); every column, the point's longitude and
 * latitude included, a property. A row without a shape falls back to its point.
 */
export function shapeFeatures(
	table: Table,
	idCol: number,
	lonCol: number,
	latCol: number,
	shapes: ReadonlyMap<number, GeoJSON.Geometry>
): GeoJSON.Feature[] {
	return table.rows.flatMap((r) => {
		const shape = shapes.get(Number(r[idCol]));
		const lon = r[lonCol];
		const lat = r[latCol];
		const geometry: GeoJSON.Geometry | null =
			shape ??
			(typeof lon === 'number' && typeof lat === 'number'
				? { type: 'Point', coordinates: [lon, lat] }
				: null);
		if (!geometry) return [];
		const properties: Record<string, string | number | null> = {};
		table.header.forEach((h, i) => {
			const v = r[i];
			properties[h] = v instanceof Date ? isoChina(v) : v;
		});
		return [{ type: 'Feature', geometry, properties }];
	});
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
	format: 'csv' | 'xlsx' | 'geojson',
	now = new Date(),
	/** who exports it: the name then ends with the Beijing time and the user (the watermark) */
	user?: string
): { name: string; ascii: string } {
	const t = translator(locale);
	const day = isoChina(now).slice(0, 10);
	const stamp = user
		? `-${isoChina(now).slice(11, 16).replace(':', '')}-${fileNamePart(user).replace(/[^A-Za-z0-9_.@-]/g, '_')}`
		: '';
	const kind = (WATERWAY_KINDS as readonly string[]).includes(s.kind ?? '')
		? (s.kind as WaterwayKind)
		: undefined;
	const completeness = (COMPLETENESS as readonly string[]).includes(s.completeness ?? '')
		? (s.completeness as Completeness)
		: undefined;
	const township = s.township && s.township.code !== s.areaCode ? s.township : undefined;
	const chief = s.mine ? undefined : s.chief;
	const suffix = `-${day}${stamp}.${format}`;
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

/**
 * A saved siting scenario's sites as a table: order, name, kind (and why a home to upgrade does
 * not count), reference, lon/lat, and the released children each newly covers.
 */
export function scenarioTable(s: Scenario, locale: Locale): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		// the place in the middle, as the page lists it; GeoJSON takes it as the geometry
		lonLat: [SCENARIO_LON_COL, SCENARIO_LAT_COL],
		layer: s.name,
		header: [
			t('plan.order'),
			t('plan.site'),
			t('plan.kind'),
			t('plan.ref'),
			t('plan.lon'),
			t('plan.lat'),
			t('plan.radius'),
			t('plan.gain')
		],
		rows: s.sites.map((p, i) => [
			i + 1,
			siteName(p, t),
			t(`plan.kind.${p.kind}`) + (p.reason ? ` (${t(`plan.reason.${p.reason}`)})` : ''),
			p.ref,
			Number(p.lon.toFixed(6)),
			Number(p.lat.toFixed(6)),
			s.radiusM,
			p.gain
		])
	};
}

/** Where the longitude and the latitude are in scenarioTable's columns. */
export const SCENARIO_LON_COL = 4;
export const SCENARIO_LAT_COL = 5;
