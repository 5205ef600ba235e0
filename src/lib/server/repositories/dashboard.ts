// Four-item figures for the dashboard. Among the segments that need the items (the rule):
// how many there are and how many are complete, per subdivision, and week by week from the
// append-only history.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { USABLE_ITEMS } from '../db/postgis';

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
			WHERE w.township_code LIKE ${sitePrefix + '%'}
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
			WHERE w.township_code LIKE ${sitePrefix + '%'}
		),
		weeks AS (
			SELECT generate_series(0, ${weeks - 1}) AS k
		),
		ends AS (
			-- each week's end; the current week's is now, not its (future) Monday
			SELECT LEAST(
				date_trunc('week', ${now}::timestamptz) - make_interval(weeks => k) + interval '7 days',
				${now}::timestamptz
			) AS week FROM weeks
		),
		latest AS (
			SELECT ends.week, ev.waterway_id, ev.item,
				(array_agg(ev.status ORDER BY ev.at DESC, ev.id DESC))[1] AS status
			FROM ends
			JOIN equipment_events ev ON ev.at < ends.week AND ev.item <> 'barrier'
			JOIN req ON req.id = ev.waterway_id
			GROUP BY ends.week, ev.waterway_id, ev.item
		)
		SELECT ends.week,
			(SELECT count(*) FROM req)::int AS required,
			(SELECT count(*) FROM (
				SELECT waterway_id FROM latest l WHERE l.week = ends.week AND l.status = 'present'
				GROUP BY waterway_id HAVING count(*) = 4
			) c)::int AS complete
		FROM ends ORDER BY ends.week`.execute(db);
	return r.rows;
}
