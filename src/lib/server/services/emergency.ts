// Emergency staff during a flood: the declared emergencies that concern them, and the record
// that an item on a segment was taken for a rescue. Exact homes are services/residences.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { activeEmergencyFor, type Principal } from '../auth/policy';
import { currentEmergencies } from '../repositories/emergencies';
import { insertCheck } from '../repositories/equipment';
import { featureDetail } from '../repositories/features';
import { actorOf, appendAudit } from '../repositories/audit';
import { CheckConflict, CheckRejected, NotFoundError } from '../errors';
import { inSiteScope, scopeFor } from '../auth/scope';
import { findUnit } from './areas';
import { syncNow } from './freshness';
import { jurisdictionPrefix } from '$lib/domain/admin';
import type { RequestMeta } from './auth';
import { RESCUE_ITEMS, type RescueItem } from '$lib/domain/rescue';

export interface EmergencyNotice {
	id: number;
	areaCode: string;
	areaName: string;
	startsAt: Date;
	endsAt: Date;
	/** in force now (false: declared to begin later) */
	active: boolean;
}

/**
 * The unended emergencies declared over or inside the emergency staff's area (nothing for
 * other roles: the banner is theirs), in force first.
 */
export async function emergenciesFor(
	db: Kysely<DB>,
	who: Principal,
	now = new Date()
): Promise<EmergencyNotice[]> {
	if (who.role !== 'emergency') return [];
	const rows = await currentEmergencies(db, jurisdictionPrefix(who.jurisdiction), now);
	const out: EmergencyNotice[] = [];
	for (const r of rows)
		out.push({
			...r,
			areaName: (await findUnit(db, r.areaCode))?.name ?? r.areaCode,
			active: r.startsAt <= now
		});
	return out.sort((a, b) => Number(b.active) - Number(a.active) || +a.startsAt - +b.startsAt);
}

/**
 * Whether `who` may record a rescue's use of items on a segment of `adminCode` now: emergency
 * staff, inside an emergency in force over it (the segment's page offers the form then).
 */
export async function rescueOpen(
	db: Kysely<DB>,
	who: Principal,
	adminCode: string,
	now = new Date()
): Promise<boolean> {
	if (who.role !== 'emergency') return false;
	const inForce = await currentEmergencies(db, jurisdictionPrefix(who.jurisdiction), now);
	return activeEmergencyFor(who, adminCode, now, inForce) !== null;
}

/**
 * Record that items on a segment were used in a rescue: a check of kind 'rescue' whose slots are
 * "used", through the same change path as a field check (current state, history, data version),
 * but not the segment's last inspection (最近检查), audited with
 * the emergency that allows it. Only emergency staff, inside an emergency in force over the
 * segment. Idempotent by the client's UUID.
 */
export async function recordRescueUse(
	db: Kysely<DB>,
	who: Principal,
	input: { waterwayId: number; items: string[]; clientUuid: string; note?: string | null },
	meta: RequestMeta,
	now = new Date()
): Promise<{ id: number; duplicate: boolean; emergencyId: number }> {
	const items = [...new Set(input.items)];
	if (items.length === 0 || items.some((i) => !(RESCUE_ITEMS as readonly string[]).includes(i)))
		throw new CheckRejected('items', 'em.rescue.err.items');
	if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.clientUuid))
		throw new CheckRejected('clientUuid', 'error.badRequest');
	const detail = await featureDetail(db, 'waterway', input.waterwayId);
	if (!detail || !inSiteScope(scopeFor(who.jurisdiction), detail.adminCode))
		throw new NotFoundError(`waterway/${input.waterwayId}`);
	const emergency = activeEmergencyFor(
		who,
		detail.adminCode,
		now,
		who.role === 'emergency'
			? await currentEmergencies(db, jurisdictionPrefix(who.jurisdiction), now)
			: []
	);
	if (!emergency)
		throw new CheckRejected(
			'waterwayId',
			who.role === 'emergency' ? 'em.rescue.err.noEmergency' : 'em.rescue.err.role'
		);
	const slots = (items as RescueItem[]).map((item) => ({ item, status: 'used' as const }));
	const note = input.note?.trim().slice(0, 500) || null;
	const result = await db.transaction().execute(async (trx) => {
		// a rescue, not an inspection: the items' state follows, their last inspection does not
		const r = await insertCheck(trx, {
			kind: 'rescue',
			clientUuid: input.clientUuid.toLowerCase(),
			waterwayId: input.waterwayId,
			userId: who.userId,
			recordedAt: now,
			lon: null,
			lat: null,
			note,
			slots,
			photos: []
		});
		if (r.duplicate && r.byUser !== who.userId) throw new CheckConflict();
		if (!r.duplicate)
			await appendAudit(trx, {
				...actorOf(who),
				action: 'equipment_check',
				resource: `waterway:${input.waterwayId}`,
				jurisdictionCode: detail.adminCode,
				purpose: 'emergency_rescue',
				emergencyId: emergency.id,
				detail: { check: r.id, slots, photos: 0, rescue: true },
				...meta
			});
		return { id: r.id, duplicate: r.duplicate, emergencyId: emergency.id };
	});
	if (!result.duplicate) await syncNow(db);
	return result;
}
