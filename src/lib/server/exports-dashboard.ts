// The dashboard's two tables as XLSX files: the rows the screen shows, in the order it shows
// them (the same comparator, domain/table-sort.ts), counts of children as released there.
// The writing itself is the segment export's (exports.ts).
import { translator, type Locale } from '$lib/i18n';
import {
	sortCompletion,
	sortExposure,
	type CompletionRow,
	type ExposureRow,
	type SortSpec,
	type CompletionKey,
	type ExposureKey
} from '$lib/domain/table-sort';
import { fileNamePart, isoChina, type CellValue, type Table } from './exports';

export type DashboardTable = 'completion' | 'exposure';

// a share as a percentage with one decimal: a spreadsheet reader sorts and sums it as a number
const pct = (v: number | null): CellValue => (v === null ? null : Math.round(v * 1000) / 10);
// a count withheld to protect a neighbour's small figure reads "—", as on screen, never "<5"
const count = (v: number | null): CellValue => (v === null ? '—' : v);

export function completionTable(
	rows: readonly CompletionRow[],
	spec: SortSpec<CompletionKey> | undefined,
	locale: Locale,
	/** the rows are already in the screen's order */
	sorted = false
): Table {
	const t = translator(locale);
	return {
		header: [
			t('dash.table.area'),
			t('dash.table.required'),
			t('dash.table.complete'),
			t('dash.table.incomplete'),
			`${t('dash.table.rate')} (%)`
		],
		rows: (sorted ? rows : sortCompletion(rows, spec)).map((r) => [
			r.name,
			r.required,
			r.complete,
			r.incomplete,
			pct(r.rate)
		])
	};
}

export function exposureTable(
	rows: readonly ExposureRow[],
	spec: SortSpec<ExposureKey> | undefined,
	coverageM: number,
	locale: Locale,
	sorted = false
): Table {
	const t = translator(locale);
	return {
		header: [
			t('dash.table.area'),
			t('dash.table.children'),
			t('dash.table.near'),
			// each share named for what it is a share of: a file's columns are read by name (the
			// GeoJSON's properties are keyed by it), and the screen's two "占比" were one there
			`${t('export.nearShare')} (%)`,
			t('exp.uncovered', { coverage: coverageM }),
			`${t('export.uncoveredShare', { coverage: coverageM })} (%)`
		],
		rows: (sorted ? rows : sortExposure(rows, spec)).map((r) => [
			r.name,
			count(r.children),
			count(r.nearIncomplete),
			pct(r.nearShare),
			count(r.uncovered),
			pct(r.uncoveredShare)
		])
	};
}

/** 洪湖市-配齐情况-2026-12-05.xlsx, and dashboard-completion-421083000000-2026-12-05.xlsx. */
export function dashboardFileName(
	table: DashboardTable,
	area: { code: string; name: string },
	locale: Locale,
	now = new Date()
): { name: string; ascii: string } {
	const t = translator(locale);
	const day = isoChina(now).slice(0, 10);
	return {
		name: `${fileNamePart(area.name)}-${fileNamePart(t(`export.dashboard.${table}`))}-${day}.xlsx`,
		ascii: `dashboard-${table}-${area.code.replace(/\D/g, '')}-${day}.xlsx`
	};
}
