// From a grid of cells (a CSV or a worksheet) to named records: find the header row below any
// title rows and blank rows, join a two-row header whose upper cells were merged, and keep each
// record's row number as the user sees it in the file (1-based).
import { hasFullWidthDigits, normalizeCell, scientificDigits } from './text';

/** Rows handled between two pauses: a few milliseconds of work each. */
const SLICE_ROWS = 5000;

/**
 * Let the server answer other requests before going on: a 300,000-row file is read in slices
 * instead of in one stretch of seconds (the other users' pages wait at most one slice).
 */
export const pause = (): Promise<void> =>
	new Promise((resolve) =>
		typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)
	);

export interface SourceRecord {
	/** the row (CSV line, worksheet row, or feature number) as the user finds it in the file */
	row: number;
	cells: Record<string, string>;
	geometry?: GeoJSON.Geometry | null;
	/** a problem found while reading, before any column is looked at (a broken feature) */
	readProblem?: string;
	/** the columns whose cell had full-width digits, folded to ASCII (the dry run notes them) */
	widened?: string[];
	/**
	 * The columns whose cell was an integer in scientific notation, with the cell as written
	 * (4.21083E+11): an id or code in one is refused when digits were lost, noted when not.
	 */
	scientific?: Record<string, string>;
}

export interface SourceTable {
	headers: string[];
	records: SourceRecord[];
	/** the row number of the header, for messages */
	headerRow: number;
}

const isNumeric = (s: string) => /^[+-]?\d+(\.\d+)?$/.test(s);

/** A row is a title (or blank) row when it carries at most one distinct text. */
function isTitleRow(cells: string[]): boolean {
	return new Set(cells.filter((c) => c !== '')).size <= 1;
}

/**
 * Headers made unique and non-empty: an empty header becomes "列N", a repeated one "名称(2)",
 * so every column can be mapped.
 */
function uniqueHeaders(raw: string[]): string[] {
	const seen = new Map<string, number>();
	return raw.map((h, i) => {
		const base = h || `列${i + 1}`;
		const n = (seen.get(base) ?? 0) + 1;
		seen.set(base, n);
		return n === 1 ? base : `${base}(${n})`;
	});
}

/** Cells (by index) in scientific notation, with the text as written, or null when none. */
type Sci = [number, string][] | null;

/**
 * A grid row as cells compared and imported, the columns (by index) that had full-width digits,
 * and those written in scientific notation.
 */
function cleanRow(r: unknown): { cells: string[]; wide: number[] | null; sci: Sci } {
	if (!Array.isArray(r)) return { cells: [], wide: null, sci: null };
	const wide = r.flatMap((c, j) => (hasFullWidthDigits(c) ? [j] : []));
	const sci = r.flatMap((c, j): [number, string][] =>
		scientificDigits(c) ? [[j, String(c).trim()]] : []
	);
	return {
		cells: r.map(normalizeCell),
		wide: wide.length ? wide : null,
		sci: sci.length ? sci : null
	};
}

const isBlank = (cells: string[]) => !cells.some((c) => c !== '');

/**
 * A file's rows, a chunk at a time, from the first row each time it is called: `chunks()[k][j]`
 * is the file's next row, in order (row i + 1 for the i-th row given over all chunks).
 */
export type RowChunks = () => AsyncIterable<unknown[][]>;

/**
 * A table whose records are read again from the file for each pass instead of being held: the
 * header, the record count and the first records are known up front, the records come in batches.
 * A 300,000-row file is never held as 300,000 objects (nor as its whole decoded text, for a CSV).
 */
export interface RecordSource {
	headers: string[];
	/** the row number of the header, for messages */
	headerRow: number;
	/** how many records `batches` gives */
	count: number;
	/** the first few records, for the mapping step */
	sample: SourceRecord[];
	/** every record from the first, in batches of at most `size`, each in file order */
	batches(size: number): AsyncGenerator<SourceRecord[]>;
}

const SAMPLE = 5;

/**
 * Find the header row below any title rows and blank rows, join a two-row header whose upper
 * cells were merged, count the records, all in one pass over `chunks` that keeps only the
 * header rows and the sample; `batches` then reads the rows again. Rows wholly blank after the
 * header are skipped; they are not errors. Merged cells come already filled by the reader.
 */
