// The app's other lists as files — the dashboard's tables, a campaign's lists (campaigns,
// targets, hazards) — in the three formats of the segment export (exports.ts): CSV (BOM,
// formula-safe), XLSX (dates as date cells GDAL reads) and GeoJSON where the rows have places.
// Each file carries its watermark: the XLSX's workbook properties, the GeoJSON's `exported`
// member, the CSV's last column, and in every case the file's name (area, list, Beijing date
// and time, user).
import { translator, formatDistance, type Locale } from '$lib/i18n';
import { campaignDays, deadlineDay } from '$lib/domain/campaign-dashboard';
import type { TargetReason } from '$lib/domain/campaign';
import type { CampaignRow, HazardRow, TargetRow } from './repositories/campaigns';
import type { HazardListItem } from './services/escalation';
import {
	csvMark,
	csvStream,
	fileNamePart,
	geojsonStream,
	isoChina,
	tableFeatures,
	xlsxStream,
	type CellValue,
	type Table,
	type Watermark
} from './exports';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'geojson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
	csv: 'text/csv; charset=utf-8',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	geojson: 'application/geo+json'
};

/** A table whose last two columns may be a longitude and a latitude (then it has GeoJSON). */
export interface PlacedTable extends Table {
	placed: boolean;
	/** the place's longitude and latitude columns, when they are not the last two */
	lonLat?: readonly [number, number];
	/** the GeoJSON collection's name, which GDAL takes for the layer's (a saved scenario's) */
	layer?: string;
}

async function* once(rows: CellValue[][]) {
	yield rows;
}

/** The file's body in the format asked for; GeoJSON only of a table with places. */
export function tableBody(
	table: PlacedTable,
	format: ExportFormat,
	sheet: string,
	mark: Watermark,
	locale: Locale
): ReadableStream<Uint8Array> {
	if (format === 'csv') return csvStream(table.header, once(table.rows), csvMark(mark, locale));
	if (format === 'xlsx') return xlsxStream(table.header, once(table.rows), sheet, mark, locale);
	const n = table.header.length;
	const [lon, lat] = table.lonLat ?? [n - 2, n - 1];
	async function* features() {
		yield tableFeatures(table, lon, lat);
	}
	return geojsonStream(features(), mark, table.layer);
}

/** 洪湖市-隐患清单-2026-12-05-0930-admin.csv: the area, the list, when and by whom. */
export function listFileName(
	area: { code: string; name: string },
	what: { name: string; ascii: string },
	/** a table's format, or pdf (the annual report) */
	format: ExportFormat | 'pdf',
	mark: Watermark
): { name: string; ascii: string } {
	const at = isoChina(mark.at);
	const user = fileNamePart(mark.user).replace(/[^A-Za-z0-9_.@-]/g, '_');
	const stamp = `${at.slice(0, 10)}-${at.slice(11, 16).replace(':', '')}-${user}.${format}`;
	return {
		name: [fileNamePart(area.name), fileNamePart(what.name), stamp].filter(Boolean).join('-'),
		ascii: [what.ascii, area.code.replace(/\D/g, ''), stamp].join('-')
	};
}

const round6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);

function reasonText(r: TargetReason, locale: Locale): string {
	const t = translator(locale);
	switch (r.code) {
		case 'near_water':
			return t('why.near_water', {
				water: r.water,
				d: formatDistance(r.distanceM, locale),
				limit: r.limitM
			});
		case 'institution':
			return t('why.institution', { limit: r.limitM });
		case 'incomplete':
			return t('why.incomplete', { usable: r.usable });
		case 'every_home':
			return t('why.every_home');
		case 'every_station':
			return t('why.every_station');
		case 'children_near_water':
			// released (perturbed) when the target was made, as the campaign page shows it
			return t('why.children_near_water', { n: r.children, limit: r.limitM });
		case 'field':
			return t('why.field', { kind: r.fieldKind });
	}
}

function itemLabel(checklist: string, item: string, locale: Locale, label?: string): string {
	if (label) return label;
	const key = `cl.${checklist}.${item}`;
	const text = translator(locale)(key as 'cl.home.gas');
	return text === undefined || text === key ? item : text;
}

export function campaignsTable(rows: readonly CampaignRow[], locale: Locale): PlacedTable {
	const t = translator(locale);
	return {
		placed: false,
		header: [
			t('export.id'),
			t('cp.name'),
			t('cp.area'),
			t('cp.starts'),
			t('lists.ends'),
			t('lists.created')
		],
		rows: rows.map((c) => {
			// the days the page shows: Beijing's, and the last day itself rather than the instant
			// after it
			const days = campaignDays({ startsAt: new Date(c.starts_at), endsAt: new Date(c.ends_at) });
			return [c.id, c.name, c.area_name, days.firstDay, days.lastDay, new Date(c.created_at)];
		})
	};
}

