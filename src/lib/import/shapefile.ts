// A zipped shapefile (.shp, .shx, .dbf, .prj, optional .cpg). shpjs reads it and reprojects
// from the .prj to EPSG:4326 with proj4 (CGCS2000 is taken as WGS84 at map scale, as the
// schema does); its attribute table becomes the cells.
//
// The attribute table's text encoding: shpjs decodes the .dbf as its .cpg says, and as UTF-8
// when there is none, but Chinese GIS tools (ArcGIS, SuperMap, older QGIS) write GBK without a
// .cpg, and every name came out garbled. The encoding is settled here instead: the .cpg when it
// names one (also as a code page, 936), then the .dbf's language driver byte, then the bytes
// themselves (csv.ts `detectEncoding`, chardet); the table is decoded again when that is not
// what shpjs used.
import shp, { parseDbf } from 'shpjs';
import { iter } from 'but-unzip';
import { detectEncoding } from './csv';
import { tableFromFeatures } from './geojson';
import type { SourceTable } from './table';
import { UnreadableFile } from './xlsx';

/** Windows code pages a .cpg may give by number, as TextDecoder names them. */
const CODE_PAGES: Record<string, string> = {
	'936': 'gbk',
	'54936': 'gb18030',
	'950': 'big5',
	'65001': 'utf-8',
	'20936': 'gb18030'
};

/** The language driver ids (the .dbf header's byte 29) of Chinese code pages. */
const LANGUAGE_DRIVERS: Record<number, string> = { 0x4d: 'gbk', 0x7a: 'gbk', 0x4f: 'big5' };

/** A .cpg's encoding as TextDecoder names it, or null when it names none we can decode. */
export function cpgEncoding(cpg: string): string | null {
	const text = cpg.trim();
	const page = /^(?:ANSI\s*|CP|windows-)?(\d+)$/i.exec(text)?.[1];
	const label = page ? CODE_PAGES[page] : text;
	if (!label) return null;
	try {
		return new TextDecoder(label).encoding;
	} catch {
		// "System", "OEM" and the like: the encoding is not in the file
		return null;
	}
}

/**
 * The text a .dbf holds (field names and records, without the binary header) for detecting
 * its encoding; numbers in a record are ASCII, so the names and text fields decide.
 */
function dbfText(dbf: Uint8Array): Uint8Array {
	const view = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength);
	if (dbf.length < 32) return new Uint8Array(0);
	const headLen = Math.min(view.getUint16(8, true), dbf.length);
	const parts: Uint8Array[] = [];
	for (let o = 32; o + 32 <= headLen && dbf[o] !== 0x0d; o += 32) {
		const name = dbf.subarray(o, o + 11);
		const end = name.indexOf(0);
		parts.push(end < 0 ? name : name.subarray(0, end), new Uint8Array([0x20]));
	}
	parts.push(dbf.subarray(headLen));
	return Buffer.concat(parts);
}

/** The encoding a .dbf's text is in: its .cpg, its language driver, or its bytes. */
export function dbfEncoding(dbf: Uint8Array, cpg: string | null): string {
	const told = cpg === null ? null : cpgEncoding(cpg);
	if (told) return told;
	const driver = LANGUAGE_DRIVERS[dbf[29]];
	if (driver) return driver;
	const found = detectEncoding(dbfText(dbf));
	// a .dbf is never UTF-16 (a BOM-like start is binary): the bytes decide between the rest
	return found.startsWith('utf-16') ? 'utf-8' : found;
}

/** The zip's entries named like `base` with each extension (lower case), as shpjs matches. */
async function siblings(bytes: Uint8Array, base: string): Promise<Record<string, Uint8Array>> {
	const out: Record<string, Uint8Array> = {};
	for (const entry of iter(bytes)) {
		const name = entry.filename;
		const dot = name.lastIndexOf('.');
		if (dot < 0 || name.slice(0, dot) !== base) continue;
		const ext = name.slice(dot + 1).toLowerCase();
		if (ext === 'dbf' || ext === 'cpg') out[ext] = await entry.read();
	}
	return out;
}

export async function readShapefileZip(bytes: Uint8Array): Promise<SourceTable> {
	let features: unknown[];
	try {
		const out = await shp(bytes);
		// a zip with several layers gives an array: the first layer is read
		const fc = (Array.isArray(out) ? out[0] : out) as
			{ features?: unknown[]; fileName?: string } | undefined;
		if (!fc || !Array.isArray(fc.features)) throw new UnreadableFile('shapefile');
		features = fc.features;
		if (typeof fc.fileName === 'string') {
			const { dbf, cpg } = await siblings(bytes, fc.fileName);
			const encoding = dbf && dbfEncoding(dbf, cpg ? new TextDecoder().decode(cpg) : null);
			// shpjs decoded the table as UTF-8 unless a .cpg named a label TextDecoder knows as
			// written (not 936): read again in anything but UTF-8, to be sure of the encoding
			if (dbf && encoding && encoding !== 'utf-8') {
				const rows = parseDbf(dbf, encoding);
				features = features.map((f, i) =>
					f && typeof f === 'object' ? { ...f, properties: rows[i] ?? {} } : f
				);
			}
		}
	} catch {
		// a broken zip, .shp, .dbf or .prj: a file-level refusal (a 400), never a crash
		throw new UnreadableFile('shapefile');
	}
	return tableFromFeatures(features);
}
