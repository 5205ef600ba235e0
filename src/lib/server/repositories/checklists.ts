// Checklist versions of a campaign (migration 0013): each edit stores the whole list as the next
// version; a check names the version it answered (target_checks.checklist_version_id, null for
// the default set).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

export interface ChecklistVersionRow {
	id: number;
	campaign_id: number;
	checklist: string;
	version: number;
	items: unknown;
	edit: unknown;
	created_at: Date;
	created_by_name: string;
}

/** Every version of a campaign's checklists (or one checklist's), oldest first. */
export async function checklistVersions(
	db: Kysely<DB>,
	campaignId: number,
	checklist?: string
): Promise<ChecklistVersionRow[]> {
	const r = await sql<ChecklistVersionRow>`
		SELECT v.id::float8 AS id, v.campaign_id::float8 AS campaign_id, v.checklist, v.version,
			v.items, v.edit, v.created_at, u.display_name AS created_by_name
		FROM checklist_versions v JOIN users u ON u.id = v.created_by
		WHERE v.campaign_id = ${campaignId}
			AND (${checklist ?? null}::text IS NULL OR v.checklist = ${checklist ?? null}::text)
		ORDER BY v.checklist, v.version`.execute(db);
	return r.rows;
}

/** The item lists of every version of these campaigns' checklists, oldest first. */
export async function checklistItemsOfCampaigns(
	db: Kysely<DB>,
	campaignIds: readonly number[]
): Promise<{ campaign_id: number; checklist: string; items: unknown }[]> {
	if (!campaignIds.length) return [];
	const r = await sql<{ campaign_id: number; checklist: string; items: unknown }>`
		SELECT campaign_id::float8 AS campaign_id, checklist, items
		FROM checklist_versions
		WHERE campaign_id = ANY(${[...campaignIds]}::bigint[])
		ORDER BY campaign_id, checklist, version`.execute(db);
	return r.rows;
}

/**
 * Hold the campaign's row for the rest of the transaction: two administrators editing at once
 * are taken one after the other, each on the version the other left.
 */
export async function lockCampaign(trx: Kysely<DB>, campaignId: number): Promise<boolean> {
	const r = await sql<{ id: number }>`
		SELECT id::float8 AS id FROM campaigns WHERE id = ${campaignId} FOR UPDATE`.execute(trx);
	return r.rows.length === 1;
}

/** The newest version number of a campaign's checklist (0: never edited, the default set). */
export async function latestVersion(
	trx: Kysely<DB>,
	campaignId: number,
	checklist: string
): Promise<number> {
	const r = await sql<{ v: number | null }>`
		SELECT max(version)::int AS v FROM checklist_versions
		WHERE campaign_id = ${campaignId} AND checklist = ${checklist}`.execute(trx);
	return r.rows[0]?.v ?? 0;
}

export async function insertChecklistVersion(
	trx: Kysely<DB>,
	v: {
		campaignId: number;
		checklist: string;
		version: number;
		items: unknown;
		edit: unknown;
		createdBy: number;
	}
): Promise<number> {
	const r = await sql<{ id: number }>`
		INSERT INTO checklist_versions (campaign_id, checklist, version, items, edit, created_by)
		VALUES (${v.campaignId}, ${v.checklist}, ${v.version}, ${JSON.stringify(v.items)}::jsonb,
			${JSON.stringify(v.edit)}::jsonb, ${v.createdBy})
		RETURNING id::float8 AS id`.execute(trx);
	return r.rows[0].id;
}

/** The version each check of a target answered (null: the default set). */
export async function versionsOfChecks(
	db: Kysely<DB>,
	targetId: number
): Promise<{ check_id: number; version_id: number | null }[]> {
	const r = await sql<{ check_id: number; version_id: number | null }>`
		SELECT id::float8 AS check_id, checklist_version_id::float8 AS version_id
		FROM target_checks WHERE target_id = ${targetId}`.execute(db);
	return r.rows;
}
