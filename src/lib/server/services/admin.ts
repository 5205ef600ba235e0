// Administrator use cases besides users: the audit log search and emergency declarations.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	canChangeRuleRadius,
	canDeclareEmergency,
	canRunSegmentRule,
	canViewAudit,
	prefixOf,
	type Principal
} from '../auth/policy';
import { Forbidden } from '../errors';
import {
	actorOf,
	appendAudit,
	searchAudit,
	type AuditQuery,
	type AuditRow
} from '../repositories/audit';

/** The actions the audit log can be searched by. */
export { AUDIT_ACTIONS } from '../repositories/audit';
import {
	emergencyArea,
	endEmergencyAt,
	insertEmergency,
	listEmergencies,
	type EmergencyListRow
} from '../repositories/emergencies';
import { isAdminCode, townshipPrefix } from '$lib/domain/admin';
import { unitExists } from '../repositories/areas';
import { ruleLastRunAt, setRuleRadius } from '../repositories/settings';
import { ruleRadius } from '../repositories/segment-rule';
import { runSegmentRule, type RuleRunResult } from './segment-rule';
import { pendingDataChanges } from './derived-data';
import { syncNow } from './freshness';
import { segmentTable } from './segment-table';
import { analysisFor } from './exposure';
import type { RequestMeta } from './auth';
import type { Outcome } from './users';

export async function searchAuditLog(
	db: Kysely<DB>,
	who: Principal,
	q: Omit<AuditQuery, 'prefix'>
): Promise<AuditRow[]> {
	if (!canViewAudit(who)) throw new Forbidden('audit');
	return searchAudit(db, { ...q, prefix: prefixOf(who) });
}

export async function emergenciesFor(db: Kysely<DB>, who: Principal): Promise<EmergencyListRow[]> {
	if (!canViewAudit(who)) throw new Forbidden('emergencies');
	return listEmergencies(db, prefixOf(who));
}

export const MAX_EMERGENCY_HOURS = 72;

export async function declareEmergency(
	db: Kysely<DB>,
	who: Principal,
	input: { areaCode: string; startsAt: Date; endsAt: Date; reason: string },
	meta: RequestMeta
): Promise<Outcome<number>> {
	const errors: Record<string, string> = {};
	const exists = isAdminCode(input.areaCode) && (await unitExists(db, input.areaCode));
	if (!exists) errors.area = 'emergency.err.area';
	else if (!canDeclareEmergency(who, input.areaCode)) errors.area = 'emergency.err.notAllowed';
	if (Number.isNaN(input.startsAt.getTime()) || Number.isNaN(input.endsAt.getTime()))
		errors.window = 'emergency.err.window';
	else if (input.endsAt <= input.startsAt) errors.window = 'emergency.err.window';
	else if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_EMERGENCY_HOURS * 3600_000)
		errors.window = 'emergency.err.tooLong';
	if (!input.reason.trim() || input.reason.length > 500) errors.reason = 'emergency.err.reason';
	if (Object.keys(errors).length) return { ok: false, errors };
	const id = await db.transaction().execute(async (trx) => {
		const newId = await insertEmergency(trx, {
			...input,
			reason: input.reason.trim(),
			declaredBy: who.userId
		});
		await appendAudit(trx, {
			...actorOf(who),
			action: 'emergency_declared',
			resource: `emergency:${newId}`,
			jurisdictionCode: input.areaCode,
			emergencyId: newId,
			detail: {
				startsAt: input.startsAt.toISOString(),
				endsAt: input.endsAt.toISOString(),
				reason: input.reason.trim()
			},
			...meta
		});
		return newId;
	});
	return { ok: true, value: id };
}

/**
 * End a declared emergency before its time (a mistaken or finished one): exact homes are closed
 * to emergency staff from that moment. The same administrators who may declare it may end it;
 * the original window goes into the audit entry.
 */
export async function endEmergency(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	meta: RequestMeta
): Promise<Outcome<undefined>> {
	const area = await emergencyArea(db, id);
	if (!area || !canDeclareEmergency(who, area)) throw new Forbidden('emergency');
	return db.transaction().execute(async (trx) => {
		const was = await endEmergencyAt(trx, id, new Date());
		if (!was) return { ok: false as const, errors: { end: 'emergency.err.alreadyEnded' } };
		await appendAudit(trx, {
			...actorOf(who),
			action: 'emergency_ended',
			resource: `emergency:${id}`,
			jurisdictionCode: was.areaCode,
			emergencyId: id,
			detail: { startsAt: was.startsAt.toISOString(), endsAt: was.endsAt.toISOString() },
			...meta
		});
		return { ok: true as const, value: undefined };
	});
}

export const RULE_RADIUS_RANGE_M = { min: 50, max: 5000 } as const;

/** The rule's distance and when it last ran, for the settings page. */
export async function ruleSettings(db: Kysely<DB>, who: Principal) {
	if (!canRunSegmentRule(who)) throw new Forbidden('settings');
	const radius = await ruleRadius(db);
	// from the segment table kept for this data version (no read of every segment per visit)
	const rows = await segmentTable(db, townshipPrefix(prefixOf(who)));
	const r = { required: 0, total: 0 };
	for (const s of rows) {
		if (s.judged) r.total++;
		if (s.required) r.required++;
	}
	const computedAt = await ruleLastRunAt(db);
	return {
		radius,
		computedAt,
		pendingChanges: await pendingDataChanges(db),
		required: r.required,
		total: r.total,
		canChangeRadius: canChangeRuleRadius(who)
	};
}

/**
 * Change the rule's distance (province administrators: it applies to the whole province) and
 * recompute; or just recompute the rule for the administrator's own area after data changed.
 */
export async function runRuleFromSettings(
	db: Kysely<DB>,
	who: Principal,
	radiusM: number | null,
	meta: RequestMeta
): Promise<Outcome<RuleRunResult>> {
	if (!canRunSegmentRule(who)) throw new Forbidden('settings');
	if (radiusM !== null) {
		if (!canChangeRuleRadius(who))
			return { ok: false, errors: { radius: 'settings.err.provinceOnly' } };
		if (
			!Number.isFinite(radiusM) ||
			radiusM < RULE_RADIUS_RANGE_M.min ||
			radiusM > RULE_RADIUS_RANGE_M.max
		) {
			return { ok: false, errors: { radius: 'settings.err.radius' } };
		}
		await setRuleRadius(db, radiusM, who.userId);
	}
	const prefix = radiusM !== null ? '42' : townshipPrefix(prefixOf(who));
	// from the analysis engine's snapshot when the dashboard has loaded one
	const result = await runSegmentRule(db, prefix, undefined, 'memory', analysisFor(db));
	await appendAudit(db, {
		...actorOf(who),
		action: radiusM !== null ? 'rule_radius_changed' : 'rule_recomputed',
		resource: 'segment_rule',
		jurisdictionCode: who.jurisdiction,
		detail: { radiusM, ...result },
		...meta
	});
	// the run moved the data version (trigger); this process's own caches follow at once
	await syncNow(db);
	return { ok: true, value: result };
}
