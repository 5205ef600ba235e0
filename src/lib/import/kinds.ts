// What can be imported, field by field: which columns a file may call it (Chinese first),
// whether it is required, and how its text becomes a value. The column-mapping guess and the
// per-row checks both read this table.

export const IMPORT_KINDS = [
	'children_homes',
	'sunshine_stations',
	'institutions',
	'children',
	'waterways',
	'river_chiefs',
	'equipment'
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** How a cell's text becomes a value (validate.ts reads this). */
export type FieldType =
	| 'text'
	| 'code'
	| 'area'
	| 'count'
	| 'date'
	| 'categories'
	| 'homeStatus'
	| 'institutionKind'
	| 'waterwayKind'
	| 'item'
	| 'itemStatus'
	| 'username'
	| 'coordinate';

export interface FieldSpec {
	key: string;
	required: boolean;
	/** column names this field goes by, compared after removing blanks and brackets */
	names: string[];
	type: FieldType;
}

/**
 * Where a row lies: a point (columns or a Point geometry), a line (a LineString geometry),
 * or the segment its `segmentId` names (assignments and equipment states).
 */
export type Placement = 'point' | 'line' | 'segment';

// the source's own id before a bare 编号 or id: a file exported from the app has both (its
// 编号 is the app's row number, its 源编号 the source's id an import upserts by)
const ID_NAMES = ['源编号', 'sourceid', '唯一编号', '编号', '序号id', 'id', '代码'];
const LON: FieldSpec = {
	key: 'lon',
	required: false,
	type: 'coordinate',
	names: ['经度', '东经', 'lon', 'lng', 'longitude', 'x']
};
const LAT: FieldSpec = {
	key: 'lat',
	required: false,
	type: 'coordinate',
	names: ['纬度', '北纬', 'lat', 'latitude', 'y']
};
const VILLAGE_NAMES = [
	'村代码',
	'村社区代码',
	'所在村代码',
	'行政区划代码',
	'区划代码',
	'villagecode',
	'village_code'
];
const ADMIN_NAMES = [
	'区划代码',
	'行政区划代码',
	'所在地代码',
	'所在村代码',
	'村代码',
	'admincode',
	'admin_code'
];
const SEGMENT_NAMES = [
	'河段编号',
	'河段id',
	'水域编号',
	'段编号',
	'segmentid',
	'segment_id',
	'segment'
];

export const KIND_FIELDS: Record<ImportKind, FieldSpec[]> = {
	children_homes: [
		{ key: 'sourceId', required: true, type: 'text', names: ['儿童之家编号', ...ID_NAMES] },
		{
			key: 'name',
			required: true,
			type: 'text',
			names: ['名称', '儿童之家名称', '儿童之家', 'name']
		},
		{ key: 'villageCode', required: true, type: 'code', names: VILLAGE_NAMES },
		{
			key: 'area',
			required: true,
			type: 'area',
			names: ['面积', '面积平方米', '面积m2', '使用面积', 'area', 'aream2', 'area_m2']
		},
		{ key: 'status', required: false, type: 'homeStatus', names: ['状态', '运行状态', 'status'] },
		LON,
		LAT
	],
	sunshine_stations: [
		{ key: 'sourceId', required: true, type: 'text', names: ['站点编号', ...ID_NAMES] },
		{ key: 'name', required: true, type: 'text', names: ['名称', '站点名称', '阳光驿站', 'name'] },
		{ key: 'adminCode', required: true, type: 'code', names: ADMIN_NAMES },
		{ key: 'services', required: false, type: 'text', names: ['服务', '服务内容', 'services'] },
		LON,
		LAT
	],
	institutions: [
		{ key: 'sourceId', required: true, type: 'text', names: ['机构编号', ...ID_NAMES] },
		{
			key: 'kind',
			required: true,
			type: 'institutionKind',
			names: ['类型', '机构类型', 'kind', 'type']
		},
		{ key: 'name', required: true, type: 'text', names: ['名称', '机构名称', 'name'] },
		{ key: 'adminCode', required: true, type: 'code', names: ADMIN_NAMES },
		{
			key: 'capacity',
			required: false,
			type: 'count',
			names: ['容量', '学生数', '人数', 'capacity']
		},
		LON,
		LAT
	],
	children: [
		{ key: 'sourceId', required: true, type: 'text', names: ['记录编号', '儿童编号', ...ID_NAMES] },
		{ key: 'villageCode', required: true, type: 'code', names: VILLAGE_NAMES },
		{
			key: 'birthDate',
			required: true,
			type: 'date',
			names: ['出生日期', '出生年月日', '生日', 'birthdate', 'birth_date']
		},
		{
			key: 'categories',
			required: true,
			type: 'categories',
			names: ['类别', '儿童类别', '困境类别', 'categories', 'category']
		},
		{ ...LON, names: ['居住地经度', ...LON.names] },
		{ ...LAT, names: ['居住地纬度', ...LAT.names] }
	],
	waterways: [
		{ key: 'sourceId', required: true, type: 'text', names: SEGMENT_NAMES.concat(ID_NAMES) },
		{ key: 'name', required: true, type: 'text', names: ['名称', '河段名称', '水域名称', 'name'] },
		{
			key: 'kind',
			required: true,
			type: 'waterwayKind',
			names: ['类型', '水域类型', 'kind', 'type']
		},
		{
			key: 'townshipCode',
			required: true,
			type: 'code',
			names: [
				'乡镇代码',
				'所在乡镇代码',
				'乡镇街道代码',
				'townshipcode',
				'township_code',
				'区划代码'
			]
		}
	],
	river_chiefs: [
		{ key: 'sourceId', required: true, type: 'text', names: SEGMENT_NAMES.concat(ID_NAMES) },
		{
			key: 'chief',
			required: true,
			type: 'username',
			names: ['河长账号', '河长用户名', '用户名', '账号', 'username', 'chief']
		}
	],
	equipment: [
		{ key: 'sourceId', required: true, type: 'text', names: SEGMENT_NAMES.concat(ID_NAMES) },
		{ key: 'item', required: true, type: 'item', names: ['设施', '物品', '项目', 'item'] },
		{ key: 'status', required: true, type: 'itemStatus', names: ['状态', '设施状态', 'status'] },
		{
			key: 'checkedAt',
			required: false,
			type: 'date',
			names: ['检查时间', '检查日期', '日期', 'checkedat', 'checked_at']
		}
	]
};

export const KIND_PLACEMENT: Record<ImportKind, Placement> = {
	children_homes: 'point',
	sunshine_stations: 'point',
	institutions: 'point',
	children: 'point',
	waterways: 'line',
	river_chiefs: 'segment',
	equipment: 'segment'
};

/** Rows are one per source id, except equipment: one per segment and item. */
export function rowKey(
	kind: ImportKind,
	sourceId: string,
	values: Record<string, unknown>
): string {
	return kind === 'equipment' ? `${sourceId} / ${String(values.item ?? '')}` : sourceId;
}

/** field key -> column header ('' = not mapped) */
export type ColumnMapping = Record<string, string>;

const squash = (s: string) =>
	s
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[\s()（）[\]【】_\-:：/]/g, '')
		// an app's name in front of a coordinate column still names the coordinate
		.replace(/^(高德|百度|腾讯|微信|gcj02|bd09|wgs84|cgcs2000|amap|baidu)/, '');

/**
 * The column each field most likely is: an exact name first, the field's names in their order
 * (a more telling name wins over a column further left), then one containing the name.
 */
export function guessMapping(kind: ImportKind, headers: string[]): ColumnMapping {
	const out: ColumnMapping = {};
	const used = new Set<string>();
	const sq = headers.map(squash);
	for (const f of KIND_FIELDS[kind]) {
		const names = f.names.map(squash);
		let i = -1;
		for (const n of names) {
			i = sq.findIndex((h, j) => !used.has(headers[j]) && h === n);
			if (i >= 0) break;
		}
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
