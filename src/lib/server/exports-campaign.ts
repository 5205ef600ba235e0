// A campaign dashboard's tables as files (CSV or XLSX): the rows the screen shows, in the order
// it shows them (the same comparators, domain/campaign-dashboard.ts), words in the reader's
// language. The writing (BOM, formula-safe cells, typed XLSX cells, the watermark in the
// workbook's properties and in every file's name) is the segment export's (exports.ts).
import { translator, type Locale, type Translate } from '$lib/i18n';
import {
	sortOverdue,
	sortTownships,
	townshipRowName,
	type CampaignDashboardTable,
	type OverdueKey,
	type OverdueRow,
	type TownshipKey,
	type TownshipRow
} from '$lib/domain/campaign-dashboard';
import type { SortSpec } from '$lib/domain/table-sort';
import { fileNamePart, isoChina, type CellValue, type Table } from './exports';

const pct = (v: number | null): CellValue => (v === null ? null : Math.round(v * 1000) / 10);

/**
 * A checklist item's words: the campaign's own (an added or renamed item), else the default
 * (`cl.<checklist>.<item>`), else its key.
 */
export function itemWords(
	checklist: string,
	item: string,
	t: Translate,
	label?: string | null
): string {
	if (label) return label;
	const key = `cl.${checklist}.${item}`;
	const s = t(key as 'cl.home.gas');
	return s === undefined || s === key ? item : s;
}

export function townshipTable(
	rows: readonly TownshipRow[],
	spec: SortSpec<TownshipKey> | undefined,
	locale: Locale
): Table {
	const t = translator(locale);
	return {
		header: [
			t('cd.township'),
			t('cd.targets'),
			t('cd.visited'),
			`${t('cd.visitedShare')} (%)`,
			t('cd.found'),
			t('cd.fixed'),
			t('cd.closed'),
			t('cd.open'),
			t('cd.overdue')
		],
		rows: sortTownships(rows, spec).map((r) => [
			townshipRowName(r, t),
			r.targets,
			r.visited,
			pct(r.visitedShare),
			r.found,
			r.fixed,
			r.closed,
			r.open,
			r.overdue
		])
	};
}

export function overdueTable(
	rows: readonly OverdueRow[],
	spec: SortSpec<OverdueKey> | undefined,
	locale: Locale
): Table {
	const t = translator(locale);
	return {
		header: [
			t('cd.col.id'),
			t('cd.col.target'),
			t('cd.township'),
			t('cd.col.item'),
			t('cd.col.state'),
			t('cd.col.severity'),
			t('cd.col.responsible'),
			t('cd.col.deadline'),
			t('cd.col.daysOverdue')
		],
		rows: sortOverdue(rows, spec).map((r) => [
			r.id,
			r.name,
			townshipRowName({ code: r.townshipCode, name: r.township }, t),
			itemWords(r.checklist, r.item, t, r.label),
			t(`hz.state.${r.state}` as 'hz.state.found'),
			r.severity ? t(`hz.severity.${r.severity}` as 'hz.severity.general') : null,
			r.responsible,
			r.deadline,
			r.daysOverdue
		])
	};
}

/**
 * 2027年汛期隐患排查-逾期隐患-2026-12-05-0930-county.admin.csv, and the ASCII
 * campaign-12-overdue-2026-12-05-0930-county.admin.csv: what, when and who (the watermark).
 */
export function campaignFileName(
	campaign: { id: number; name: string },
	table: CampaignDashboardTable,
	format: 'csv' | 'xlsx' | 'geojson',
	locale: Locale,
	user: string,
	now = new Date()
): { name: string; ascii: string } {
	const t = translator(locale);
	const iso = isoChina(now);
	const who = fileNamePart(user).replace(/[^A-Za-z0-9_.@-]/g, '_');
	const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 16).replace(':', '')}-${who}.${format}`;
	const name = [fileNamePart(campaign.name).slice(0, 60), fileNamePart(t(`cd.file.${table}`))]
		.filter(Boolean)
		.join('-');
	return { name: `${name}-${stamp}`, ascii: `campaign-${campaign.id}-${table}-${stamp}` };
}
