// Checklists by target type, edited per campaign by the administrators of its area and
// versioned (domain/checklist.ts has the rules). Every campaign starts on the default set
// (version 0); each edit stores the next version whole, in one transaction with its audit entry,
// with the campaign's row held so two editors never make the same version. A check is held to
// the version it answered and keeps that version's labels when the list moves on.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canManageCampaigns, isAdmin, type Principal } from '../auth/policy';
import { CampaignRejected, Forbidden, NotFoundError } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import { checklistItems, findCampaign, type CampaignRow } from '../repositories/campaigns';
import {
	checklistItemsOfCampaigns,
	checklistVersions,
	insertChecklistVersion,
	latestVersion,
	lockCampaign,
	versionsOfChecks,
	type ChecklistVersionRow
} from '../repositories/checklists';
import { CHECKLISTS, type Checklist } from '$lib/domain/campaign';
import {
	activeItems,
	applyEdit,
	defaultItems,
	isChecklist,
	itemsFromJson,
	labelKey,
	parseEdit,
	versionAnswered,
	type ChecklistItem,
	type ChecklistVersion
} from '$lib/domain/checklist';
import { translator } from '$lib/i18n';
import type { RequestMeta } from './auth';

function reject(field: string, key: string): never {
	throw new CampaignRejected(field, key);
}

export interface StoredVersion extends ChecklistVersion {
	/** the row's id; null for version 0, the default set */
	id: number | null;
	items: ChecklistItem[];
	createdAt: Date | null;
	createdBy: string | null;
	edit: unknown;
}

function stored(r: ChecklistVersionRow): StoredVersion {
	return {
		id: r.id,
		version: r.version,
		items: itemsFromJson(r.items),
		createdAt: r.created_at,
		createdBy: r.created_by_name,
		edit: typeof r.edit === 'string' ? JSON.parse(r.edit) : r.edit
	};
}

/** Version 0 of a checklist: the default set as the database keeps it. */
async function version0(db: Kysely<DB>, checklist: Checklist): Promise<StoredVersion> {
	return {
		id: null,
		version: 0,
		items: defaultItems(checklist, await checklistItems(db, checklist)),
		createdAt: null,
		createdBy: null,
		edit: null
	};
}

/** Every version of one checklist of a campaign, oldest (the default set) first. */
export async function versionsOf(
	db: Kysely<DB>,
	campaignId: number,
	checklist: Checklist
): Promise<StoredVersion[]> {
	const [v0, rows] = await Promise.all([
		version0(db, checklist),
		checklistVersions(db, campaignId, checklist)
	]);
	return [v0, ...rows.map(stored)];
}

const labelsOf = (items: readonly ChecklistItem[]) =>
	Object.fromEntries(items.map((i) => [i.item, i.label]));

/**
 * The checklist a target is checked against now: its items in order and their labels (null:
 * the default wording), and labels of every item any version had, so a hazard found on an item
 * since retired still reads by name.
 */
export async function currentChecklist(db: Kysely<DB>, campaignId: number, checklist: string) {
	if (!isChecklist(checklist)) throw new Error(`checklist ${checklist}`);
	const versions = await versionsOf(db, campaignId, checklist);
	const current = versions[versions.length - 1];
	const everLabels: Record<string, string | null> = {};
	for (const v of versions) Object.assign(everLabels, labelsOf(v.items));
	return {
		version: current.version,
		items: activeItems(current.items),
		labels: labelsOf(current.items),
		everLabels
	};
}

/**
 * The words administrators gave the items of these campaigns' checklists, as the newest version
 * has them (an item since retired keeps its last words): `labelKey(campaign, checklist, item)`
 * → label. Every page and file that names a hazard's item reads it here, so an added or renamed
 * item reads by its name, never by its key; the default wording is not in it.
 */
export async function campaignItemLabels(
	db: Kysely<DB>,
	campaignIds: readonly number[]
): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	const rows = await checklistItemsOfCampaigns(db, [...new Set(campaignIds)]);
	for (const r of rows)
		for (const i of itemsFromJson(r.items)) {
			const key = labelKey(r.campaign_id, r.checklist, i.item);
			if (i.label) out[key] = i.label;
			else delete out[key];
		}
	return out;
}

/** The version each check of a target answered, with that version's labels. */
export async function checksWithVersions(
	db: Kysely<DB>,
	campaignId: number,
	checklist: string,
	targetId: number
): Promise<Map<number, { version: number; labels: Record<string, string | null> }>> {
	if (!isChecklist(checklist)) throw new Error(`checklist ${checklist}`);
	const [versions, refs] = await Promise.all([
		versionsOf(db, campaignId, checklist),
		versionsOfChecks(db, targetId)
	]);
	const out = new Map<number, { version: number; labels: Record<string, string | null> }>();
	for (const r of refs) {
		const v = versions.find((x) => x.id === r.version_id) ?? versions[0];
		out.set(r.check_id, { version: v.version, labels: labelsOf(v.items) });
	}
	return out;
}

/**
 * Which version of a campaign's checklist a check's answers are held to (the phone states it;
 * see versionAnswered), or the 400 that says why the answers fit none.
 */
