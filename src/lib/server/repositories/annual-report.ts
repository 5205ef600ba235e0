// The SQL of the annual report (年度工作进展情况). Children are read only as released figures
// (child_counts' *_released columns, the ones every page shows); sites and campaign work are
// plain counts of registered things, which hold no child.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import { MIN_HOME_AREA_M2 } from './analysis-snapshot';
import { parseReportStock, type ReportStock } from '$lib/domain/annual-compare';

export interface ReleasedChildrenRow {
	code: string;
	name: string;
	/** released counts; null where no figure has been released for the unit */
	total: number | null;
	leftBehind: number | null;
	inDifficulty: number | null;
}

/** The released children of a unit and of each of its subdivisions (the unit first). */
export async function releasedChildrenOf(
	db: Kysely<DB>,
	code: string
): Promise<ReleasedChildrenRow[]> {
	const r = await sql<ReleasedChildrenRow>`
		SELECT a.code, a.name, c.total_released AS "total",
			c.left_behind_released AS "leftBehind", c.in_difficulty_released AS "inDifficulty"
		FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
		WHERE a.code = ${code} OR a.parent_code = ${code}
		ORDER BY (a.code = ${code}) DESC, a.code`.execute(db);
	return r.rows;
}

/** Children's homes registered in an area: how many, and how many have at least 30 m². */
export async function homeFigures(
	db: Kysely<DB>,
	sitePrefix: string
): Promise<{ total: number; large: number }> {
	const r = await sql<{ total: number; large: number }>`
		SELECT count(*)::int AS total,
			count(*) FILTER (WHERE area_m2 >= ${MIN_HOME_AREA_M2})::int AS large
		FROM children_homes WHERE village_code LIKE ${underPrefix(sitePrefix)}`.execute(db);
	return r.rows[0];
}

export async function stationCount(db: Kysely<DB>, sitePrefix: string): Promise<number> {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM sunshine_stations
		WHERE admin_code LIKE ${underPrefix(sitePrefix)}`.execute(db);
	return r.rows[0].n;
}

export interface CampaignHead {
	id: number;
	name: string;
	area_code: string;
	starts_at: Date;
	ends_at: Date;
}

/** Campaigns that started in [from, to). */
export async function campaignsStartedIn(
	db: Kysely<DB>,
	from: Date,
	to: Date
): Promise<CampaignHead[]> {
	const r = await sql<CampaignHead>`
		SELECT id::float8 AS id, name, area_code, starts_at, ends_at FROM campaigns
		WHERE starts_at >= ${from} AND starts_at < ${to}
		ORDER BY starts_at, id`.execute(db);
	return r.rows;
}

export interface CampaignWork {
	campaign_id: number;
	targets: number;
	visited: number;
	found: number;
	fixed: number;
	closed: number;
}

/**
 * Per campaign, inside an area: its targets, those with a check recorded by `at`, and the
 * hazards found by `at`, those fixed (fixed or closed) and those closed by then: the states of
 * the campaign dashboard (repositories/campaign-dashboard.ts hazardsAt).
 */
export async function campaignWork(
	db: Kysely<DB>,
	campaignIds: number[],
	sitePrefix: string,
	at: Date
): Promise<CampaignWork[]> {
	if (!campaignIds.length) return [];
	const r = await sql<CampaignWork>`
		SELECT t.campaign_id::float8 AS campaign_id, count(*)::int AS targets,
			count(*) FILTER (WHERE EXISTS (
				SELECT 1 FROM target_checks k WHERE k.target_id = t.id AND k.recorded_at <= ${at}
			))::int AS visited,
			coalesce(sum(h.found), 0)::int AS found,
			coalesce(sum(h.fixed), 0)::int AS fixed,
			coalesce(sum(h.closed), 0)::int AS closed
		FROM campaign_targets t
		LEFT JOIN (
			SELECT target_id, count(*) AS found,
				count(*) FILTER (WHERE fixed_at <= ${at} OR closed_at <= ${at}) AS fixed,
				count(*) FILTER (WHERE closed_at <= ${at}) AS closed
			FROM hazards WHERE found_at <= ${at} GROUP BY target_id
		) h ON h.target_id = t.id
		WHERE t.campaign_id IN (${sql.join(campaignIds)})
			AND t.area_code LIKE ${underPrefix(sitePrefix)}
		GROUP BY t.campaign_id
		ORDER BY t.campaign_id`.execute(db);
	return r.rows;
}

/** Keeps an area's stock figures for a year: the latest report of the year replaces the last. */
export async function keepYearStock(
	db: Kysely<DB>,
	areaCode: string,
	year: number,
	takenAt: Date,
	stock: ReportStock
): Promise<void> {
	await sql`
		INSERT INTO annual_figures (area_code, year, taken_at, figures)
		VALUES (${areaCode}, ${year}, ${takenAt}, ${JSON.stringify(stock)}::jsonb)
		ON CONFLICT (area_code, year) DO UPDATE
			SET taken_at = excluded.taken_at, figures = excluded.figures
			-- two reports at once: the later moment stays
			WHERE annual_figures.taken_at <= excluded.taken_at`.execute(db);
}

/** An area's kept stock figures of a year, if a report of that year was made for it. */
export async function keptYearStock(
	db: Kysely<DB>,
	areaCode: string,
	year: number
): Promise<{ takenAt: Date; stock: ReportStock } | null> {
	const r = await sql<{ taken_at: Date; figures: unknown }>`
		SELECT taken_at, figures FROM annual_figures
		WHERE area_code = ${areaCode} AND year = ${year}`.execute(db);
	const row = r.rows[0];
	if (!row) return null;
	const stock = parseReportStock(row.figures);
	return stock ? { takenAt: new Date(row.taken_at), stock } : null;
}
