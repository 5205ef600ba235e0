// One entry for every format: the file's name and first bytes say which reader to use.
import { openCsv, readCsv, type CsvEncoding } from './csv';
import { readGeoJson } from './geojson';
import { readShapefileZip } from './shapefile';
import { sourceOfTable, type RecordSource, type SourceTable } from './table';
import { readXlsx, UnreadableFile } from './xlsx';

export { UnreadableFile } from './xlsx';

export type FileFormat = 'csv' | 'xlsx' | 'geojson' | 'shapefile';

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export function formatOf(name: string, bytes: Uint8Array): FileFormat {
	const n = name.toLowerCase();
	if (n.endsWith('.xlsx')) return 'xlsx';
	if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
	if (n.endsWith('.zip')) return 'shapefile';
	if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
	if (isZip(bytes)) return 'xlsx';
	throw new UnreadableFile('format');
}

export interface ReadResult extends SourceTable {
	format: FileFormat;
	encoding: string | null;
}

export async function readFile(
	name: string,
	bytes: Uint8Array,
	encoding: CsvEncoding = 'auto'
): Promise<ReadResult> {
	const format = formatOf(name, bytes);
	if (format === 'csv') {
		const t = await readCsv(bytes, encoding);
		return { ...t, format };
	}
	if (format === 'xlsx') return { ...(await readXlsx(bytes)), format, encoding: null };
	if (format === 'geojson')
		return { ...readGeoJson(new TextDecoder().decode(bytes)), format, encoding: null };
	return { ...(await readShapefileZip(bytes)), format, encoding: null };
}

export interface OpenedFile extends RecordSource {
	format: FileFormat;
	encoding: string | null;
}

/**
 * The file as a source of records read in batches (table.ts): a CSV is read again from its bytes
 * for each pass and never held as rows; the other formats are held whole by their libraries
 * (exceljs, the GeoJSON and shapefile readers) and given out in batches of what they hold.
 */
export async function openFile(
	name: string,
	bytes: Uint8Array,
	encoding: CsvEncoding = 'auto'
): Promise<OpenedFile> {
	const format = formatOf(name, bytes);
	if (format === 'csv') return { ...(await openCsv(bytes, encoding)), format };
	const t = await readFile(name, bytes, encoding);
	return { ...sourceOfTable(t), format, encoding: t.encoding };
}
