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
import {
	KIND_FIELDS,
	KIND_PLACEMENT,
	rowKey,
	type ColumnMapping,
	type FieldType,
	type ImportKind
} from './kinds';
import type { SourceTable } from './table';
import { badComma, parseDecimal, scientificDigits } from './text';
import { ageOn, categoriesOutOfAge, type ChildCategory } from '$lib/domain/children';

export type ProblemKey =
	| 'required'
	| 'number'
	| 'comma'
	| 'positive'
	| 'tooLarge'
	| 'code'
	| 'status'
	| 'coordinates'
	| 'lonRange'
	| 'latRange'
	| 'swapped'
	| 'outside'
	| 'notInArea'
	| 'villageUnknown'
	| 'duplicate'
	| 'noLocation'
	| 'takenElsewhere'
	| 'feature'
	| 'missing'
	| 'type'
	| 'ring'
	| 'selfIntersection'
	| 'tooShort'
	| 'integer'
	| 'date'
	| 'future'
	| 'category'
	| 'outOfAge'
	| 'institutionKind'
	| 'waterwayKind'
	| 'item'
	| 'itemStatus'
	| 'username'
	| 'idNumber'
	| 'segmentUnknown'
	| 'chiefUnknown'
	| 'chiefElsewhere'
	| 'stale'
	| 'unitUnknown'
	| 'fullWidth'
	| 'scientificLost'
	| 'scientific';

export interface RowProblem {
	row: number;
	/** the field key (KIND_FIELDS), or 'geometry' */
	field: string;
	/** the file's column it came from, '' when none */
	column: string;
	key: ProblemKey;
	params?: Record<string, string | number>;
}

/**
 * A row ready to write: its source id, its key in the file (the id, or id and item for
 * equipment), where it lies, and each field's value under the field's key (the area as
 * `area_m2`, in square metres).
 */
export interface ImportRow {
	row: number;
	sourceId: string;
	key: string;
	/** WGS84; NaN for rows placed by the segment they name */
	lon: number;
	lat: number;
	/** a segment's vertices in WGS84 */
	line: [number, number][] | null;
	[field: string]: unknown;
}

/** @deprecated the children's homes row, kept for readers of the first import kind */
export type HomeRow = ImportRow & {
	name: string;
	villageCode: string;
	area_m2: number;
	status: 'open' | 'suspended' | 'closed';
};

export interface CheckOptions {
	crs: CrsChoice;
	/** swap the pairs that look swapped (the user accepted the correction) */
	swap: boolean;
	/** where points are expected, for the swapped-pair test */
	box?: Box;
	/** source id -> first row, shared when a large file is checked a chunk at a time */
	seen?: Map<string, number>;
	/** today's date (YYYY-MM-DD) for dates that may not lie ahead; the clock's by default */
	today?: string;
}

export interface Checked {
	rows: ImportRow[];
	problems: RowProblem[];
	/** what was changed in reading a row that is still imported (full-width digits folded) */
	notes: RowProblem[];
	/** rows whose lon/lat look swapped (fixed when swap is on) */
	swapped: number;
	crs: Crs;
	/**
	 * The rejected rows as far as they could be read (a failed field left out, a failed location
	 * as NaN or no line) with the fields that failed: the service still checks them against the
	 * database, so a row's every problem is reported at once (an unknown village beside a bad
	 * area), not one more each time the corrected file comes back.
	 */
	held: { row: ImportRow; failed: string[] }[];
}

