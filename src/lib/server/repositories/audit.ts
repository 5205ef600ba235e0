// The append-only audit log. Only inserts and scoped reads exist here; the database itself
// refuses updates and deletes (trigger in migration 0002).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

/**
 * Every action the services write (see appendAudit calls): the audit page offers these as its
 * filter and labels each; a unit test holds the list to the code.
 */
export const AUDIT_ACTIONS = [
	'login',
	'login_password_ok',
	'login_failed',
	'account_locked',
	'logout',
	'logout_everywhere',
	'password_changed',
	'password_change_failed',
	'totp_enabled',
	'totp_replaced',
	'totp_replace_failed',
	'user_created',
	'user_updated',
	'segments_assigned',
	'emergency_declared',
	'emergency_ended',
	'residences_view',
	'residences_denied',
	'equipment_check',
	'export',
	'rule_radius_changed',
	'rule_recomputed',
	'campaign_created',
	'target_assigned',
	'target_check',
	'hazard_step',
	'hazard_escalated',
	'field_target_added',
	'import',
	'checklist_edited'
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it, as every entry records it: the signed-in user's id, name and role. */
export function actorOf(p: { userId: number; username: string; role: string }) {
	return { userId: p.userId, username: p.username, role: p.role };
}

export interface AuditEntry {
	userId?: number | null;
	username?: string | null;
	role?: string | null;
	action: AuditAction;
	resource?: string | null;
	jurisdictionCode?: string | null;
	purpose?: string | null;
	emergencyId?: number | null;
	ip?: string | null;
	userAgent?: string | null;
	detail?: Record<string, unknown>;
}

export async function appendAudit(db: Kysely<DB>, e: AuditEntry): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			user_id: e.userId ?? null,
			username: e.username ?? null,
			role: e.role ?? null,
			action: e.action,
			resource: e.resource ?? null,
			jurisdiction_code: e.jurisdictionCode ?? null,
			purpose: e.purpose ?? null,
			emergency_id: e.emergencyId ?? null,
			ip: e.ip ?? null,
			user_agent: e.userAgent?.slice(0, 300) ?? null,
			detail: JSON.stringify(e.detail ?? {})
		})
		.execute();
}

export interface AuditQuery {
	prefix: string;
	/** part of the username, any case: "emerg" finds emergency and emergency.staff */
	username?: string;
	action?: string;
	from?: Date;
	to?: Date;
	limit?: number;
	beforeId?: number;
}

export interface AuditRow {
	id: number;
	at: Date;
	username: string | null;
	role: string | null;
	action: string;
	resource: string | null;
	jurisdiction_code: string | null;
	purpose: string | null;
	emergency_id: number | null;
	ip: string | null;
	detail: Record<string, unknown>;
}

/**
 * A LIKE pattern matching names that contain `part` (lower-cased) as typed: its own % and _
 * are not wildcards, and a backslash is the escape character (ESCAPE '\').
 */
export function containsPattern(part: string): string {
	return `%${part.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Entries concerning the jurisdiction (by the record's code, or by the acting user's). */
export async function searchAudit(db: Kysely<DB>, q: AuditQuery): Promise<AuditRow[]> {
	const name = q.username ? containsPattern(q.username) : null;
	const r = await sql<AuditRow>`
		SELECT a.id, a.at, a.username, a.role, a.action, a.resource, a.jurisdiction_code, a.purpose,
			a.emergency_id, a.ip, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE (a.jurisdiction_code LIKE ${underPrefix(q.prefix)} OR u.jurisdiction_code LIKE ${underPrefix(q.prefix)})
			AND (${name}::text IS NULL OR lower(a.username) LIKE ${name} ESCAPE '\\')
			AND (${q.action ?? null}::text IS NULL OR a.action = ${q.action ?? null})
			AND (${q.from ?? null}::timestamptz IS NULL OR a.at >= ${q.from ?? null})
			AND (${q.to ?? null}::timestamptz IS NULL OR a.at < ${q.to ?? null})
			AND (${q.beforeId ?? null}::bigint IS NULL OR a.id < ${q.beforeId ?? null})
		ORDER BY a.id DESC
		LIMIT ${Math.min(q.limit ?? 100, 500)}`.execute(db);
	return r.rows;
}
