// Settings (key → JSON value): the segment rule's distance and its last run.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** When the segment rule last ran (ISO text), or null. */
export async function ruleLastRunAt(db: Kysely<DB>): Promise<string | null> {
	const last = await sql<{
		at: string | null;
	}>`SELECT value->>'at' AS at FROM settings WHERE key = 'segment_rule_last_run'`.execute(db);
	return last.rows[0]?.at ?? null;
}

/** Set the segment rule's distance (metres), by a user. */
export async function setRuleRadius(
	db: Kysely<DB>,
	radiusM: number,
	userId: number
): Promise<void> {
	await sql`
		INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('segment_rule_radius_m', ${JSON.stringify(radiusM)}::jsonb, now(), ${userId})
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`.execute(
		db
	);
}
