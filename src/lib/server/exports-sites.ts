// The public sites of an area as files (children's homes, Sunshine Stations, institutions) in
// the columns their import reads (lib/import/kinds.ts), so a file exported here goes back in
// unchanged: the source's id, the name, the unit's code (and its name, which the import ignores),
// the kind's own columns and the point. The headers are names the import's column guess knows
// in the user's language; status and institution kind are written as words the import reads
// back to the same code (Chinese) or as the codes themselves (English).
import type { Locale } from '$lib/i18n';
import type { SiteKind, SiteRow } from './repositories/sites';
import type { PlacedTable } from './exports-lists';

const HEADERS: Record<SiteKind, Record<Locale, string[]>> = {
	children_homes: {
		'zh-CN': ['编号', '名称', '村代码', '村名称', '面积平方米', '状态', '经度', '纬度'],
		en: ['source_id', 'name', 'village_code', 'village_name', 'area_m2', 'status', 'lon', 'lat']
	},
	sunshine_stations: {
		'zh-CN': ['编号', '名称', '区划代码', '区划名称', '服务', '经度', '纬度'],
		en: ['source_id', 'name', 'admin_code', 'admin_name', 'services', 'lon', 'lat']
	},
	institutions: {
		'zh-CN': ['编号', '类型', '名称', '区划代码', '区划名称', '容量', '经度', '纬度'],
		en: ['source_id', 'kind', 'name', 'admin_code', 'admin_name', 'capacity', 'lon', 'lat']
	}
};

/** The import's own words for each code (validate.ts STATUS and INSTITUTION_KIND). */
const STATUS_WORDS: Record<string, string> = { open: '开放', suspended: '暂停', closed: '关闭' };
const INSTITUTION_WORDS: Record<string, string> = {
	school: '中小学',
	kindergarten: '幼儿园',
	welfare: '儿童福利机构',
	rescue_protection: '未成年人救助保护机构',
	workstation: '乡镇未成年人保护工作站'
};

const inWords = (words: Record<string, string>, code: string | null, locale: Locale) =>
	code === null ? null : locale === 'zh-CN' ? (words[code] ?? code) : code;

export function siteTable(kind: SiteKind, rows: readonly SiteRow[], locale: Locale): PlacedTable {
	const header = HEADERS[kind][locale === 'en' ? 'en' : 'zh-CN'];
	const lang: Locale = locale === 'en' ? 'en' : 'zh-CN';
	return {
		placed: true,
		header: [...header],
		rows: rows.map((r) => {
			const head = [r.source_id, r.name, r.unit_code, r.unit_name];
			// the coordinates unrounded: rounding would move a point, and the import would see
			// every row changed
			if (kind === 'children_homes')
				return [...head, r.area_m2, inWords(STATUS_WORDS, r.status, lang), r.lon, r.lat];
			if (kind === 'sunshine_stations') return [...head, r.services, r.lon, r.lat];
			return [
				r.source_id,
				inWords(INSTITUTION_WORDS, r.kind, lang),
				r.name,
				r.unit_code,
				r.unit_name,
				r.capacity,
				r.lon,
				r.lat
			];
		})
	};
}
