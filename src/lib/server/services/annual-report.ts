// The annual report (年度工作进展情况) of an area inside the viewer's jurisdiction for a year:
// the figures the provincial plan asks about, each read through the path its own page uses, so
// the report never says more, or other, than the app already shows:
// - children: the released figures of child_counts (as the dashboard and the map), never a new
//   count over the roster;
// - four items: the dashboard's own totals and subdivisions (services/waterways.ts dashboard);
// - coverage: villages whose centre lies within reach of a usable home or station, measured as
//   the planning page measures it (services/planning.ts nearestMeters);
// - campaigns: targets and hazards with the campaign dashboard's states.
// Campaigns and hazards carry dates and are counted for each year. The stock figures (children,
// sites, items, coverage) are read as they stand: each time the current year's report is made,
// they are kept for the area and year (the last report of a year is its record), and the next
// year's report compares with that record; a past year's report shows its record where one was
// kept, and today's figures, labelled so, where none was.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { assertAreaInScope, scopeFor } from '../auth/scope';
import { NotFoundError } from '../errors';
import { findUnit } from './areas';
import { dashboard } from './waterways';
import { COVERAGE_RADIUS_M } from './exposure';
import { nearestMeters } from './planning';
import { usableSitesIn, villageCentres } from '../repositories/planning';
import {
	campaignWork,
	campaignsStartedIn,
	homeFigures,
	releasedChildrenOf,
	keepYearStock,
	keptYearStock,
	stationCount,
	type ReleasedChildrenRow
} from '../repositories/annual-report';
import { stockChanges, type ReportStock, type StockChange } from '$lib/domain/annual-compare';
import { jurisdictionPrefix, townshipPrefix } from '$lib/domain/admin';
import { findUserById } from '../repositories/users';
import { campaignDays } from '$lib/domain/campaign-dashboard';
import { beijingYearOf } from '$lib/domain/report-year';
import type { RequestMeta } from './auth';
import { actorOf, appendAudit } from '../repositories/audit';
import { annualReportPdf } from '../exports-annual-pdf';
import {
	annualSections,
	sectionRows,
	type AnnualSection,
	type AnnualTableFormat
} from '../exports-annual';
import type { Watermark } from '../exports';
import type { Locale } from '$lib/i18n';

/** Beijing is UTC+8 all year: its year starts at 16:00 UTC on 31 December. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** Sites this far (degrees, > COVERAGE_RADIUS_M) beyond the area still cover its villages. */
const SITE_MARGIN_DEG = 0.05;

export function beijingYearBounds(year: number): { from: Date; to: Date } {
	return {
		from: new Date(Date.UTC(year, 0, 1) - BEIJING_OFFSET_MS),
		to: new Date(Date.UTC(year + 1, 0, 1) - BEIJING_OFFSET_MS)
	};
}

/** The Beijing calendar year of an instant (one rule with the year picker's). */
export const beijingYear = beijingYearOf;

export interface CampaignYearRow {
	id: number;
	name: string;
	areaCode: string;
	/** its first day in Beijing, YYYY-MM-DD (a start at Beijing midnight is the day before in UTC) */
	startDay: string;
	targets: number;
	visited: number;
	found: number;
	fixed: number;
	closed: number;
}

export interface CampaignYear {
	year: number;
	campaigns: CampaignYearRow[];
	totals: {
		campaigns: number;
		targets: number;
		visited: number;
		found: number;
		fixed: number;
		closed: number;
	};
}

