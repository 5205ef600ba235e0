// Roles, and which administrative levels each may be given as its jurisdiction.
import type { AdminLevel } from '$lib/domain/admin';

export const ROLES = [
	'province_admin',
	'prefecture_admin',
	'county_admin',
	'river_chief',
	'emergency',
	'township_staff',
	'village_director',
	'planner'
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
	return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export const ADMIN_ROLES = ['province_admin', 'prefecture_admin', 'county_admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(role: Role): role is AdminRole {
	return (ADMIN_ROLES as readonly string[]).includes(role);
}

/** The jurisdiction level each role is given. River chiefs, emergency staff and planners work at any level. */
export const ROLE_LEVELS: Record<Role, readonly AdminLevel[]> = {
	province_admin: ['province'],
	prefecture_admin: ['prefecture'],
	county_admin: ['county'],
	river_chief: ['province', 'prefecture', 'county', 'township', 'village'],
	emergency: ['province', 'prefecture', 'county', 'township'],
	township_staff: ['township'],
	village_director: ['village'],
	planner: ['province', 'prefecture', 'county', 'township']
};

/** Rank of the administrator roles: a higher rank manages lower ones. */
export const ADMIN_RANK: Record<AdminRole, number> = {
	province_admin: 3,
	prefecture_admin: 2,
	county_admin: 1
};
