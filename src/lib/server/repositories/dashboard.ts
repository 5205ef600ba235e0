// Four-item figures for the dashboard. Among the segments that need the items (the rule):
// how many there are and how many are complete, per subdivision, and week by week from the
// append-only history.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { USABLE_ITEMS, underPrefix } from '../db/postgis';

export interface SubunitCompletion {
	code: string;
	name: string;
	required: number;
	complete: number;
}

/** Per child unit of `code`: segments needing items, and those with all four present. */
export async function completionBySubunit(
	db: Kysely<DB>,
	code: string,
	childPrefixLength: number,
	sitePrefix: string
): Promise<SubunitCompletion[]> {
	const r = await sql<SubunitCompletion>`
		WITH seg AS (
			SELECT w.id, w.township_code,
				(SELECT ${USABLE_ITEMS} FROM safety_equipment e WHERE e.waterway_id = w.id) AS usable
			FROM waterways w JOIN segment_requirements sr ON sr.waterway_id = w.id AND sr.required
			WHERE w.township_code LIKE ${underPrefix(sitePrefix)}
		)
		SELECT a.code, a.name,
			count(seg.id)::int AS required,
			count(seg.id) FILTER (WHERE seg.usable = 4)::int AS complete
		FROM admin_units a
		LEFT JOIN seg ON left(seg.township_code, ${childPrefixLength}) = left(a.code, ${childPrefixLength})
		WHERE a.parent_code = ${code}
		GROUP BY a.code, a.name
		ORDER BY a.code`.execute(db);
	return r.rows;
}

export interface TrendPoint {
	week: Date;
	required: number;
	complete: number;
}

/** Completion at the end of each of the last `weeks` weeks, from the item history. */
export async function completionTrend(
	db: Kysely<DB>,
	sitePrefix: string,
	weeks = 12,
	now = new Date()
): Promise<TrendPoint[]> {
	const r = await sql<TrendPoint>`
		WITH req AS (
			SELECT w.id FROM waterways w JOIN segment_requirements sr ON sr.waterway_id = w.id AND sr.required
			WHERE w.township_code LIKE ${underPrefix(sitePrefix)}
		),
		weeks AS (
			SELECT generate_series(0, ${weeks - 1}) AS k
		),
		-- materialised: inlined, each week's end was worked out again for every event it was
		-- compared with (12 × the region's events), most of a prefecture dashboard's first
		-- request on PostgreSQL
		ends AS MATERIALIZED (
			-- each week's end; the current week's is now, not its (future) Monday
			SELECT LEAST(
				date_trunc('week', ${now}::timestamptz) - make_interval(weeks => k) + interval '7 days',
				${now}::timestamptz
			) AS week FROM weeks
		),
		-- each item's state holds from its event until the next one of the same item: the state
		-- at a week's end is the one whose interval spans it (one pass over the history, not a
		-- sort of every event before each week's end)
		ev AS MATERIALIZED (
			SELECT ev.waterway_id, ev.status, ev.at,
				lead(ev.at) OVER (PARTITION BY ev.waterway_id, ev.item ORDER BY ev.at, ev.id) AS until
			FROM equipment_events ev JOIN req ON req.id = ev.waterway_id
			WHERE ev.item <> 'barrier' AND ev.at < ${now}::timestamptz
		)
		SELECT ends.week,
			(SELECT count(*) FROM req)::int AS required,
			(SELECT count(*) FROM (
				SELECT waterway_id FROM ev
				WHERE ev.status = 'present' AND ev.at < ends.week
					AND (ev.until IS NULL OR ev.until >= ends.week)
				GROUP BY waterway_id HAVING count(*) = 4
			) c)::int AS complete
		FROM ends ORDER BY ends.week`.execute(db);
	return r.rows;
}
