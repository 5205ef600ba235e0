// The text encodings a CSV may be read in, for the page's choice (kept apart from csv.ts so the
// page does not load the decoders). UTF-8 and GBK/GB18030 are what Chinese Windows and WPS
// write; Big5 comes from Taiwan and Hong Kong tools, UTF-16 from Excel's "Unicode text".
export const CSV_ENCODINGS = ['auto', 'utf-8', 'gb18030', 'big5', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];
/** An encoding the bytes are decoded in: iconv-lite's name for it. */
export type TextEncodingName = Exclude<CsvEncoding, 'auto'>;
