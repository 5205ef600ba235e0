// The single policy module: for (role, jurisdiction, resource) it decides what may be read or
// written. Services call it; routes never decide on their own. Pure functions, no IO, so the
// rules can be read and tested in one place.
import { ADMIN_LEVELS, jurisdictionPrefix, levelOfCode, townshipPrefix } from '$lib/domain/admin';
import { ADMIN_RANK, ROLES, ROLE_LEVELS, isAdminRole, type Role } from './roles';

export interface Principal {
	userId: number;
	username: string;
	role: Role;
	/** 12-digit administrative code */
	jurisdiction: string;
}

export interface EmergencyWindow {
	id: number;
	areaCode: string;
	startsAt: Date;
	endsAt: Date;
}

export function prefixOf(p: Principal): string {
	return jurisdictionPrefix(p.jurisdiction);
}

/** Whether an administrative code (or anything carrying it) lies inside the principal's jurisdiction. */
export function inJurisdiction(p: Principal, code: string): boolean {
	return code.startsWith(prefixOf(p));
}

export function isAdmin(p: Principal): boolean {
	return isAdminRole(p.role);
}

/** Everyone signed in may see the map of their own jurisdiction (aggregates, sites, waterways). */
export function canViewArea(p: Principal, code: string): boolean {
	return inJurisdiction(p, code);
}

/** Roles whose work needs exact residences, within their jurisdiction. */
const EXACT_RESIDENCE_ROLES: readonly Role[] = [
	'province_admin',
	'prefecture_admin',
	'county_admin',
	'township_staff',
	'village_director'
];

export type ResidenceAccess =
	| { allowed: true; basis: 'duty' }
	| { allowed: true; basis: 'emergency'; emergencyId: number }
	| { allowed: false; reason: ResidenceRefusal };

/**
 * Why exact homes were refused, for a message that says what to do: the area is not theirs,
 * the role never sees homes (counts only), or emergency staff outside a declared emergency
 * (a county administrator declares one).
 */
export type ResidenceRefusal = 'outside' | 'role' | 'no_emergency';

/**
 * May the principal see exact residence points in `areaCode` (a village or larger unit)?
 * Village child directors: their village; township staff: their township; administrators:
 * their jurisdiction. Emergency staff only inside an active declared emergency that covers
 * the area and lies in their jurisdiction. Everyone else: never (counts only).
 */
export function residenceAccess(
	p: Principal,
	areaCode: string,
	now: Date,
	emergencies: readonly EmergencyWindow[] = []
): ResidenceAccess {
	if (!inJurisdiction(p, areaCode)) return { allowed: false, reason: 'outside' };
	if (EXACT_RESIDENCE_ROLES.includes(p.role)) return { allowed: true, basis: 'duty' };
	if (p.role === 'emergency') {
		// the area is already inside the principal's jurisdiction; it must also lie inside the
		// declared area, during the declared window
		const e = activeEmergencyFor(p, areaCode, now, emergencies);
		if (e) return { allowed: true, basis: 'emergency', emergencyId: e.id };
		return { allowed: false, reason: 'no_emergency' };
	}
	return { allowed: false, reason: 'role' };
}

/**
 * The emergency in force now that covers an area (a segment's or a village's code), for
 * emergency staff only: what lets them record a rescue's use of an item or see homes there.
 */
export function activeEmergencyFor(
	p: Principal,
	areaCode: string,
	now: Date,
	emergencies: readonly EmergencyWindow[]
): EmergencyWindow | null {
	if (p.role !== 'emergency' || !inJurisdiction(p, areaCode)) return null;
	return (
		emergencies.find(
			(w) =>
				w.startsAt <= now && now < w.endsAt && areaCode.startsWith(jurisdictionPrefix(w.areaCode))
		) ?? null
	);
}

/** Whether the role could ever see exact residences (drives what the UI offers). */
/**
 * Whether a role may be told how far the nearest child's home lies from a segment. A distance
 * of a few metres from a pond pins that home down, so it is for the roles whose duty is the
 * homes themselves; the others are told only that a child lives within the rule's distance.
 */
export function seesHomeDistances(role: Role): boolean {
	return EXACT_RESIDENCE_ROLES.includes(role);
}

export function mayEverSeeResidences(role: Role): boolean {
	return EXACT_RESIDENCE_ROLES.includes(role) || role === 'emergency';
}

export function canViewAudit(p: Principal): boolean {
	return isAdmin(p);
}

export function canDeclareEmergency(p: Principal, areaCode: string): boolean {
	return isAdmin(p) && inJurisdiction(p, areaCode);
}

/**
 * Administrators manage users inside their jurisdiction, with a role at or below their own
 * administrative rank, and never themselves into a higher jurisdiction.
 */
/** Whether a role can be placed at the level of this area (a village child director at a village…). */
export function roleFitsLevel(role: Role, jurisdiction: string): boolean {
	return (ROLE_LEVELS[role] as readonly string[]).includes(levelOfCode(jurisdiction));
}

export function canManageUser(
	admin: Principal,
	target: { role: Role; jurisdiction: string }
): boolean {
	if (!isAdminRole(admin.role)) return false;
	if (!inJurisdiction(admin, target.jurisdiction)) return false;
	if (!roleFitsLevel(target.role, target.jurisdiction)) return false;
	if (isAdminRole(target.role) && ADMIN_RANK[target.role] > ADMIN_RANK[admin.role]) return false;
	return true;
}

