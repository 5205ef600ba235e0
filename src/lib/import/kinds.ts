// What can be imported, field by field: which columns a file may call it (Chinese first),
// whether it is required, and how its text becomes a value. The column-mapping guess and the
// per-row checks both read this table.

export const IMPORT_KINDS = ['children_homes'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface FieldSpec {
	key: string;
	required: boolean;
	/** column names this field goes by, compared after removing blanks and brackets */
	names: string[];
}

export const KIND_FIELDS: Record<ImportKind, FieldSpec[]> = {
	children_homes: [
		{
			key: 'sourceId',
			required: true,
			names: ['编号', '儿童之家编号', '序号id', 'id', 'sourceid', '代码', '唯一编号']
		},
		{ key: 'name', required: true, names: ['名称', '儿童之家名称', '儿童之家', 'name'] },
		{
			key: 'villageCode',
			required: true,
			names: [
				'村代码',
				'村社区代码',
				'所在村代码',
				'行政区划代码',
				'区划代码',
				'villagecode',
				'village_code'
			]
		},
		{
			key: 'area',
			required: true,
			names: ['面积', '面积平方米', '面积m2', '使用面积', 'area', 'aream2', 'area_m2']
		},
		{ key: 'status', required: false, names: ['状态', '运行状态', 'status'] },
		{ key: 'lon', required: false, names: ['经度', '东经', 'lon', 'lng', 'longitude', 'x'] },
		{ key: 'lat', required: false, names: ['纬度', '北纬', 'lat', 'latitude', 'y'] }
	]
};

/** field key -> column header ('' = not mapped) */
export type ColumnMapping = Record<string, string>;

const squash = (s: string) =>
	s
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\s()（）[\]【】_\-:：/]/g, '')
		// an app's name in front of a coordinate column still names the coordinate
		.replace(/^(高德|百度|腾讯|微信|gcj02|bd09|wgs84|cgcs2000|amap|baidu)/, '');

/** The column each field most likely is: an exact name first, then one containing the name. */
export function guessMapping(kind: ImportKind, headers: string[]): ColumnMapping {
	const out: ColumnMapping = {};
	const used = new Set<string>();
	const sq = headers.map(squash);
	for (const f of KIND_FIELDS[kind]) {
		const names = f.names.map(squash);
		let i = sq.findIndex((h, j) => !used.has(headers[j]) && names.includes(h));
		if (i < 0)
			i = sq.findIndex(
				(h, j) => !used.has(headers[j]) && names.some((n) => n.length >= 2 && h.includes(n))
			);
		out[f.key] = i >= 0 ? headers[i] : '';
		if (i >= 0) used.add(headers[i]);
	}
	return out;
}

/**
 * A remembered mapping applied to this file: kept where its column still exists, guessed
 * where it does not.
 */
export function mappingFor(
	kind: ImportKind,
	headers: string[],
	remembered: ColumnMapping | null
): ColumnMapping {
	const guess = guessMapping(kind, headers);
	if (!remembered) return guess;
	const out: ColumnMapping = {};
	for (const f of KIND_FIELDS[kind])
		out[f.key] =
			remembered[f.key] && headers.includes(remembered[f.key]) ? remembered[f.key] : guess[f.key];
	return out;
}
