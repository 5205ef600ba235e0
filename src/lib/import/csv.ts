// CSV as it comes from Chinese Windows: UTF-8 with or without a BOM, or GBK/GB18030. The
// encoding is detected (chardet) unless the user names it, and decoded with iconv-lite; the
// text is split by papaparse, which copes with quotes, embedded line breaks and ragged rows.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { pause, tableFromGrid, type SourceTable } from './table';

export const CSV_ENCODINGS = ['auto', 'utf-8', 'gb18030'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The encoding of a CSV's bytes: a BOM decides, then valid UTF-8, then chardet's guess. */
export function detectEncoding(bytes: Uint8Array): 'utf-8' | 'gb18030' {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 1 << 20));
		return 'utf-8';
	} catch {
		// not UTF-8 (a multibyte sequence cut at the 1 MB mark also lands here; chardet decides)
	}
	const guess = (chardet.detect(bytes.subarray(0, 1 << 16)) ?? '').toUpperCase();
	// GBK and GB2312 are subsets of GB18030, so one decoder reads all three
	if (/GB|BIG5|EUC|2022/.test(guess) || guess === '') return 'gb18030';
	return 'gb18030';
}

export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding = 'auto') {
	const enc = encoding === 'auto' ? detectEncoding(bytes) : encoding;
	let text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), enc);
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	return { encoding: enc, text };
}

/** Characters papaparse reads between two pauses (a few milliseconds of parsing). */
const CHUNK_CHARS = 128 * 1024;

export async function readCsv(
	bytes: Uint8Array,
	encoding: CsvEncoding = 'auto'
): Promise<SourceTable & { encoding: 'utf-8' | 'gb18030' }> {
	const { encoding: enc, text } = decodeCsv(bytes, encoding);
	const grid: string[][] = [];
	// in chunks, pausing after each, so a large file never holds the server for seconds;
	// papaparse carries a quoted field or a line cut by a chunk's end into the next one
	await new Promise<void>((resolve, reject) => {
		Papa.parse<string[]>(text, {
			skipEmptyLines: false,
			chunkSize: CHUNK_CHARS,
			chunk: (res: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
				for (const row of res.data) grid.push(row);
				parser.pause();
				void pause().then(() => parser.resume());
			},
			complete: () => resolve(),
			error: (e: Error) => reject(e)
		});
	});
	return { ...(await tableFromGrid(grid)), encoding: enc };
}
