// 挂牌督办 (migration 0014): the escalations of overdue hazards, and the hazard list that shows
// them. The rule of when a hazard escalates is domain/escalation.ts; here are only its inputs
// (open hazards past their deadline) and its records (one per hazard and level, never changed).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import type { HazardSeverity, HazardState } from '$lib/domain/hazard';

export interface OverdueCandidate {
	id: number;
	state: HazardState;
	deadline: Date;
	area_code: string;
}

/**
 * Hazards under `sitePrefix` that are not closed, are past their deadline, and have not yet
 * reached the top level: the only ones an escalation can still be due for.
 */
export async function overdueCandidates(
	db: Kysely<DB>,
	now: Date,
	sitePrefix: string
): Promise<OverdueCandidate[]> {
	const r = await sql<OverdueCandidate>`
		SELECT h.id::float8 AS id, h.state, h.deadline, t.area_code
		FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
		WHERE h.state <> 'closed' AND h.deadline < ${now}
			AND t.area_code LIKE ${underPrefix(sitePrefix)}
			AND NOT EXISTS (SELECT 1 FROM hazard_escalations e WHERE e.hazard_id = h.id AND e.level = 2)
		ORDER BY h.id`.execute(db);
	return r.rows;
}

export interface EscalationRow {
	hazard_id: number;
	level: number;
	supervisor_code: string;
	due_at: Date;
}

/**
 * Record escalations; a (hazard, level) already recorded is left as it is. Returns only the rows
 * this call wrote, so a caller audits each escalation once even when two readers race (the
 * second insert waits for the first and then finds the key taken).
 */
export async function insertEscalations(
	trx: Kysely<DB>,
	rows: { hazardId: number; level: number; supervisorCode: string; dueAt: Date }[]
): Promise<EscalationRow[]> {
	if (rows.length === 0) return [];
	return trx
		.insertInto('hazard_escalations')
		.values(
			rows.map((e) => ({
				hazard_id: e.hazardId,
				level: e.level,
				supervisor_code: e.supervisorCode,
				due_at: e.dueAt
			}))
		)
		.onConflict((oc) => oc.columns(['hazard_id', 'level']).doNothing())
		.returning([
			sql<number>`hazard_id::float8`.as('hazard_id'),
			'level',
			'supervisor_code',
			'due_at'
		])
		.execute();
}

export interface EscalationView extends EscalationRow {
	supervisor_name: string | null;
	recorded_at: Date;
}

/** The escalations of the given hazards, lowest level first. */
export async function escalationsOf(
	db: Kysely<DB>,
	hazardIds: number[]
): Promise<EscalationView[]> {
	if (hazardIds.length === 0) return [];
	const r = await sql<EscalationView>`
		SELECT e.hazard_id::float8 AS hazard_id, e.level::int AS level, e.supervisor_code,
			e.due_at, e.recorded_at, u.name AS supervisor_name
		FROM hazard_escalations e LEFT JOIN admin_units u ON u.code = e.supervisor_code
		WHERE e.hazard_id IN (${sql.join(hazardIds)})
		ORDER BY e.hazard_id, e.level`.execute(db);
	return r.rows;
}

export interface HazardListRow {
	id: number;
	campaign_id: number;
	campaign_name: string;
	target_id: number;
	target_name: string;
	target_kind: string;
	/** the checklist the target is checked against (the one it was made with), for the item's words */
	target_checklist: string;
	area_code: string;
	area_name: string | null;
	item: string;
	state: HazardState;
	severity: HazardSeverity | null;
	responsible: string | null;
	deadline: Date | null;
	/** the highest escalation recorded, 0 for none */
	level: number;
	supervisor_code: string | null;
	/** the target's place (where the hazard was found), for the list's GeoJSON */
	lon: number;
	lat: number;
}

/**
 * Open hazards under `sitePrefix` (or only those escalated to `supervisor`), supervised first:
 * the prefecture's before the county's, then the longest overdue, then the rest by deadline.
 */
export async function hazardList(
	db: Kysely<DB>,
	sitePrefix: string,
	/** `limit` null: every row (a file; the page shows the first ones) */
	opts: { supervisor?: string; limit: number | null }
): Promise<HazardListRow[]> {
	const r = await sql<HazardListRow>`
		SELECT h.id::float8 AS id, t.campaign_id::float8 AS campaign_id, c.name AS campaign_name,
			t.id::float8 AS target_id, t.name AS target_name, t.kind AS target_kind,
			t.checklist AS target_checklist, t.area_code, au.name AS area_name,
			h.item, h.state, h.severity, h.responsible, h.deadline,
			coalesce(top.level, 0)::int AS level, top.supervisor_code,
			ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
		FROM hazards h
		JOIN campaign_targets t ON t.id = h.target_id
		JOIN campaigns c ON c.id = t.campaign_id
		LEFT JOIN admin_units au ON au.code = t.area_code
		LEFT JOIN LATERAL (
			SELECT e.level, e.supervisor_code FROM hazard_escalations e
			WHERE e.hazard_id = h.id ORDER BY e.level DESC LIMIT 1
		) top ON true
		WHERE h.state <> 'closed' AND t.area_code LIKE ${underPrefix(sitePrefix)}
			${
				opts.supervisor
					? sql`AND EXISTS (SELECT 1 FROM hazard_escalations s
						WHERE s.hazard_id = h.id AND s.supervisor_code = ${opts.supervisor})`
					: sql``
			}
		ORDER BY coalesce(top.level, 0) DESC, h.deadline NULLS LAST, h.id
		${opts.limit === null ? sql`` : sql`LIMIT ${opts.limit}`}`.execute(db);
	return r.rows;
}
