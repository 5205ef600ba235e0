// Exact homes of children, for the people whose work needs them. Every view is recorded in the
// audit log with its purpose (and the emergency declaration, if that is the basis), in the
// same transaction as the read: no record, no data.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { needsEmergencyForResidences, residenceAccess, type Principal } from '../auth/policy';
import { ResidenceBadRequest, ResidenceDenied } from '../errors';
import { currentEmergencies } from '../repositories/emergencies';
import { residencesIn, type ResidencePoint } from '../repositories/residences';
import { actorOf, appendAudit } from '../repositories/audit';
import { isAdminCode, jurisdictionPrefix, levelOfCode } from '$lib/domain/admin';
import type { RequestMeta } from './auth';

export const RESIDENCE_PURPOSES = [
	'home_visit',
	'hazard_check',
	'emergency_rescue',
	'data_verification'
] as const;
export type ResidencePurpose = (typeof RESIDENCE_PURPOSES)[number];

/** Exact points are shown a township or a village at a time, never a whole county. */
export const RESIDENCE_MAX_POINTS = 5000;

export interface ResidenceView {
	area: string;
	basis: 'duty' | 'emergency';
	points: ResidencePoint[];
}

export async function viewResidences(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	purpose: string,
	meta: RequestMeta,
	now = new Date()
): Promise<ResidenceView> {
	if (!isAdminCode(areaCode)) throw new ResidenceBadRequest('area');
	const level = levelOfCode(areaCode);
	if (level !== 'township' && level !== 'village') throw new ResidenceBadRequest('level');
	if (!(RESIDENCE_PURPOSES as readonly string[]).includes(purpose))
		throw new ResidenceBadRequest('purpose');
	const emergencies = needsEmergencyForResidences(who)
		? await currentEmergencies(db, jurisdictionPrefix(who.jurisdiction), now)
		: [];
	const access = residenceAccess(who, areaCode, now, emergencies);
	const audit = {
		...actorOf(who),
		resource: `residences:${areaCode}`,
		jurisdictionCode: areaCode,
		purpose,
		...meta
	};
	if (!access.allowed) {
		await appendAudit(db, { ...audit, action: 'residences_denied' });
		throw new ResidenceDenied(areaCode);
	}
	return db.transaction().execute(async (trx) => {
		const points = await residencesIn(trx, jurisdictionPrefix(areaCode), RESIDENCE_MAX_POINTS);
		await appendAudit(trx, {
			...audit,
			action: 'residences_view',
			emergencyId: access.basis === 'emergency' ? access.emergencyId : null,
			detail: { count: points.length, basis: access.basis }
		});
		return { area: areaCode, basis: access.basis, points };
	});
}