export function canAssignSegments(p: Principal): boolean {
	return isAdmin(p);
}

/** Whether a user of this role can hold segments (only river chiefs are given segments). */
export function holdsSegments(role: string): boolean {
	return role === 'river_chief';
}

/** Whether residence access for the principal depends on declared emergencies. */
export function needsEmergencyForResidences(p: Principal): boolean {
	return p.role === 'emergency';
}

/**
 * Siting new children's homes (/planning): planners and administrators, for their own
 * jurisdiction. Everything it shows is a sum of released grid cells (services/planning.ts).
 */
export function canPlanSites(p: Principal): boolean {
	return p.role === 'planner' || isAdmin(p);
}

/** Administrators see the segment rule's settings and recompute it for their area. */
export function canRunSegmentRule(p: Principal): boolean {
	return isAdmin(p);
}

/** The rule's distance applies to the whole province: only a province administrator sets it. */
export function canChangeRuleRadius(p: Principal): boolean {
	return p.role === 'province_admin';
}

/** Administrators must use a second factor; a sign-in without one set up is sent to set it up. */
export function mustUseSecondFactor(role: Role): boolean {
	return isAdminRole(role);
}

/** Recording field checks (equipment, hazards) in the area. */
export function canRecordChecks(p: Principal, code: string): boolean {
	if (
		![
			'township_staff',
			'village_director',
			'river_chief',
			'province_admin',
			'prefecture_admin',
			'county_admin'
		].includes(p.role)
	)
		return false;
	// waterways are registered to townships: a village child director checks those of the
	// village's township, the same segments the list shows them
	if (p.role === 'village_director')
		return code.startsWith(townshipPrefix(jurisdictionPrefix(p.jurisdiction)));
	return inJurisdiction(p, code);
}

/** Roles an administrator could give to someone at or below their own level (for the forms). */
export function assignableRoles(admin: Principal): Role[] {
	if (!isAdminRole(admin.role)) return [];
	const rank = ADMIN_RANK[admin.role];
	const level = ADMIN_LEVELS.indexOf(levelOfCode(admin.jurisdiction));
	return ROLES.filter(
		(r) =>
			(!isAdminRole(r) || ADMIN_RANK[r] <= rank) &&
			ROLE_LEVELS[r].some((l) => ADMIN_LEVELS.indexOf(l) >= level)
	);
}

/**
 * Which segments "next segment" offers after a check: a river chief's own first (the ones
 * they answer for), anyone else those of their area.
 */
export function nextSegmentsOwnFirst(p: Principal): boolean {
	return p.role === 'river_chief';
}

// ---- flood-season hazard campaigns ----

/** Administrators launch campaigns over their jurisdiction or part of it, and assign targets. */
export function canManageCampaigns(p: Principal, areaCode: string): boolean {
	return isAdmin(p) && inJurisdiction(p, areaCode);
}

/**
 * Whether a campaign target or hazard is within the viewer's reach on the ground of its kind: a
 * household visit (kind 'village': a village's homes, its notes about a family) is a village
 * child director's only in their own village. Directors reach the whole township for waterways
 * (registered to townships) and so for the township's other targets, but not into the
 * neighbouring villages' homes; they may hold only their own village's visits anyway.
 */
export function reachesTargetKind(p: Principal, kind: string, areaCode: string): boolean {
	return kind !== 'village' || p.role !== 'village_director' || inJurisdiction(p, areaCode);
}

/** Roles whose staff are given campaign targets to visit. */
export function holdsTargets(role: Role): boolean {
	return role === 'township_staff' || role === 'village_director';
}

/**
 * Who may be given a target: township staff anywhere in their township, a child director only
 * inside their own village (a school or a field find registered to the township is not theirs).
 */
export function mayHoldTarget(
	holder: { role: Role; jurisdiction: string },
	areaCode: string
): boolean {
	return holdsTargets(holder.role) && areaCode.startsWith(jurisdictionPrefix(holder.jurisdiction));
}

/** Registering a hazard (severity, responsible person, deadline) is the administration's. */
export function canRegisterHazard(p: Principal, areaCode: string): boolean {
	return isAdmin(p) && inJurisdiction(p, areaCode);
}

/** Whoever may check the target may record its fix. */
export function canFixHazard(p: Principal, areaCode: string): boolean {
	return canRecordChecks(p, areaCode);
}

/**
 * Verifying a fix and closing the hazard (销号): administrators and township staff of the area.
 * The state machine (domain/hazard.ts) adds that the verifier is not the fixer.
 */
export function canVerifyHazard(p: Principal, areaCode: string): boolean {
	return (isAdmin(p) || p.role === 'township_staff') && inJurisdiction(p, areaCode);
}

/** Imports write into the importer's own jurisdiction: administrators only. */
export function canImport(p: Principal): boolean {
	return isAdmin(p);
}

/**
 * The public sites (children's homes, Sunshine Stations, institutions) as files: whoever sees
 * them on the map, and the map shows them to every role of its own area (canViewArea; the
 * sites tile is scoped, never role-cut). They are places, not children: nothing in them says
 * where a child lives.
 */
export function canExportSites(p: Principal): boolean {
	return canViewArea(p, p.jurisdiction);
}
