// The annual report (年度工作进展情况) as tables for a spreadsheet: the same report object the page
// and the PDF show, one table for each of the page's, in its order. In the XLSX each is a sheet
// named for its section, its header the first row (frozen) and its figures typed cells a reader
// can sum; in the CSV the tables follow one another, each under its section's name. A first
// table says what the report is: the area, the year, when it was made, the page's notes on where
// its figures come from, and who exported it when (the file's watermark, besides its name).
// Counts are numbers; shares are percentages to a tenth, rounded as the page rounds them
// (formatRatePct), in columns and rows marked (%); "—" where the page shows no figure.
import { translator, type Locale } from '$lib/i18n';
import { formatDateTime } from '$lib/i18n/admin-format';
import { campaignFigureTable, stockChangeRows } from '$lib/charts/annual-compare-text';
import { shownRate } from '$lib/map/colors';
import { beijingYearOf } from '$lib/domain/report-year';
import type { AnnualReport } from './services/annual-report';
import {
	csvMark,
	csvStream,
	isoChina,
	xlsxBookStream,
	type CellValue,
	type Table
} from './exports';
import type { Watermark } from './exports';

export type AnnualTableFormat = 'xlsx' | 'csv';

export interface AnnualSection {
	/** the page's heading of the table, the XLSX sheet's name */
	name: string;
	table: Table;
}

/** A share as the page writes it, without the % sign: 23 of 80 is 28.8. */
const pct = (s: number): number => Math.round(shownRate(s) * 1000) / 10;