const STATUS: Record<string, string> = {
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

/** Words people write for each code, and the codes themselves. */
const withCodes = (m: Record<string, string>) => {
	const out: Record<string, string> = { ...m };
	for (const code of new Set(Object.values(m))) out[code] = code;
	return out;
};

const INSTITUTION_KIND = withCodes({
	中小学: 'school',
	学校: 'school',
	小学: 'school',
	中学: 'school',
	初中: 'school',
	幼儿园: 'kindergarten',
	儿童福利机构: 'welfare',
	儿童福利院: 'welfare',
	福利院: 'welfare',
	未成年人救助保护机构: 'rescue_protection',
	未成年人救助保护中心: 'rescue_protection',
	救助保护机构: 'rescue_protection',
	乡镇未成年人保护工作站: 'workstation',
	未成年人保护工作站: 'workstation',
	工作站: 'workstation'
});

const WATERWAY_KIND = withCodes({
	河流: 'river',
	河: 'river',
	河道: 'river',
	渠道: 'canal',
	渠: 'canal',
	湖泊岸线: 'lake_shore',
	// the English segment export's word (the other kinds' words are their codes)
	'lake shore': 'lake_shore',
	湖泊: 'lake_shore',
	湖: 'lake_shore',
	坑塘: 'pond',
	池塘: 'pond',
	塘: 'pond',
	山塘: 'pond',
	水库: 'reservoir',
	沟渠: 'ditch',
	沟: 'ditch'
});

const ITEM = withCodes({
	警示牌: 'sign',
	警示标志: 'sign',
	救生圈: 'buoy',
	救生绳: 'rope',
	救生杆: 'pole',
	救生竿: 'pole',
	防护栏: 'barrier',
	护栏: 'barrier',
	围栏: 'barrier'
});

const ITEM_STATUS = withCodes({
	完好: 'present',
	正常: 'present',
	有: 'present',
	缺失: 'missing',
	无: 'missing',
	损坏: 'damaged',
	已使用未补充: 'used',
	已使用: 'used',
	未检查: 'unknown',
	未知: 'unknown'
});

const CATEGORY = withCodes({
	农村留守儿童: 'left_behind_rural',
	留守儿童: 'left_behind_rural',
	城镇留守儿童: 'left_behind_urban',
	孤儿: 'orphan',
	受艾滋病影响儿童: 'hiv_affected',
	艾滋病影响儿童: 'hiv_affected',
	事实无人抚养儿童: 'de_facto_unsupported',
	重残儿童: 'severely_disabled',
	重度残疾儿童: 'severely_disabled',
	重病儿童: 'seriously_ill',
	低保家庭儿童: 'low_income_family',
	监护缺失儿童: 'guardianship_missing',
	流动儿童: 'migrant',
	单亲家庭儿童: 'single_parent'
});

/** Largest area a children's home may have (the column is numeric(7,1)). */
const MAX_AREA_M2 = 999_999;
const MAX_COUNT = 1_000_000;
/** An 18-character identity-card number: never stored, the roster's record id is asked for. */
const ID_CARD = /^\d{17}[\dXx]$/;

/** "2015-03-08", "2015/3/8", "2015年3月8日", "20150308", with an optional "HH:MM": ISO text. */
export function parseDate(text: string): string | null {
	const m =
		/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?$/.exec(
			text
		) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
	if (!m) return null;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const date = new Date(Date.UTC(y, mo - 1, d));
	if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
		return null;
	if (y < 1900) return null;
	const day = date.toISOString().slice(0, 10);
	if (m[4] === undefined) return day;
	const [h, mi] = [Number(m[4]), Number(m[5])];
	if (h > 23 || mi > 59) return null;
	return `${day} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
}

type Bad = (field: string, key: ProblemKey, params?: RowProblem['params']) => void;

/** A field's value from its text, or undefined after reporting what is wrong. */
/** A categories cell's words as typed, each with its category's code (none: not a category). */
function categoryWords(text: string): { typed: string; code: string | undefined }[] {
	return text
		.split(/[,，、;；/|\s]+/)
		.filter(Boolean)
		.map((typed) => ({ typed, code: CATEGORY[typed] ?? CATEGORY[typed.toLowerCase()] }));
}

function parseField(type: FieldType, key: string, text: string, bad: Bad, today: string): unknown {
	const word = (m: Record<string, string>, problem: ProblemKey) => {
		const v = m[text.toLowerCase()] ?? m[text];
		if (!v) bad(key, problem, { value: text });
		return v;
	};
	switch (type) {
		case 'text':
			return text.slice(0, 200);
		case 'code':
			if (text && !/^\d{12}$/.test(text)) bad(key, 'code');
			return text;
		case 'area': {
			if (!text) return null;
			const n = parseDecimal(text);
			if (n === null) bad(key, badComma(text) ? 'comma' : 'number', { value: text });
			else if (n <= 0) bad(key, 'positive', { value: text });
			else if (n > MAX_AREA_M2) bad(key, 'tooLarge', { value: text });
			else return Math.round(n * 10) / 10;
			return undefined;
		}
		case 'count': {
			if (!text) return null;
			const n = parseDecimal(text);
			if (n === null && badComma(text)) bad(key, 'comma', { value: text });
			else if (n === null || !Number.isInteger(n) || n < 0) bad(key, 'integer', { value: text });
			else if (n > MAX_COUNT) bad(key, 'tooLarge', { value: text });
			else return n;
			return undefined;
		}
		case 'date': {
			if (!text) return null;
			const d = parseDate(text);
			if (d === null) bad(key, 'date', { value: text });
			else if (d.slice(0, 10) > today) bad(key, 'future', { value: text });
			return d ?? undefined;
		}
		case 'categories': {
			const parts = categoryWords(text);
			const codes = [...new Set(parts.map((p) => p.code))];
			const unknown = parts.filter((p) => !p.code).map((p) => p.typed);
			if (unknown.length) bad(key, 'category', { value: unknown.join('、') });
			return codes.filter(Boolean).sort();
		}
		case 'homeStatus':
			return word(STATUS, 'status');
		case 'institutionKind':
			return text ? word(INSTITUTION_KIND, 'institutionKind') : null;
		case 'waterwayKind':
			return text ? word(WATERWAY_KIND, 'waterwayKind') : null;
		case 'item':
			return text ? word(ITEM, 'item') : null;
		case 'itemStatus':
			return text ? word(ITEM_STATUS, 'itemStatus') : null;
		case 'username': {
			const u = text.toLowerCase();
			if (text && !/^[a-z0-9_.-]{3,40}$/.test(u)) bad(key, 'username', { value: text });
			return u;
		}
		case 'coordinate':
			return undefined;
	}
}

const VALUE_KEY: Record<string, string> = { area: 'area_m2' };

export function checkRows(
	kind: ImportKind,
	table: SourceTable,
	mapping: ColumnMapping,
	opts: CheckOptions
): Checked {
	const fields = KIND_FIELDS[kind];
	const placement = KIND_PLACEMENT[kind];
	const crs: Crs =
		opts.crs === 'auto' ? guessCrs([mapping.lon ?? '', mapping.lat ?? '']) : opts.crs;
	const box = opts.box ?? CHINA_BOX;
	const rows: ImportRow[] = [];
	const problems: RowProblem[] = [];
	const notes: RowProblem[] = [];
	const held: Checked['held'] = [];
	const firstRowOf = opts.seen ?? new Map<string, number>();
	const today = opts.today ?? new Date().toISOString().slice(0, 10);
	let swapped = 0;
	for (const rec of table.records) {
		const found: RowProblem[] = [];
		const bad: Bad = (field, key, params) =>
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
		// a field read from full-width digits: imported as the ASCII digits, and said so
		if (rec.widened)
			for (const f of fields)
				if (mapping[f.key] && rec.widened.includes(mapping[f.key]))
					notes.push({
						row: rec.row,
						field: f.key,
						column: mapping[f.key],
						key: 'fullWidth',
						params: { value: val(f.key) }
					});
		// an id or code written in scientific notation: refused when Excel dropped its last digits
		// (the expanded 421083000000 would be made up, and would match or create the wrong
		// record), read and noted when every digit is there
		if (rec.scientific)
			for (const f of fields) {
				const written = mapping[f.key] ? rec.scientific[mapping[f.key]] : undefined;
				if (!written || (f.key !== 'sourceId' && f.type !== 'code')) continue;
				if (scientificDigits(written) === 'lost') bad(f.key, 'scientificLost', { value: written });
				else
					notes.push({
						row: rec.row,
						field: f.key,
						column: mapping[f.key],
						key: 'scientific',
						params: { value: written, digits: val(f.key) }
					});
			}
		for (const f of fields) if (f.required && !val(f.key)) bad(f.key, 'required');

		const sourceId = val('sourceId');
		if (kind === 'children' && ID_CARD.test(sourceId)) bad('sourceId', 'idNumber');
		const values: Record<string, unknown> = {};
		for (const f of fields) {
			if (f.key === 'sourceId' || f.type === 'coordinate') continue;
			const text = val(f.key);
			if (f.required && !text) continue;
			values[VALUE_KEY[f.key] ?? f.key] = parseField(f.type, f.key, text, bad, today);
		}
		// a child's categories within the plan's ages (left-behind under 16, in difficulty under
		// 18): an adult listed as 留守儿童 would be counted in every released figure
		if (kind === 'children' && typeof values.birthDate === 'string') {
			const born = new Date(`${values.birthDate.slice(0, 10)}T00:00:00Z`);
			const day = new Date(`${today}T00:00:00Z`);
			const cats = (values.categories ?? []) as ChildCategory[];
			const out = new Set(categoriesOutOfAge(cats, born, day));
			if (out.size) {
				const typed = categoryWords(val('categories'))
					.filter((p) => out.has(p.code as ChildCategory))
					.map((p) => p.typed);
				bad('categories', 'outOfAge', {
					value: typed.join('、'),
					birth: values.birthDate.slice(0, 10),
					age: ageOn(born, day)
				});
			}
		}

		let lon: number | null = null;
		let lat: number | null = null;
		let line: [number, number][] | null = null;
		if (placement === 'point') {
			if (mapping.lon && mapping.lat && (val('lon') || val('lat'))) {
				lon = parseDecimal(val('lon'));
				lat = parseDecimal(val('lat'));
				// each coordinate under its own field: a longitude of 200 is the longitude's fault,
				// and the user is told the range it must lie in
				const pair = `${val('lon')}, ${val('lat')}`;
				if (lon === null) bad('lon', 'coordinates', { value: pair });
				else if (Math.abs(lon) > 180) bad('lon', 'lonRange', { value: val('lon') });
				if (lat === null) bad('lat', 'coordinates', { value: pair });
				// up to 180 may still be a longitude written in the latitude's column (swapped), but
				// only when the longitude's column could hold a latitude: beside a longitude that
				// is itself wrong (200), a latitude of 95 is wrong too, and is named
				else if (
					Math.abs(lat) > 180 ||
					(Math.abs(lat) > 90 && (lon === null || Math.abs(lon) > 180))
				)
					bad('lat', 'latRange', { value: val('lat') });
				if (lon === null || lat === null || Math.abs(lon) > 180 || Math.abs(lat) > 180)
					lon = lat = null;
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
				} else if (Math.abs(lat) > 90) bad('lat', 'latRange', { value: String(lat) });
			}
		} else if (placement === 'line') {
			const g = rec.geometry;
			const parts =
				g?.type === 'LineString'
					? [g.coordinates]
					: g?.type === 'MultiLineString'
						? g.coordinates
						: null;
			if (parts && parts.length === 1) line = parts[0].map((p) => [p[0], p[1]]);
			else if (g) bad('geometry', 'type', { value: g.type });
			else if (!rec.readProblem) bad('geometry', 'missing');
		}
		const key = rowKey(kind, sourceId, values);
		if (sourceId) {
			const first = firstRowOf.get(key);
			if (first !== undefined) bad('sourceId', 'duplicate', { value: key, first });
			else firstRowOf.set(key, rec.row);
		}
		const failed = [...new Set(found.map((p) => p.field))];
		const placeFailed = failed.some((f) => f === 'lon' || f === 'lat' || f === 'geometry');
		const [x, y] =
			lon !== null && lat !== null && !placeFailed
				? toWgs84(lon, lat, crs)
				: [Number.NaN, Number.NaN];
		const row: ImportRow = {
			row: rec.row,
			sourceId,
			key,
			...values,
			lon: x,
			lat: y,
			line: line && !placeFailed ? line.map(([a, b]) => toWgs84(a, b, crs)) : null
		};
		if (found.length) {
			problems.push(...found);
			held.push({ row, failed });
		} else rows.push(row);
	}
	return { rows, problems, notes, swapped, crs, held };
}
