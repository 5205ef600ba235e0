// CSV as it comes from Chinese Windows: UTF-8 with or without a BOM, or GBK/GB18030; also Big5
// and UTF-16 with its BOM (Excel's "Unicode text"). The encoding is detected (a BOM, then
// chardet) unless the user names it, and decoded with iconv-lite; the text is split by papaparse, which copes with quotes, embedded line breaks and ragged rows.
// Both work a piece of the file at a time, so a large file is read without holding its text.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import type { CsvEncoding, TextEncodingName } from './encodings';
import { pause, surveyRows, wholeTable, type RecordSource, type SourceTable } from './table';

export { CSV_ENCODINGS, type CsvEncoding, type TextEncodingName } from './encodings';

/** chardet's names for the encodings read here, as iconv-lite names them. */
const FROM_CHARDET: Record<string, TextEncodingName> = {
	'UTF-8': 'utf-8',
	GB18030: 'gb18030',
	// GBK and GB2312 are subsets of GB18030, so one decoder reads all three
	GBK: 'gb18030',
	GB2312: 'gb18030',
	Big5: 'big5',
	'UTF-16LE': 'utf-16le',
	'UTF-16BE': 'utf-16be'
};

/**
 * The encoding of a text's bytes (a CSV, a shapefile's .dbf): a BOM decides, then valid UTF-8,
 * then chardet. chardet ranks every encoding it knows; of those read here the most confident is
 * taken, and on a tie GB18030. Ties are common: a short GBK roster (编号,单位,…) is ranked
 * EUC-KR 52, Big5 37, GB18030 37, and taking the first of ours in chardet's order read it as
 * Big5, garbling every header. Korean, Japanese or Western single-byte encodings are not what
 * Chinese users bring, and in Hubei GB18030 (Excel on Chinese Windows) is the likeliest, so it
 * is also the answer when chardet names none of ours.
 */
export function detectEncoding(bytes: Uint8Array): TextEncodingName {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
	try {
		// as a stream: a character cut at the 1 MB mark is not an error (it was, and a UTF-8
		// roster of more than 1 MB was read as GB18030 whenever the mark fell inside a character)
		new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 1 << 20), { stream: true });
		return 'utf-8';
	} catch {
		// not UTF-8: chardet decides
	}
	let best: TextEncodingName = 'gb18030';
	let bestConfidence = -1;
	for (const { name, confidence } of chardet.analyse(bytes.subarray(0, 1 << 16))) {
		const ours = FROM_CHARDET[name];
		if (!ours) continue;
		const better =
			confidence > bestConfidence || (confidence === bestConfidence && ours === 'gb18030');
		if (better) [best, bestConfidence] = [ours, confidence];
	}
	return best;
}

/** Bytes decoded and parsed between two pauses (a few milliseconds of work, ~6,000 rows). */
const PIECE_BYTES = 128 * 1024;
/** The text the delimiter and line break are guessed from: papaparse's first chunk before. */
const GUESS_CHARS = 128 * 1024;

/**
 * The CSV's rows, a piece of the file at a time: each piece of bytes is decoded (iconv-lite's
 * streaming decoder keeps a character cut by the piece's end for the next) and parsed by
 * papaparse's parser as its own streamers do it (the last row of a piece, perhaps cut or inside
 * quotes, is parsed again with the next), with a pause after each piece. Neither the whole text
 * (38 MB for a 20 MB roster, Chinese making it two bytes a character) nor all the rows are held.
 * The delimiter and line break are guessed once, from the text's first 128 K characters.
 */
export async function* csvRows(
	bytes: Uint8Array,
	enc: TextEncodingName,
	pieceBytes = PIECE_BYTES
): AsyncGenerator<string[][]> {
	// strips a BOM, as iconv.decode does
	const decoder = iconv.getDecoder(enc);
	const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let config: Papa.ParseConfig | null = null;
	/** text decoded before the guess */
	let start = '';
	/** the last row of the text so far, perhaps incomplete, and where it begins in the text */
	let partial = '';
	let base = 0;
	const parse = (text: string, last: boolean): string[][] => {
		if (!config) {
			start += text;
			if (!last && start.length < GUESS_CHARS) return [];
			if (start.charCodeAt(0) === 0xfeff) start = start.slice(1);
			const guess = Papa.parse<string[]>(start.slice(0, GUESS_CHARS), { preview: 1 }).meta;
			config = {
				delimiter: guess.delimiter,
				newline: guess.linebreak as Papa.ParseConfig['newline']
			};
			text = start;
			start = '';
		}
		const input = partial + text;
		if (input === '') return [];
		const res = new Papa.Parser(config).parse(input, base, !last) as Papa.ParseResult<string[]>;
		if (!last) {
			partial = input.substring(res.meta.cursor - base);
			base = res.meta.cursor;
		}
		return res.data;
	};
	for (let at = 0; at < buf.length; at += pieceBytes) {
		const rows = parse(decoder.write(buf.subarray(at, at + pieceBytes)), false);
		if (rows.length) yield rows;
		await pause();
	}
	const rest = parse(decoder.end() ?? '', true);
	if (rest.length) yield rest;
}

/** The CSV as a source of records, read again from its bytes for each pass (table.ts). */
export async function openCsv(
	bytes: Uint8Array,
	encoding: CsvEncoding = 'auto'
): Promise<RecordSource & { encoding: TextEncodingName }> {
	const enc = encoding === 'auto' ? detectEncoding(bytes) : encoding;
	return { ...(await surveyRows(() => csvRows(bytes, enc))), encoding: enc };
}

/** The CSV's whole table, held (for callers that want every record at once). */
export async function readCsv(
	bytes: Uint8Array,
	encoding: CsvEncoding = 'auto'
): Promise<SourceTable & { encoding: TextEncodingName }> {
	const source = await openCsv(bytes, encoding);
	return { ...(await wholeTable(source)), encoding: source.encoding };
}
