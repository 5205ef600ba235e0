// The SQL of a campaign's dashboard and daily bulletin (通报): what was true at an instant `at`
// (the end of a bulletin's day, or now), read from the campaign tables of migration 0010. A
// hazard's state at `at` comes from the time each step was taken (found_at, registered_at,
// fixed_at, closed_at on the hazard row), not from its log, so a kind of log entry added later
// (an escalation, say) changes nothing here. Days are Beijing days (UTC+8, no summer time).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

/** The township a target's area (a township or a village) lies in. */
const TOWNSHIP = sql`rpad(left(t.area_code, 9), 12, '0')`;
/** The Beijing calendar day of a timestamptz column, YYYY-MM-DD. */
const beijingDay = (col: ReturnType<typeof sql>) =>
	sql`to_char((${col} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** Per township: its targets, and how many had a check recorded by `at`. */
export async function targetsByTownship(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string,
	at: Date
): Promise<{ code: string; name: string; targets: number; visited: number }[]> {
	// counted per township first, then named: a province's 79,000 targets looked up their
	// township's name one by one before (1,580 names are needed)
	const r = await sql<{ code: string; name: string; targets: number; visited: number }>`
		SELECT g.township AS code, coalesce(u.name, g.township) AS name, g.targets, g.visited
		FROM (
			SELECT ${TOWNSHIP} AS township, count(*)::int AS targets,
				count(*) FILTER (WHERE EXISTS (
					SELECT 1 FROM target_checks k WHERE k.target_id = t.id AND k.recorded_at <= ${at}
				))::int AS visited
			FROM campaign_targets t
			WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${underPrefix(sitePrefix)}
			GROUP BY 1
		) g
		LEFT JOIN admin_units u ON u.code = g.township
		ORDER BY g.township`.execute(db);
	return r.rows;
}

/** Per township and Beijing day: how many targets had their first check that day (up to `at`). */
export async function firstVisitsByDay(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string,
	at: Date
): Promise<{ code: string; day: string; n: number }[]> {
	// each target's first check read once, through the index on (target_id, recorded_at): as a
	// subquery in the select list PostgreSQL ran it twice per target (once for the filter)
	const r = await sql<{ code: string; day: string; n: number }>`
		SELECT ${TOWNSHIP} AS code, ${beijingDay(sql`f.first`)} AS day, count(*)::int AS n
		FROM campaign_targets t
		CROSS JOIN LATERAL (
			SELECT min(k.recorded_at) AS first FROM target_checks k WHERE k.target_id = t.id
		) f
		WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${underPrefix(sitePrefix)}
			AND f.first <= ${at}
		GROUP BY 1, 2
		ORDER BY 1, 2`.execute(db);
	return r.rows;
}

export interface HazardAtRow {
	id: number;
	target_id: number;
	target_name: string;
	target_kind: string;
	/** a segment target's segment id (its 编号), else null */
	target_source: number | null;
	checklist: string;
	township_code: string;
	township_name: string;
	item: string;
	/** its state at `at` */
	state: 'found' | 'registered' | 'fixed' | 'closed';
	severity: string | null;
	responsible: string | null;
	deadline: Date | null;
	found_day: string;
	fixed_day: string | null;
	closed_day: string | null;
	lon: number;
	lat: number;
}

/**
 * Every hazard of the campaign found by `at`, with its state then: closed, fixed, registered or
 * found by the latest step taken by `at` (a fix sent back clears its time, so the hazard is
 * registered again). A registration after `at` is not shown (no severity, deadline).
 */
export async function hazardsAt(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string,
	at: Date
): Promise<HazardAtRow[]> {
	const r = await sql<HazardAtRow>`
		SELECT h.id::float8 AS id, t.id::float8 AS target_id, t.name AS target_name,
			t.kind AS target_kind,
			CASE WHEN t.kind = 'segment' THEN t.source_id::float8 END AS target_source,
			t.checklist, ${TOWNSHIP} AS township_code,
			coalesce(u.name, ${TOWNSHIP}) AS township_name, h.item,
			CASE WHEN h.closed_at <= ${at} THEN 'closed' WHEN h.fixed_at <= ${at} THEN 'fixed'
				WHEN h.registered_at <= ${at} THEN 'registered' ELSE 'found' END AS state,
			CASE WHEN h.registered_at <= ${at} THEN h.severity END AS severity,
			CASE WHEN h.registered_at <= ${at} THEN h.responsible END AS responsible,
			CASE WHEN h.registered_at <= ${at} THEN h.deadline END AS deadline,
			${beijingDay(sql`h.found_at`)} AS found_day,
			CASE WHEN h.fixed_at <= ${at} THEN ${beijingDay(sql`h.fixed_at`)} END AS fixed_day,
			CASE WHEN h.closed_at <= ${at} THEN ${beijingDay(sql`h.closed_at`)} END AS closed_day,
			ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
		FROM hazards h
		JOIN campaign_targets t ON t.id = h.target_id
		LEFT JOIN admin_units u ON u.code = ${TOWNSHIP}
		WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${underPrefix(sitePrefix)}
			AND h.found_at <= ${at}
		ORDER BY h.id`.execute(db);
	return r.rows;
}

/** Targets without a check recorded by `at`, by township, kind and name (the bulletin's list). */
export async function unvisitedTargets(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string,
	at: Date
): Promise<
	{
		id: number;
		name: string;
		kind: string;
		segment_no: number | null;
		township_code: string;
		township_name: string;
		area_name: string;
		assignee_name: string | null;
	}[]
> {
	const r = await sql<{
		id: number;
		name: string;
		kind: string;
		segment_no: number | null;
		township_code: string;
		township_name: string;
		area_name: string;
		assignee_name: string | null;
	}>`
		SELECT t.id::float8 AS id, t.name, t.kind,
			CASE WHEN t.kind = 'segment' THEN t.source_id::float8 END AS segment_no,
			${TOWNSHIP} AS township_code,
			coalesce(tu.name, ${TOWNSHIP}) AS township_name,
			a.name AS area_name, us.display_name AS assignee_name
		FROM campaign_targets t
		JOIN admin_units a ON a.code = t.area_code
		LEFT JOIN admin_units tu ON tu.code = ${TOWNSHIP}
		LEFT JOIN users us ON us.id = t.assignee_id
		WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${underPrefix(sitePrefix)}
			AND NOT EXISTS (
				SELECT 1 FROM target_checks k WHERE k.target_id = t.id AND k.recorded_at <= ${at}
			)
		ORDER BY ${TOWNSHIP}, t.kind, t.name, t.id`.execute(db);
	return r.rows;
}