export interface AnnualReport {
	year: number;
	at: string;
	area: { code: string; name: string; level: string };
	sitesArea: { code: string; name: string };
	children: { area: ReleasedChildrenRow; bySubunit: ReleasedChildrenRow[] };
	homes: { total: number; large: number; largeShare: number | null };
	stations: number;
	items: {
		required: number;
		complete: number;
		share: number | null;
		bySubunit: { code: string; name: string; required: number; complete: number }[];
	};
	coverage: { radiusM: number; villages: number; covered: number; share: number | null };
	campaigns: CampaignYear;
	lastYear: CampaignYear;
	/**
	 * Where the stock figures above come from: today's ('live'), or the record kept when the
	 * year's report was last made in that year ('kept', a past year), with that moment.
	 */
	stockFrom: { source: 'live' | 'kept'; at: string };
	/** the stock figures beside last year's record; `lastYearAt` null when none was kept */
	stockChanges: StockChange[];
	lastYearAt: string | null;
	ms: number;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Campaigns started in `year` whose area meets the report's, with their work inside it. */
async function campaignYear(
	db: Kysely<DB>,
	year: number,
	prefix: string,
	sitePrefix: string,
	at: Date
): Promise<CampaignYear> {
	const { from, to } = beijingYearBounds(year);
	const heads = (await campaignsStartedIn(db, from, to)).filter((c) => {
		const its = jurisdictionPrefix(c.area_code);
		return its.startsWith(prefix) || prefix.startsWith(its);
	});
	const work = new Map(
		(
			await campaignWork(
				db,
				heads.map((c) => c.id),
				sitePrefix,
				at
			)
		).map((w) => [w.campaign_id, w])
	);
	const campaigns = heads.map((c) => {
		const w = work.get(c.id);
		return {
			id: c.id,
			name: c.name,
			areaCode: c.area_code,
			startDay: campaignDays({ startsAt: new Date(c.starts_at), endsAt: new Date(c.ends_at) })
				.firstDay,
			targets: w?.targets ?? 0,
			visited: w?.visited ?? 0,
			found: w?.found ?? 0,
			fixed: w?.fixed ?? 0,
			closed: w?.closed ?? 0
		};
	});
	const sum = (k: 'targets' | 'visited' | 'found' | 'fixed' | 'closed') =>
		campaigns.reduce((a, c) => a + c[k], 0);
	return {
		year,
		campaigns,
		totals: {
			campaigns: campaigns.length,
			targets: sum('targets'),
			visited: sum('visited'),
			found: sum('found'),
			fixed: sum('fixed'),
			closed: sum('closed')
		}
	};
}

/** Share of the area's villages with a usable home or station within COVERAGE_RADIUS_M. */
async function villageCoverageShare(
	db: Kysely<DB>,
	prefix: string,
	bbox: [number, number, number, number]
) {
	const villages = await villageCentres(db, prefix);
	const m = SITE_MARGIN_DEG;
	const sites = villages.length
		? await usableSitesIn(db, bbox[0] - m, bbox[1] - m, bbox[2] + m, bbox[3] + m)
		: [];
	const nearest = nearestMeters(villages, sites);
	const covered = nearest.filter((d) => d !== null && d <= COVERAGE_RADIUS_M).length;
	return {
		radiusM: COVERAGE_RADIUS_M,
		villages: villages.length,
		covered,
		share: share(covered, villages.length)
	};
}

export async function annualReport(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	year: number,
	now = new Date()
): Promise<AnnualReport> {
	const t0 = performance.now();
	assertAreaInScope(scopeFor(who.jurisdiction), areaCode);
	const unit = await findUnit(db, areaCode);
	if (!unit) throw new NotFoundError(areaCode);
	const prefix = jurisdictionPrefix(areaCode);
	// segments and sites are registered to townships: a village's are its township's (as on
	// the dashboard)
	const sitePrefix = townshipPrefix(prefix);
	const [children, homes, stations, dash, coverage, campaigns, lastYear, kept, before] =
		await Promise.all([
			releasedChildrenOf(db, unit.code),
			homeFigures(db, sitePrefix),
			stationCount(db, sitePrefix),
			dashboard(db, who, unit.code),
			villageCoverageShare(db, prefix, unit.bbox),
			campaignYear(db, year, prefix, sitePrefix, now),
			campaignYear(db, year - 1, prefix, sitePrefix, now),
			year < beijingYear(now) ? keptYearStock(db, unit.code, year) : Promise.resolve(null),
			keptYearStock(db, unit.code, year - 1)
		]);
	const own = children.find((c) => c.code === unit.code)!;
	const live: ReportStock = {
		children: { area: own, bySubunit: children.filter((c) => c.code !== unit.code) },
		homes,
		stations,
		items: {
			required: dash.totals.required,
			complete: dash.totals.complete,
			bySubunit: dash.bySubunit.map((b) => ({
				code: b.code,
				name: b.name,
				required: b.required,
				complete: b.complete
			}))
		},
		coverage: { radiusM: coverage.radiusM, villages: coverage.villages, covered: coverage.covered }
	};
	// this year's report is this year's record until a later one replaces it
	if (year === beijingYear(now)) await keepYearStock(db, unit.code, year, now, live);
	const stock = kept?.stock ?? live;
	return {
		year,
		at: now.toISOString(),
		area: { code: unit.code, name: unit.name, level: unit.level },
		sitesArea: dash.sitesArea,
		children: stock.children,
		homes: { ...stock.homes, largeShare: share(stock.homes.large, stock.homes.total) },
		stations: stock.stations,
		items: { ...stock.items, share: share(stock.items.complete, stock.items.required) },
		coverage: { ...stock.coverage, share: share(stock.coverage.covered, stock.coverage.villages) },
		campaigns,
		lastYear,
		stockFrom: kept
			? { source: 'kept', at: kept.takenAt.toISOString() }
			: { source: 'live', at: now.toISOString() },
		stockChanges: stockChanges(stock, before?.stock ?? null),
		lastYearAt: before ? before.takenAt.toISOString() : null,
		ms: Math.round(performance.now() - t0)
	};
}

/**
 * Who the report's foot says exported it: the person's name, as the province reads the report
 * (a login name such as county.admin says nobody); the login where no name was given.
 */
async function exportedBy(db: Kysely<DB>, who: Principal): Promise<string> {
	const u = await findUserById(db, who.userId);
	return u?.display_name.trim() || who.username;
}

/**
 * The report of `areaCode` for `year` as a PDF, for a viewer who may see it; the download is
 * audited as every export is (resource annual-report.pdf, the area, the file's name and size).
 */
export async function annualReportPdfFor(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	year: number,
	o: { locale: Locale; projectRoot: string; file: string; meta: RequestMeta; now?: Date }
): Promise<{ report: AnnualReport; bytes: Buffer }> {
	const now = o.now ?? new Date();
	const [report, by] = await Promise.all([
		annualReport(db, who, areaCode, year, now),
		exportedBy(db, who)
	]);
	const bytes = await annualReportPdf(report, {
		locale: o.locale,
		mark: { user: by, at: now },
		projectRoot: o.projectRoot
	});
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: 'annual-report.pdf',
		jurisdictionCode: report.area.code,
		detail: { file: o.file, year, bytes: bytes.length },
		...o.meta
	});
	return { report, bytes };
}

/**
 * The report of `areaCode` for `year` as tables (the XLSX's sheets, the CSV's sections), for a
 * viewer who may see it: the page's own report, so the figures are the page's; the export is
 * audited before the file is written (resource annual-report.xlsx or .csv, the area, the file's
 * name, the year and how many rows its tables hold). The watermark names the person, as the
 * PDF's foot does.
 */
export async function annualReportTablesFor(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	year: number,
	o: { locale: Locale; format: AnnualTableFormat; file: string; meta: RequestMeta; now?: Date }
): Promise<{ report: AnnualReport; sections: AnnualSection[]; mark: Watermark }> {
	const now = o.now ?? new Date();
	const [report, by] = await Promise.all([
		annualReport(db, who, areaCode, year, now),
		exportedBy(db, who)
	]);
	const mark = { user: by, at: now };
	const sections = annualSections(report, o.locale, mark);
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `annual-report.${o.format}`,
		jurisdictionCode: report.area.code,
		detail: { file: o.file, year, rows: sectionRows(sections) },
		...o.meta
	});
	return { report, sections, mark };
}
