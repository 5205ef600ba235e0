// Per-row checks: every row either becomes a value ready to write or is rejected with the
// row, the field and what is wrong (a message key, translated where it is shown). Nothing here
// reads the database; the jurisdiction is checked by the service afterwards.
import {
	looksSwapped,
	guessCrs,
	toWgs84,
	CHINA_BOX,
	type Box,
	type Crs,
	type CrsChoice
} from './coords';
import { KIND_FIELDS, type ColumnMapping, type ImportKind } from './kinds';
import type { SourceTable } from './table';
import { parseDecimal } from './text';

export type ProblemKey =
	| 'required'
	| 'number'
	| 'positive'
	| 'tooLarge'
	| 'code'
	| 'status'
	| 'coordinates'
	| 'swapped'
	| 'outside'
	| 'villageUnknown'
	| 'duplicate'
	| 'noLocation'
	| 'takenElsewhere'
	| 'feature'
	| 'missing'
	| 'type'
	| 'ring'
	| 'selfIntersection'
	| 'tooShort';

export interface RowProblem {
	row: number;
	/** the field key (KIND_FIELDS), or 'geometry' */
	field: string;
	/** the file's column it came from, '' when none */
	column: string;
	key: ProblemKey;
	params?: Record<string, string | number>;
}

export interface HomeRow {
	row: number;
	sourceId: string;
	name: string;
	villageCode: string;
	area_m2: number;
	status: 'open' | 'suspended' | 'closed';
	lon: number;
	lat: number;
}

export interface CheckOptions {
	crs: CrsChoice;
	/** swap the pairs that look swapped (the user accepted the correction) */
	swap: boolean;
	/** where points are expected, for the swapped-pair test */
	box?: Box;
	/** source id -> first row, shared when a large file is checked a chunk at a time */
	seen?: Map<string, number>;
}

export interface Checked {
	rows: HomeRow[];
	problems: RowProblem[];
	/** rows whose lon/lat look swapped (fixed when swap is on) */
	swapped: number;
	crs: Crs;
}

const STATUS: Record<string, HomeRow['status']> = {
	'': 'open',
	开放: 'open',
	正常: 'open',
	运行: 'open',
	open: 'open',
	暂停: 'suspended',
	suspended: 'suspended',
	关闭: 'closed',
	停用: 'closed',
	closed: 'closed'
};

/** Largest area a children's home may have (the column is numeric(7,1)). */
const MAX_AREA_M2 = 999_999;

export function checkRows(
	kind: ImportKind,
	table: SourceTable,
	mapping: ColumnMapping,
	opts: CheckOptions
): Checked {
	const fields = KIND_FIELDS[kind];
	const crs: Crs =
		opts.crs === 'auto' ? guessCrs([mapping.lon ?? '', mapping.lat ?? '']) : opts.crs;
	const box = opts.box ?? CHINA_BOX;
	const rows: HomeRow[] = [];
	const problems: RowProblem[] = [];
	const firstRowOf = opts.seen ?? new Map<string, number>();
	let swapped = 0;
	for (const rec of table.records) {
		const found: RowProblem[] = [];
		const bad = (field: string, key: ProblemKey, params?: RowProblem['params']) =>
			found.push({ row: rec.row, field, column: mapping[field] ?? '', key, params });
		if (rec.readProblem) {
			found.push({
				row: rec.row,
				field: 'geometry',
				column: '',
				key: rec.readProblem as ProblemKey
			});
		}
		const val = (key: string) => (mapping[key] ? (rec.cells[mapping[key]] ?? '') : '');
		for (const f of fields) if (f.required && !val(f.key)) bad(f.key, 'required');

		const sourceId = val('sourceId');
		const villageCode = val('villageCode');
		if (villageCode && !/^\d{12}$/.test(villageCode)) bad('villageCode', 'code');
		const areaText = val('area');
		const area = areaText ? parseDecimal(areaText) : null;
		if (areaText && area === null) bad('area', 'number', { value: areaText });
		else if (area !== null && area <= 0) bad('area', 'positive', { value: areaText });
		else if (area !== null && area > MAX_AREA_M2) bad('area', 'tooLarge', { value: areaText });
		const statusText = val('status').toLowerCase();
		const status = STATUS[statusText];
		if (!status) bad('status', 'status', { value: val('status') });

		let lon: number | null = null;
		let lat: number | null = null;
		if (mapping.lon && mapping.lat && (val('lon') || val('lat'))) {
			lon = parseDecimal(val('lon'));
			lat = parseDecimal(val('lat'));
			if (lon === null || lat === null || Math.abs(lon) > 180 || Math.abs(lat) > 180) {
				bad(lon === null ? 'lon' : 'lat', 'coordinates', { value: `${val('lon')}, ${val('lat')}` });
				lon = lat = null;
			}
		} else if (rec.geometry && rec.geometry.type === 'Point') {
			[lon, lat] = rec.geometry.coordinates as [number, number];
		} else if (rec.geometry) {
			bad('geometry', 'type', { value: rec.geometry.type });
		} else if (!rec.readProblem) {
			bad('lon', 'noLocation');
		}
		if (lon !== null && lat !== null) {
			if (looksSwapped(lon, lat, box)) {
				swapped++;
				if (opts.swap) [lon, lat] = [lat, lon];
				else bad('lon', 'swapped', { value: `${lon}, ${lat}` });
			} else if (Math.abs(lat) > 90) bad('lat', 'coordinates', { value: `${lon}, ${lat}` });
		}
		if (sourceId) {
			const first = firstRowOf.get(sourceId);
			if (first !== undefined) bad('sourceId', 'duplicate', { value: sourceId, first });
			else firstRowOf.set(sourceId, rec.row);
		}
		if (found.length) {
			problems.push(...found);
			continue;
		}
		const [x, y] = toWgs84(lon as number, lat as number, crs);
		rows.push({
			row: rec.row,
			sourceId,
			name: val('name').slice(0, 200),
			villageCode,
			area_m2: Math.round((area as number) * 10) / 10,
			status,
			lon: x,
			lat: y
		});
	}
	return { rows, problems, swapped, crs };
}
