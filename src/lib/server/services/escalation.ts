// 挂牌督办: overdue hazards escalate to the county, then the prefecture (domain/escalation.ts).
// There is no timer: whoever reads hazards (the hazard list, a campaign, a hazard's page) first
// brings the escalations of their scope up to date, and the server does it once for everything
// at start. Recording is idempotent (one row per hazard and level, ON CONFLICT DO NOTHING), and
// each escalation is audited in the transaction that wrote it, so it is audited exactly once
// however many readers race. Every read is scoped to the viewer's jurisdiction.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { reachesTargetKind, type Principal } from '../auth/policy';
import { scopeFor } from '../auth/scope';
import { appendAudit } from '../repositories/audit';
import {
	escalationsOf,
	hazardList,
	insertEscalations,
	overdueCandidates,
	type EscalationView,
	type HazardListRow
} from '../repositories/escalation';
import { escalationsDue } from '$lib/domain/escalation';
import { isOverdue } from '$lib/domain/hazard';
import { levelOfCode } from '$lib/domain/admin';

/** The most hazards one list shows: supervised ones come first, so none of them is cut off. */
export const HAZARD_LIST_LIMIT = 500;

/**
 * Record every escalation due by `now` for hazards under `sitePrefix` ('' = everywhere) that is
 * not recorded yet, and audit each. Returns how many were new.
 */
export async function escalateDue(
	db: Kysely<DB>,
	now = new Date(),
	sitePrefix = ''
): Promise<number> {
	const candidates = await overdueCandidates(db, now, sitePrefix);
	const due = candidates.flatMap((h) =>
		escalationsDue({ state: h.state, deadline: h.deadline, areaCode: h.area_code }, now).map(
			(e) => ({ hazardId: h.id, level: e.level, supervisorCode: e.supervisorCode, dueAt: e.dueAt })
		)
	);
	if (due.length === 0) return 0;
	const deadlines = new Map(candidates.map((h) => [h.id, h.deadline]));
	return db.transaction().execute(async (trx) => {
		const written = await insertEscalations(trx, due);
		for (const e of written)
			// the system acts here, not a user: no actor, the supervising unit as jurisdiction
			await appendAudit(trx, {
				action: 'hazard_escalated',
				resource: `hazard:${e.hazard_id}`,
				jurisdictionCode: e.supervisor_code,
				detail: {
					level: e.level,
					supervisor: e.supervisor_code,
					deadline: new Date(deadlines.get(e.hazard_id)!).toISOString(),
					dueAt: new Date(e.due_at).toISOString()
				}
			});
		return written.length;
	});
}

export interface HazardListItem extends HazardListRow {
	overdue: boolean;
}

/**
 * The hazard list (/hazards): the viewer's open hazards, supervised first; and, for a county or
 * prefecture user, those escalated to their own unit.
 */
export async function hazardsPage(
	db: Kysely<DB>,
	who: Principal,
	/** `limit`: the most rows of each list (the page's); null for every row (the files) */
	opts: { supervisedOnly?: boolean; limit?: number | null } = {},
	now = new Date()
): Promise<{
	hazards: HazardListItem[];
	toMe: HazardListItem[];
	supervisorLevel: 'county' | 'prefecture' | null;
	/** whether the open list had more rows than it shows */
	limited: boolean;
	/** whether the escalated list had more rows than it shows */
	toMeLimited: boolean;
}> {
	const scope = scopeFor(who.jurisdiction);
	await escalateDue(db, now, scope.sitePrefix);
	const level = levelOfCode(who.jurisdiction);
	const supervisorLevel = level === 'county' || level === 'prefecture' ? level : null;
	const view = (r: HazardListRow): HazardListItem => ({ ...r, overdue: isOverdue(r, now) });
	const limit = opts.limit === undefined ? HAZARD_LIST_LIMIT : opts.limit;
	// one row more than shown: whether the list was cut
	const asked = limit === null ? null : limit + 1;
	const [all, toMe] = await Promise.all([
		hazardList(db, scope.sitePrefix, { limit: asked }),
		supervisorLevel
			? hazardList(db, scope.sitePrefix, { supervisor: who.jurisdiction, limit: asked })
			: Promise.resolve([])
	]);
	const cut = <T>(rows: T[]) => (limit === null ? rows : rows.slice(0, limit));
	// a child director: not the neighbouring villages' household visits
	const reached = all.filter((r) => reachesTargetKind(who, r.target_kind, r.area_code));
	const shown = opts.supervisedOnly ? reached.filter((r) => r.level > 0) : reached;
	return {
		hazards: cut(shown).map(view),
		toMe: cut(toMe).map(view),
		supervisorLevel,
		limited: limit !== null && all.length > limit,
		toMeLimited: limit !== null && toMe.length > limit
	};
}

/**
 * The escalations of hazards the caller has already found within the viewer's reach (a campaign's
 * or a hazard's page), after bringing the viewer's scope up to date. By hazard id.
 */
export async function supervisionOf(
	db: Kysely<DB>,
	who: Principal,
	hazardIds: number[],
	now = new Date()
): Promise<Map<number, EscalationView[]>> {
	await escalateDue(db, now, scopeFor(who.jurisdiction).sitePrefix);
	const out = new Map<number, EscalationView[]>();
	for (const e of await escalationsOf(db, hazardIds)) {
		const list = out.get(e.hazard_id) ?? [];
		list.push(e);
		out.set(e.hazard_id, list);
	}
	return out;
}
