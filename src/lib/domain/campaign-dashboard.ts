// A campaign's progress as leaders read it (汛期隐患排查 进度 and the daily 通报): calendar days
// in Beijing (China keeps UTC+8 with no summer time, so a day is the UTC day of the instant moved
// on by 8 hours), the cumulative series the charts draw from per-day counts, and how the
// dashboard's two tables sort (worst first, one comparator for screen, print and files).
import { sortRows, type SortDir, type SortSpec } from './table-sort';
import { isAdminCode, levelOfCode, type AdminLevel } from './admin';
import type { Translate } from '$lib/i18n';
import { beijingDay } from './escalation';

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86400_000;
/** The longest series drawn: a campaign is at most a year (services/campaigns.ts). */
export const MAX_SERIES_DAYS = 367;

// the one definition of a Beijing day (escalation's), re-exported for the dashboard's readers
export { beijingDay };

/** The last day to fix a hazard in Beijing (its deadline is the instant that day ends). */
export function deadlineDay(deadline: Date): string {
	return beijingDay(new Date(deadline.getTime() - 1));
}

/**
 * A campaign's first and last days in Beijing, as YYYY-MM-DD: its start is the first instant of
 * its first day there (Beijing midnight, the previous day in UTC) and its end the instant after
 * its last day. The one way every page, file and bulletin names a campaign's period.
 */
export function campaignDays(c: { startsAt: Date; endsAt: Date }): {
	firstDay: string;
	lastDay: string;
} {
	return {
		firstDay: beijingDay(c.startsAt),
		lastDay: beijingDay(new Date(Math.max(c.startsAt.getTime(), c.endsAt.getTime() - 1)))
	};
}

/**
 * The days a campaign's bulletin can be made for: from its first day to its last day or today,
 * whichever comes first (a later day has no figures yet, an earlier one no campaign). A campaign
 * that has not started yet offers only today. A requested day outside is moved to the nearest
 * day inside, and `moved` says so (the page tells the reader which day is shown instead).
 */
export function bulletinDays(
	c: { startsAt: Date; endsAt: Date },
	requested: string | null,
	now: Date
): { day: string; minDay: string; maxDay: string; moved: boolean } {
	const { firstDay, lastDay } = campaignDays(c);
	const today = beijingDay(now);
	// YYYY-MM-DD strings order as the days do
	const maxDay = lastDay < today ? lastDay : today;
	const minDay = firstDay < maxDay ? firstDay : maxDay;
	const want = requested ?? maxDay;
	const day = want < minDay ? minDay : want > maxDay ? maxDay : want;
	return { day, minDay, maxDay, moved: requested !== null && day !== requested };
}

