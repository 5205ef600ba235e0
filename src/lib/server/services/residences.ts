// Exact homes of children, for the people whose work needs them. Every view is recorded in the
// audit log with its purpose (and the emergency declaration, if that is the basis), in the
// same transaction as the read: no record, no data.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { needsEmergencyForResidences, residenceAccess, type Principal } from '../auth/policy';
import { ResidenceBadRequest, ResidenceDenied } from '../errors';
import { currentEmergencies } from '../repositories/emergencies';
import {
	residenceListIn,
	residencesIn,
	type ResidenceListRow,
	type ResidencePoint
} from '../repositories/residences';
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

/** The checks every exact-home read passes, in order; a refusal is audited with its reason. */
async function allowHomes(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	purpose: string,
	meta: RequestMeta,
	now: Date
) {
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
		await appendAudit(db, {
			...audit,
			action: 'residences_denied',
			detail: { reason: access.reason }
		});
		throw new ResidenceDenied(areaCode, access.reason);
	}
	return { access, audit };
}

export async function viewResidences(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	purpose: string,
	meta: RequestMeta,
	now = new Date()
): Promise<ResidenceView> {
	const { access, audit } = await allowHomes(db, who, areaCode, purpose, meta, now);
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

/** How the homes left the server: a page (or its print) or a file. */
export type ResidenceListForm = 'list' | 'csv' | 'xlsx';

export interface ResidenceVillage {
	code: string;
	name: string;
	homes: ResidenceListRow[];
}

/**
 * The homes a field team may see, grouped by village with the nearest segment of each. Audited
 * like the map's view: a page as `residences_view`, a file as `export`, in the same transaction
 * as the read.
 */
export async function listResidencesByVillage(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	purpose: string,
	form: ResidenceListForm,
	meta: RequestMeta,
	now = new Date()
): Promise<{ area: string; basis: 'duty' | 'emergency'; villages: ResidenceVillage[] }> {
	const { access, audit } = await allowHomes(db, who, areaCode, purpose, meta, now);
	return db.transaction().execute(async (trx) => {
		const rows = await residenceListIn(trx, jurisdictionPrefix(areaCode), RESIDENCE_MAX_POINTS);
		await appendAudit(trx, {
			...audit,
			action: form === 'list' ? 'residences_view' : 'export',
			emergencyId: access.basis === 'emergency' ? access.emergencyId : null,
			detail: { count: rows.length, basis: access.basis, form }
		});
		const villages: ResidenceVillage[] = [];
		for (const r of rows) {
			const last = villages[villages.length - 1];
			if (last && last.code === r.village_code) last.homes.push(r);
			else villages.push({ code: r.village_code, name: r.village_name, homes: [r] });
		}
		return { area: areaCode, basis: access.basis, villages };
	});
}

/**
 * Whether exact homes in `areaCode` would be shown to the principal now (the same rule as the
 * audited views above, without reading or recording anything): decides whether a page offers
 * its link to them, and whether a household visit's photos, stamped with the place they were
 * taken at, may be seen.
 */
export async function mayOpenHomes(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string,
	now = new Date()
): Promise<boolean> {
	const emergencies = needsEmergencyForResidences(who)
		? await currentEmergencies(db, jurisdictionPrefix(who.jurisdiction), now)
		: [];
	return residenceAccess(who, areaCode, now, emergencies).allowed;
}