export function targetsTable(rows: readonly TargetRow[], locale: Locale): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		header: [
			t('export.id'),
			t('cp.target'),
			t('cp.kind'),
			t('lists.area'),
			t('cp.reason'),
			t('cp.flagged'),
			t('cp.nearestWater'),
			t('lists.nearestWaterM'),
			t('cp.assignee'),
			t('cp.checks'),
			t('cp.lastCheck'),
			t('cp.openHazards'),
			t('export.lon'),
			t('export.lat')
		],
		rows: rows.map((r) => [
			r.id,
			r.name,
			t(`tk.${r.kind}` as 'tk.field'),
			r.area_name,
			reasonText(r.reason as TargetReason, locale),
			t(r.flagged ? 'export.yes' : 'export.no'),
			r.nearest_water,
			r.nearest_water_m === null ? null : Math.round(r.nearest_water_m),
			r.assignee_name,
			r.checks,
			r.last_check_at ? new Date(r.last_check_at) : null,
			r.open_hazards,
			round6(r.lon),
			round6(r.lat)
		])
	};
}

/** Hazards, placed at their target (a hazard is found at one). */
export function hazardsTable(
	rows: readonly HazardRow[],
	places: ReadonlyMap<number, { lon: number; lat: number; checklist: string; area: string }>,
	locale: Locale,
	/** the campaign's own words for an item (an added or renamed one) */
	labelOf: (checklist: string, item: string) => string | undefined = () => undefined
): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		header: [
			t('export.id'),
			t('cp.target'),
			t('lists.area'),
			t('hz.item'),
			t('lists.description'),
			t('hz.state'),
			t('hz.severity'),
			t('hz.responsible'),
			t('hz.deadline'),
			t('hz.foundBy'),
			t('lists.foundAt'),
			t('lists.fixedAt'),
			t('lists.closedAt'),
			t('export.lon'),
			t('export.lat')
		],
		rows: rows.map((h) => {
			const at = places.get(h.target_id);
			return [
				h.id,
				h.target_name,
				at?.area ?? null,
				itemLabel(at?.checklist ?? '', h.item, locale, labelOf(at?.checklist ?? '', h.item)),
				h.description,
				t(`hz.state.${h.state}`),
				h.severity ? t(`hz.severity.${h.severity}`) : null,
				h.responsible,
				// the last day, as the pages show it, not the instant it ends
				h.deadline ? deadlineDay(new Date(h.deadline)) : null,
				h.found_by_name,
				new Date(h.found_at),
				h.fixed_at ? new Date(h.fixed_at) : null,
				h.closed_at ? new Date(h.closed_at) : null,
				round6(at?.lon ?? null),
				round6(at?.lat ?? null)
			];
		})
	};
}

/**
 * The hazard list of /hazards (挂牌督办), in the page's order and with its columns: the
 * supervision level, the target and its area, the item in the campaign's words, the state and
 * whether it is overdue, then the campaign; placed at the hazard's target.
 */
export function hazardListTable(
	rows: readonly HazardListItem[],
	locale: Locale,
	/** the campaign's own words for an item (an added or renamed one) */
	labelOf: (campaignId: number, checklist: string, item: string) => string | undefined = () =>
		undefined
): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		header: [
			t('export.id'),
			t('esc.supervision'),
			t('cp.target'),
			t('lists.area'),
			t('hz.item'),
			t('hz.state'),
			t('lists.overdue'),
			t('hz.severity'),
			t('hz.responsible'),
			t('hz.deadline'),
			t('esc.campaign'),
			t('export.lon'),
			t('export.lat')
		],
		rows: rows.map((h) => {
			// the target's own checklist: an older campaign's household visit keeps the home list
			const checklist = h.target_checklist;
			return [
				h.id,
				h.level === 1 || h.level === 2 ? t(`esc.level.${h.level}`) : null,
				h.target_name,
				h.area_name,
				itemLabel(checklist, h.item, locale, labelOf(h.campaign_id, checklist, h.item)),
				t(`hz.state.${h.state}`),
				t(h.overdue ? 'export.yes' : 'export.no'),
				h.severity ? t(`hz.severity.${h.severity}`) : null,
				h.responsible,
				// the last day, as the page shows it, not the instant it ends
				h.deadline ? deadlineDay(new Date(h.deadline)) : null,
				h.campaign_name,
				round6(h.lon),
				round6(h.lat)
			];
		})
	};
}

/** A dashboard table with each row's unit centre appended (its place in the GeoJSON). */
export function withCentres(
	table: Table,
	codes: readonly string[],
	centres: ReadonlyMap<string, { lon: number; lat: number }>,
	locale: Locale
): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		header: [...table.header, t('export.lon'), t('export.lat')],
		rows: table.rows.map((r, i) => {
			const c = centres.get(codes[i]);
			return [...r, round6(c?.lon ?? null), round6(c?.lat ?? null)];
		})
	};
}