/** Whether a string is a real calendar day YYYY-MM-DD (2026-02-30 is not). */
export function isDay(s: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The instant a Beijing day ends (the next day's 00:00 in Beijing). */
export function endOfBeijingDay(day: string): Date {
	return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - BEIJING_OFFSET_MS);
}

/** Every Beijing day from `first` to `last` inclusive (at most MAX_SERIES_DAYS, the last ones). */
export function daysBetween(first: string, last: string): string[] {
	const a = Date.parse(`${first}T00:00:00Z`);
	const b = Date.parse(`${last}T00:00:00Z`);
	if (!(b >= a)) return [first];
	const n = Math.min(MAX_SERIES_DAYS, Math.round((b - a) / DAY_MS) + 1);
	const start = b - (n - 1) * DAY_MS;
	return Array.from({ length: n }, (_, i) =>
		new Date(start + i * DAY_MS).toISOString().slice(0, 10)
	);
}

/**
 * The days a campaign's charts run over at instant `at`: from its first day to the day of `at`,
 * or to its last day once it has ended (ends_at is the instant after its last day).
 */
export function seriesDays(c: { startsAt: Date; endsAt: Date }, at: Date): string[] {
	const last = Math.min(at.getTime(), c.endsAt.getTime() - 1);
	return daysBetween(
		beijingDay(c.startsAt),
		beijingDay(new Date(Math.max(last, c.startsAt.getTime())))
	);
}

/**
 * Running totals over `days` of counts given per day. A count dated before the first day is
 * carried into it (nothing is lost off the chart's left edge); one after the last day is left out.
 */
export function cumulative(days: readonly string[], perDay: ReadonlyMap<string, number>): number[] {
	let before = 0;
	for (const [d, n] of perDay) if (d < days[0]) before += n;
	let run = before;
	return days.map((d) => (run += perDay.get(d) ?? 0));
}

// ---- the dashboard's tables ----

export interface TownshipRow extends Record<string, string | number | null> {
	code: string;
	name: string;
	targets: number;
	visited: number;
	/** visited ÷ targets; null for none */
	visitedShare: number | null;
	found: number;
	fixed: number;
	closed: number;
	open: number;
	overdue: number;
}

export const TOWNSHIP_COLUMNS = [
	'name',
	'targets',
	'visited',
	'visitedShare',
	'found',
	'fixed',
	'closed',
	'open',
	'overdue'
] as const;
export type TownshipKey = (typeof TOWNSHIP_COLUMNS)[number];

export const TOWNSHIP_WORST: Record<TownshipKey, SortDir> = {
	name: 'asc',
	targets: 'desc',
	visited: 'asc',
	visitedShare: 'asc',
	found: 'desc',
	fixed: 'asc',
	closed: 'asc',
	open: 'desc',
	overdue: 'desc'
};

/**
 * "Most in need first", the order the dashboard and the bulletin both start from: the most
 * overdue hazards, then the most open ones (a township with hazards still open needs attention
 * before one that has none, however far its visits are), then the smallest share visited.
 */
export const TOWNSHIP_DEFAULT: SortSpec<TownshipKey> = { key: 'overdue', dir: 'desc' };
const TOWNSHIP_TIES: SortSpec<TownshipKey>[] = [
	{ key: 'open', dir: 'desc' },
	{ key: 'visitedShare', dir: 'asc' }
];

/**
 * The level of the unit a township-table row stands for when it is not a township: a row keyed
 * by a county's (or prefecture's, province's) own code holds the targets registered to that unit
 * itself, such as a county-level school or welfare institution whose area is the county. Null
 * for a township's row.
 */
export function directLevel(code: string): Exclude<AdminLevel, 'township' | 'village'> | null {
	if (!isAdminCode(code)) return null;
	const level = levelOfCode(code);
	return level === 'township' || level === 'village' ? null : level;
}

/**
 * A township-table row's name as screen, paper and file show it: a township by its own name;
 * the row of a county's directly administered units labelled as such ("县级（直属）单位 · 洪湖市"),
 * since the county's bare name under the heading 乡镇 read as if it were a township.
 */
export function townshipRowName(r: { code: string; name: string }, t: Translate): string {
	const level = directLevel(r.code);
	return level ? t(`cd.direct.${level}`, { name: r.name }) : r.name;
}

/**
 * The townships in the order asked for, then the rows of directly administered units (by code):
 * those are not townships, so they follow the townships in every order rather than rank among
 * them, and the totals are the same either way.
 */
export function sortTownships(
	rows: readonly TownshipRow[],
	spec: SortSpec<TownshipKey> = TOWNSHIP_DEFAULT
): TownshipRow[] {
	const direct = rows.filter((r) => directLevel(r.code) !== null);
	const townships = rows.filter((r) => directLevel(r.code) === null);
	return [
		...sortRows(townships, spec, TOWNSHIP_TIES),
		...[...direct].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
	];
}

export interface OverdueRow extends Record<string, string | number | null> {
	/** the hazard's id, as text (the table's row key) */
	code: string;
	id: number;
	name: string;
	/** a segment target's 编号, which tells apart segments of one river's name */
	segmentNo: number | null;
	township: string;
	/** the township's code, or the county's own for a county-level target (townshipRowName) */
	townshipCode: string;
	item: string;
	/** the checklist the item belongs to (for its words) */
	checklist: string;
	/** the campaign's own words for the item (an added or renamed one), else null */
	label: string | null;
	state: string;
	severity: string | null;
	responsible: string | null;
	/** the last day to fix it, YYYY-MM-DD in Beijing */
	deadline: string;
	daysOverdue: number;
}

export const OVERDUE_COLUMNS = [
	'name',
	'township',
	'item',
	'state',
	'severity',
	'responsible',
	'deadline',
	'daysOverdue'
] as const;
export type OverdueKey = (typeof OVERDUE_COLUMNS)[number];

export const OVERDUE_WORST: Record<OverdueKey, SortDir> = {
	name: 'asc',
	township: 'asc',
	item: 'asc',
	state: 'asc',
	severity: 'desc',
	responsible: 'asc',
	deadline: 'asc',
	daysOverdue: 'desc'
};

export const OVERDUE_DEFAULT: SortSpec<OverdueKey> = { key: 'daysOverdue', dir: 'desc' };
const OVERDUE_TIES: SortSpec<OverdueKey>[] = [{ key: 'severity', dir: 'desc' }];

/** Severity as a rank, so "worst first" sorts 重大 before 较大 before 一般. */
export const SEVERITY_RANK: Record<string, number> = { general: 1, major: 2, serious: 3 };

export function sortOverdue(
	rows: readonly OverdueRow[],
	spec: SortSpec<OverdueKey> = OVERDUE_DEFAULT
): OverdueRow[] {
	// rank severities by weight, not by their words
	const ranked = rows.map((r, i) => ({
		...r,
		severity: r.severity === null ? null : (SEVERITY_RANK[r.severity] ?? 0),
		index: i
	}));
	return sortRows(ranked, spec, OVERDUE_TIES).map((r) => rows[r.index]);
}

/** Whole days a deadline has passed by at `at` (a deadline is the instant its last day ends). */
export function daysOverdue(deadline: Date, at: Date): number {
	return Math.max(0, Math.ceil((at.getTime() - deadline.getTime()) / DAY_MS));
}

/** The dashboard's exportable tables. */
export const DASHBOARD_TABLES = ['townships', 'overdue'] as const;
export type CampaignDashboardTable = (typeof DASHBOARD_TABLES)[number];
