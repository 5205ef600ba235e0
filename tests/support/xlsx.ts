// Reads back an .xlsx file as Excel would see it, for tests: the zip's entries (stored or
// deflated, found through the central directory), the sheet names, and each cell with its type,
// its number format and the value it holds. Only what the tests of our exports need.
import { inflateRawSync } from 'node:zlib';

export function unzip(zip: Buffer): Map<string, Buffer> {
	let eocd = -1;
	for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
		if (zip.readUInt32LE(i) === 0x06054b50) {
			eocd = i;
			break;
		}
	if (eocd < 0) throw new Error('not a zip file: no end of central directory');
	const count = zip.readUInt16LE(eocd + 10);
	let p = zip.readUInt32LE(eocd + 16);
	const files = new Map<string, Buffer>();
	for (let n = 0; n < count; n++) {
		if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
		const method = zip.readUInt16LE(p + 10);
		const size = zip.readUInt32LE(p + 20);
		const nameLen = zip.readUInt16LE(p + 28);
		const extraLen = zip.readUInt16LE(p + 30);
		const commentLen = zip.readUInt16LE(p + 32);
		const local = zip.readUInt32LE(p + 42);
		const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
		if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header: ${name}`);
		const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
		const data = zip.subarray(start, start + size);
		if (method === 0) files.set(name, Buffer.from(data));
		else if (method === 8) files.set(name, inflateRawSync(data));
		else throw new Error(`unsupported compression ${method}: ${name}`);
		p += 46 + nameLen + extraLen + commentLen;
	}
	return files;
}

function unescapeXml(s: string): string {
	return s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
		.replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
		.replace(/&amp;/g, '&');
}

function attrs(tag: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
	return out;
}

/** Excel's built-in number formats the tests may meet (ECMA-376 18.8.30). */
const BUILTIN_FORMATS: Record<number, string> = { 0: 'General', 1: '0', 14: 'm/d/yyyy' };

export interface XlsxCell {
	/** "s" shared string, "n" number (dates too: a number with a date format), "b", "str" */
	t: string;
	/** the string, or the number as written */
	value: string | number;
	/** the cell's number format code */
	format: string;
}

export interface Xlsx {
	sheets: string[];
	/** rows of the sheet asked for (the first by default), cells by column (A = 0); empty cells are undefined */
	rows: (XlsxCell | undefined)[][];
}

function column(ref: string): number {
	let n = 0;
	for (const ch of ref.replace(/\d+$/, '')) n = n * 26 + (ch.charCodeAt(0) - 64);
	return n - 1;
}

export function readXlsx(bytes: Buffer, sheetNo = 1): Xlsx {
	const files = unzip(bytes);
	const text = (name: string) => files.get(name)?.toString('utf8') ?? '';
	const sheets = [...text('xl/workbook.xml').matchAll(/<sheet\b[^>]*>/g)].map(
		(m) => attrs(m[0]).name
	);
	const shared = [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
		unescapeXml([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((x) => x[1]).join(''))
	);
	const styles = text('xl/styles.xml');
	const numFmts = new Map<number, string>();
	for (const m of styles.matchAll(/<numFmt\b[^>]*>/g)) {
		const a = attrs(m[0]);
		numFmts.set(Number(a.numFmtId), a.formatCode);
	}
	const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
	const xfFormats = [...cellXfs.matchAll(/<xf\b[^>]*>/g)].map((m) => {
		const id = Number(attrs(m[0]).numFmtId ?? 0);
		return numFmts.get(id) ?? BUILTIN_FORMATS[id] ?? `builtin:${id}`;
	});
	const sheet = text(`xl/worksheets/sheet${sheetNo}.xml`);
	const rows: (XlsxCell | undefined)[][] = [];
	for (const r of sheet.matchAll(/<row\b([^>]*)>([\s\S]*?)<\/row>/g)) {
		const index = Number(attrs(r[1]).r) - 1;
		const row: (XlsxCell | undefined)[] = [];
		for (const c of r[2].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
			const a = attrs(c[1]);
			const raw = /<v>([\s\S]*?)<\/v>/.exec(c[2] ?? '')?.[1];
			if (raw === undefined) continue;
			const t = a.t ?? 'n';
			row[column(a.r)] = {
				t,
				value: t === 's' ? shared[Number(raw)] : t === 'n' ? Number(raw) : unescapeXml(raw),
				format: xfFormats[Number(a.s ?? 0)] ?? 'General'
			};
		}
		rows[index] = row;
	}
	return { sheets, rows };
}

/**
 * What a date cell shows, as yyyy-mm-dd hh:mm: Excel counts days from 1899-12-30 and has no
 * time zone, so the serial's fields are the wall-clock time displayed.
 */
export function shownDateTime(serial: number): string {
	const ms = Math.round((serial - 25569) * 86_400_000);
	return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
