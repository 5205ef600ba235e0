// From a grid of cells (a CSV or a worksheet) to named records: find the header row below any
// title rows and blank rows, join a two-row header whose upper cells were merged, and keep each
// record's row number as the user sees it in the file (1-based).
import { hasFullWidthDigits, normalizeCell } from './text';

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

/**
 * `grid[i]` is the file's row i + 1 (merged cells already filled with their value by the
 * reader). Rows wholly blank after the header are skipped; they are not errors.
 */
export async function tableFromGrid(grid: unknown[][]): Promise<SourceTable> {
	const rows: string[][] = [];
	/** row index -> the columns (by index) whose cell had full-width digits; few rows have any */
	const widened = new Map<number, number[]>();
	// the widest row: a loop, as spreading 300,000 lengths into Math.max overflows the stack
	let width = 0;
	for (let i = 0; i < grid.length; i++) {
		const r = grid[i];
		const cells = Array.isArray(r) ? r.map(normalizeCell) : [];
		if (Array.isArray(r)) {
			const wide = r.flatMap((c, j) => (hasFullWidthDigits(c) ? [j] : []));
			if (wide.length) widened.set(i, wide);
		}
		rows.push(cells);
		if (i % SLICE_ROWS === SLICE_ROWS - 1) await pause();
	}
	let h = 0;
	while (h < rows.length && isTitleRow(rows[h])) h++;
	if (h >= rows.length) return { headers: [], records: [], headerRow: 0 };
	for (let i = h; i < rows.length; i++) width = Math.max(width, rows[i].length);
	let header = Array.from({ length: width }, (_, i) => rows[h][i] ?? '');
	let first = h + 1;
	// A merged upper header ("坐标" over 经度 | 纬度) repeats its text across the merge: when
	// the next row is text only and names columns under such a repeat, it is the lower header.
	const next = rows[h + 1];
	if (next && next.some((c) => c !== '') && !next.some(isNumeric)) {
		const repeats = header.some((c, i) => c !== '' && i > 0 && header[i - 1] === c);
		const underRepeat = next.every(
			(c, i) =>
				c === '' ||
				c === header[i] ||
				header[i] === '' ||
				header[i] === header[i - 1] ||
				header[i] === header[i + 1]
		);
		if (repeats && underRepeat) {
			header = header.map((c, i) => (next[i] ? next[i] : c));
			first = h + 2;
		}
	}
	const headers = uniqueHeaders(header);
	const records: SourceRecord[] = [];
	for (let r = first; r < rows.length; r++) {
		const cells = rows[r];
		if (!cells.some((c) => c !== '')) continue;
		const rec: Record<string, string> = {};
		headers.forEach((name, i) => (rec[name] = cells[i] ?? ''));
		const wide = widened.get(r);
		records.push(
			wide
				? { row: r + 1, cells: rec, widened: wide.map((i) => headers[i]) }
				: { row: r + 1, cells: rec }
		);
		if (r % SLICE_ROWS === 0) await pause();
	}
	return { headers, records, headerRow: h + 1 };
}