export async function surveyRows(chunks: RowChunks): Promise<RecordSource> {
	let i = 0;
	let h = -1;
	let headerCells: string[] = [];
	let next: string[] | undefined;
	let nextBlank = true;
	// the widest row from the header down: headers are made for every column any row has
	let width = 0;
	/** non-blank rows below the header row (the lower header among them, if it is one) */
	let below = 0;
	const early: { r: number; cells: string[]; wide: number[] | null; sci: Sci }[] = [];
	for await (const chunk of chunks()) {
		for (const raw of chunk) {
			const r = i++;
			if (h < 0) {
				const { cells } = cleanRow(raw);
				if (isTitleRow(cells)) continue;
				h = r;
				headerCells = cells;
				width = cells.length;
				continue;
			}
			const row = cleanRow(raw);
			width = Math.max(width, row.cells.length);
			if (r === h + 1) next = row.cells;
			if (isBlank(row.cells)) continue;
			if (r === h + 1) nextBlank = false;
			below++;
			// the sample, and one more in case the first is the lower header
			if (early.length <= SAMPLE) early.push({ r, ...row });
		}
		await pause();
	}
	if (h < 0) return sourceOfTable({ headers: [], records: [], headerRow: 0 });
	let header = Array.from({ length: width }, (_, k) => headerCells[k] ?? '');
	let first = h + 1;
	// A merged upper header ("坐标" over 经度 | 纬度) repeats its text across the merge: when
	// the next row is text only and names columns under such a repeat, it is the lower header.
	if (next && !nextBlank && !next.some(isNumeric)) {
		const lower = next;
		const repeats = header.some((c, k) => c !== '' && k > 0 && header[k - 1] === c);
		const underRepeat = lower.every(
			(c, k) =>
				c === '' ||
				c === header[k] ||
				header[k] === '' ||
				header[k] === header[k - 1] ||
				header[k] === header[k + 1]
		);
		if (repeats && underRepeat) {
			header = header.map((c, k) => (lower[k] ? lower[k] : c));
			first = h + 2;
		}
	}
	const headers = uniqueHeaders(header);
	const record = (r: number, cells: string[], wide: number[] | null, sci: Sci): SourceRecord => {
		// without a prototype: a column the file names __proto__ or constructor is a cell like any
		// other (on a plain object __proto__ was not stored, and mapping a field to it read
		// Object.prototype and threw, a 500)
		const rec: Record<string, string> = Object.create(null);
		headers.forEach((name, k) => (rec[name] = cells[k] ?? ''));
		const out: SourceRecord = { row: r + 1, cells: rec };
		if (wide) out.widened = wide.map((k) => headers[k]);
		// a cell beyond the header's columns has no name and is not imported
		if (sci)
			out.scientific = Object.fromEntries(
				sci.filter(([k]) => k < headers.length).map(([k, text]) => [headers[k], text])
			);
		return out;
	};
	return {
		headers,
		headerRow: h + 1,
		count: first === h + 2 ? below - 1 : below,
		sample: early
			.filter((e) => e.r >= first)
			.slice(0, SAMPLE)
			.map((e) => record(e.r, e.cells, e.wide, e.sci)),
		async *batches(size: number) {
			let r = 0;
			let batch: SourceRecord[] = [];
			for await (const chunk of chunks()) {
				for (const raw of chunk) {
					const at = r++;
					if (at < first) continue;
					const { cells, wide, sci } = cleanRow(raw);
					if (isBlank(cells)) continue;
					batch.push(record(at, cells, wide, sci));
					if (batch.length === size) {
						yield batch;
						batch = [];
					}
				}
				await pause();
			}
			if (batch.length) yield batch;
		}
	};
}

/** A grid held whole (a worksheet), in slices with a pause after each. */
export const gridChunks = (grid: unknown[][]): RowChunks =>
	async function* () {
		for (let i = 0; i < grid.length; i += SLICE_ROWS) yield grid.slice(i, i + SLICE_ROWS);
	};

/** A table already held whole (a worksheet's, a GeoJSON's) as a source, in batches of it. */
export function sourceOfTable(t: SourceTable): RecordSource {
	return {
		headers: t.headers,
		headerRow: t.headerRow,
		count: t.records.length,
		sample: t.records.slice(0, SAMPLE),
		async *batches(size: number) {
			for (let i = 0; i < t.records.length; i += size) yield t.records.slice(i, i + size);
		}
	};
}

/** Every record of a source, held: for the readers' callers that want the whole table. */
export async function wholeTable(s: RecordSource): Promise<SourceTable> {
	const records: SourceRecord[] = [];
	for await (const batch of s.batches(SLICE_ROWS)) for (const r of batch) records.push(r);
	return { headers: s.headers, records, headerRow: s.headerRow };
}

/**
 * `grid[i]` is the file's row i + 1 (merged cells already filled with their value by the
 * reader). Rows wholly blank after the header are skipped; they are not errors.
 */
export async function tableFromGrid(grid: unknown[][]): Promise<SourceTable> {
	return wholeTable(await surveyRows(gridChunks(grid)));
}