/** The report's tables, in the page's order. */
export function annualSections(r: AnnualReport, locale: Locale, mark: Watermark): AnnualSection[] {
	const t = translator(locale);
	const none = t('annual.none');
	const count = (n: number | null): CellValue => (n === null ? none : n);
	const share = (s: number | null): CellValue => (s === null ? none : pct(s));
	const inPct = (name: string) => t('annual.pctOf', { name });

	const stockNote =
		r.stockFrom.source === 'kept'
			? t('annual.stockNoteKept', {
					year: r.year,
					at: formatDateTime(new Date(r.stockFrom.at), locale)
				})
			: r.year < beijingYearOf(new Date(r.at))
				? t('annual.stockNotePast', { year: r.year })
				: t('annual.stockNote');
	const about: AnnualSection = {
		name: t('annual.sheet.about'),
		table: {
			header: [t('annual.col.item'), t('annual.col.value')],
			rows: [
				[t('annual.about.report'), t('annual.title', { area: r.area.name, year: r.year })],
				[t('annual.area'), r.area.name],
				[t('annual.about.code'), r.area.code],
				[t('annual.year'), r.year],
				[t('annual.about.at'), new Date(r.at)],
				[t('annual.about.stock'), stockNote],
				[t('annual.about.children'), t('annual.childrenNote')],
				[t('annual.about.campaigns'), t('annual.campaignsSumNote')],
				[
					t('annual.about.compare'),
					r.lastYearAt
						? t('annual.compareNote', {
								last: r.year - 1,
								at: formatDateTime(new Date(r.lastYearAt), locale)
							})
						: t('annual.compareNone', { last: r.year - 1 })
				],
				[
					t('annual.about.exported'),
					t('export.exportedBy', { user: mark.user, at: isoChina(mark.at) })
				]
			]
		}
	};

	const children: AnnualSection = {
		name: t('annual.children'),
		table: {
			header: [
				t('annual.about.code'),
				t('annual.col.area'),
				t('annual.col.total'),
				t('annual.col.leftBehind'),
				t('annual.col.inDifficulty')
			],
			rows: [r.children.area, ...r.children.bySubunit].map((c) => [
				c.code,
				c.name,
				count(c.total),
				count(c.leftBehind),
				count(c.inDifficulty)
			])
		}
	};

	const sites: AnnualSection = {
		name: t('annual.sites'),
		table: {
			header: [t('annual.col.item'), t('annual.col.value')],
			rows: [
				[t('annual.homes'), r.homes.total],
				[t('annual.homesLarge'), r.homes.large],
				[inPct(t('annual.homesLargeShare')), share(r.homes.largeShare)],
				[t('annual.stations'), r.stations],
				[t('annual.coverageVillages'), r.coverage.villages],
				[t('annual.coverageCovered', { m: r.coverage.radiusM }), r.coverage.covered],
				[inPct(t('annual.coverageShareFull', { m: r.coverage.radiusM })), share(r.coverage.share)]
			]
		}
	};

	// the area's own totals first (the page's first table), then each subdivision (its second):
	// segments are registered to townships, so a village's report counts its township's
	const items: AnnualSection = {
		name: t('annual.items'),
		table: {
			header: [
				t('annual.about.code'),
				t('annual.col.area'),
				t('dash.table.required'),
				t('dash.table.complete'),
				inPct(t('dash.table.rate'))
			],
			rows: [
				[
					r.sitesArea.code,
					r.sitesArea.name,
					r.items.required,
					r.items.complete,
					share(r.items.share)
				],
				...r.items.bySubunit.map((s) => [
					s.code,
					s.name,
					s.required,
					s.complete,
					share(s.required ? s.complete / s.required : null)
				])
			]
		}
	};

	const figures = campaignFigureTable(
		r.campaigns.totals,
		r.lastYear.totals,
		{ year: r.year, last: r.lastYear.year },
		t
	);
	const totals: AnnualSection = {
		name: t('annual.campaigns'),
		table: {
			header: figures.header,
			rows: figures.rows.map((f) => [f.name, f.now, f.before, f.change])
		}
	};

	const campaigns: AnnualSection = {
		name: t('annual.sheet.campaignList'),
		table: {
			header: [
				t('export.id'),
				t('annual.col.campaign'),
				t('annual.col.started'),
				t('annual.targets'),
				t('annual.visited'),
				t('annual.found'),
				t('annual.fixed'),
				t('annual.closed')
			],
			rows: r.campaigns.campaigns.map((c) => [
				c.id,
				c.name,
				// its first day in Beijing, as the page shows it
				c.startDay,
				c.targets,
				c.visited,
				c.found,
				c.fixed,
				c.closed
			])
		}
	};

	// the page's rows (stockChangeRows names them), with the figures as numbers: a share and its
	// change in percentage points, to a tenth, as the page writes them
	const named = stockChangeRows(r.stockChanges, t, locale, r.coverage.radiusM);
	const compare: AnnualSection = {
		name: t('annual.compare'),
		table: {
			header: [
				t('annual.col.item'),
				t('annual.col.thisYear', { year: r.year }),
				t('annual.col.thisYear', { year: r.year - 1 }),
				t('annual.col.change')
			],
			rows: r.stockChanges.map((c, i) => {
				if (c.kind === 'count')
					return [named[i].name, count(c.now), count(c.before), count(c.change)];
				const change =
					c.now === null || c.before === null
						? none
						: Math.round((shownRate(c.now) - shownRate(c.before)) * 1000) / 10;
				return [inPct(named[i].name), share(c.now), share(c.before), change];
			})
		}
	};

	return [about, children, sites, items, totals, campaigns, compare];
}

async function* once(rows: CellValue[][]) {
	yield rows;
}

/** The file's body: a sheet for each table, or a CSV of the tables one after another. */
export function annualBody(
	sections: readonly AnnualSection[],
	format: AnnualTableFormat,
	title: string,
	mark: Watermark,
	locale: Locale
): ReadableStream<Uint8Array> {
	if (format === 'xlsx')
		return xlsxBookStream(
			sections.map((s) => ({ name: s.name, header: s.table.header, chunks: once(s.table.rows) })),
			mark,
			locale,
			title
		);
	// the title first, then each table under its section's name, a blank line between
	// who exported it and when under the title: the file's watermark
	const by = csvMark(mark, locale);
	const rows: CellValue[][] = [
		[by.label, by.value],
		...sections.flatMap((s) => [[], [s.name], s.table.header, ...s.table.rows])
	];
	return csvStream([title], once(rows));
}

/** The rows of every table, as the audit log counts them. */
export const sectionRows = (sections: readonly AnnualSection[]): number =>
	sections.reduce((n, s) => n + s.table.rows.length, 0);