export async function answeredVersion(
	db: Kysely<DB>,
	campaignId: number,
	checklist: string,
	stated: number | null | undefined,
	answers: readonly { item: string; answer: string }[]
): Promise<{ id: number | null; version: number }> {
	if (!isChecklist(checklist)) reject('answers', 'cp.err.item');
	const versions = await versionsOf(db, campaignId, checklist);
	const r = versionAnswered(versions, stated, answers);
	if (!r.ok) reject(r.reason === 'ckl.err.version' ? 'checklistVersion' : 'answers', r.reason);
	const v = versions.find((x) => x.version === r.version)!;
	return { id: v.id, version: v.version };
}

/** An administrator's own campaign, for the checklist editor (anyone else: refused). */
async function editableCampaign(
	db: Kysely<DB>,
	who: Principal,
	campaignId: number,
	forEdit: boolean
): Promise<CampaignRow> {
	if (!isAdmin(who)) throw new Forbidden();
	const c = await findCampaign(db, campaignId);
	if (!c) {
		if (forEdit) reject('campaign', 'ckl.err.campaign');
		throw new NotFoundError(`campaign/${campaignId}`);
	}
	if (!canManageCampaigns(who, c.area_code)) {
		if (forEdit) reject('campaign', 'ckl.err.jurisdiction');
		throw new NotFoundError(`campaign/${campaignId}`);
	}
	return c;
}

/** The checklist editor: each checklist's current items and its history of edits. */
export async function checklistsPage(db: Kysely<DB>, who: Principal, campaignId: number) {
	const c = await editableCampaign(db, who, campaignId, false);
	const lists = await Promise.all(
		CHECKLISTS.map(async (checklist) => {
			const versions = await versionsOf(db, campaignId, checklist);
			const current = versions[versions.length - 1];
			return {
				checklist,
				version: current.version,
				items: current.items,
				history: versions
					.slice(1)
					.reverse()
					.map((v) => ({
						version: v.version,
						at: v.createdAt,
						by: v.createdBy,
						edit: v.edit
					}))
			};
		})
	);
	return { campaign: { id: c.id, name: c.name, areaName: c.area_name }, lists };
}

export interface ChecklistEditInput {
	checklist: unknown;
	/** the version the administrator edited (a list changed since is not edited blind) */
	version: unknown;
	op: unknown;
	item?: unknown;
	label?: unknown;
}

/**
 * One edit of a campaign's checklist, stored as its next version; audited. Refused with a 400
 * that says why, and nothing stored, when the campaign is unknown or not the administrator's,
 * the list changed since it was opened, or the edit breaks a rule (an empty, too long or
 * duplicate label, an unknown item, the last item retired…).
 */
export async function editChecklist(
	db: Kysely<DB>,
	who: Principal,
	campaignId: number,
	input: ChecklistEditInput,
	meta: RequestMeta
): Promise<{ version: number; item: string }> {
	const c = await editableCampaign(db, who, campaignId, true);
	if (!isChecklist(input.checklist)) reject('checklist', 'ckl.err.checklist');
	const checklist = input.checklist;
	const seen = typeof input.version === 'string' ? Number(input.version) : input.version;
	if (typeof seen !== 'number' || !Number.isInteger(seen) || seen < 0)
		reject('version', 'ckl.err.stale');
	const parsed = parseEdit(input);
	if (!parsed.ok) reject(parsed.reason === 'ckl.err.op' ? 'op' : 'item', parsed.reason);
	// duplicates are judged on the words the administrators read: their own label, or the
	// default wording in Chinese
	const zh = translator('zh-CN');
	const labelOf = (i: ChecklistItem) =>
		i.label ?? zh(`cl.${checklist}.${i.item}` as 'cl.home.gas') ?? i.item;
	return db.transaction().execute(async (trx) => {
		if (!(await lockCampaign(trx, campaignId))) reject('campaign', 'ckl.err.campaign');
		const latest = await latestVersion(trx, campaignId, checklist);
		if (latest !== seen) reject('version', 'ckl.err.stale');
		const versions = await versionsOf(trx, campaignId, checklist);
		const current = versions[versions.length - 1];
		const r = applyEdit(current.items, parsed.edit, labelOf);
		if (!r.ok)
			reject(parsed.edit.op === 'add' || parsed.edit.op === 'rename' ? 'label' : 'item', r.reason);
		const version = latest + 1;
		const before = current.items.find((i) => i.item === r.item);
		const edit = {
			op: parsed.edit.op,
			item: r.item,
			...('label' in parsed.edit
				? {
						label: r.items.find((i) => i.item === r.item)!.label,
						from: before ? labelOf(before) : null
					}
				: {})
		};
		await insertChecklistVersion(trx, {
			campaignId,
			checklist,
			version,
			items: r.items,
			edit,
			createdBy: who.userId
		});
		await appendAudit(trx, {
			...actorOf(who),
			action: 'checklist_edited',
			resource: `campaign:${campaignId}`,
			jurisdictionCode: c.area_code,
			detail: { checklist, version, ...edit },
			...meta
		});
		return { version, item: r.item };
	});
}
