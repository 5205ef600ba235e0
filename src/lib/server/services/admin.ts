// Administrator use cases besides users: the audit log search and emergency declarations.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canDeclareEmergency, canViewAudit, prefixOf, type Principal } from '../auth/policy';
import { appendAudit, searchAudit, type AuditQuery, type AuditRow } from '../repositories/audit';
import {
	insertEmergency,
	listEmergencies,
	type EmergencyListRow
} from '../repositories/emergencies';
import { isAdminCode } from '$lib/domain/admin';
import type { RequestMeta } from './auth';
import type { Outcome } from './users';

export class Forbidden extends Error {}

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
	const exists =
		isAdminCode(input.areaCode) &&
		!!(await db
			.selectFrom('admin_units')
			.select('code')
			.where('code', '=', input.areaCode)
			.executeTakeFirst());
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
			userId: who.userId,
			username: who.username,
			role: who.role,
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
