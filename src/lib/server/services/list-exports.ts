// The campaign lists as files — the campaigns of the viewer's area, one campaign's targets and
// its hazards — read through the same scoped services as the pages (a campaign outside the
// viewer's reach is "not found", and its targets and hazards are cut to the viewer's area as
// on screen), each export audited with its format, file and row count.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import type { RequestMeta } from './auth';
import { actorOf, appendAudit } from '../repositories/audit';
import { campaignPage, campaignsFor } from './campaigns';
import { hazardsPage } from './escalation';
import { campaignItemLabels } from './checklists';
import { findUnit } from './areas';
import {
	campaignsTable,
	hazardListTable,
	hazardsTable,
	targetsTable,
	type ExportFormat,
	type PlacedTable
} from '../exports-lists';
import { translator, type Locale } from '$lib/i18n';
import { labelKey } from '$lib/domain/checklist';
import { NotFoundError } from '../errors';

export type CampaignList = 'campaigns' | 'targets' | 'hazards';

export interface ListExport {
	table: PlacedTable;
	area: { code: string; name: string };
	what: { name: string; ascii: string };
}

export async function campaignListFor(
	db: Kysely<DB>,
	who: Principal,
	list: CampaignList,
	campaignId: number | undefined,
	locale: Locale
): Promise<ListExport> {
	const t = translator(locale);
	if (list === 'campaigns' || campaignId === undefined) {
		const rows = await campaignsFor(db, who);
		const unit = await findUnit(db, who.jurisdiction);
		return {
			table: campaignsTable(rows, locale),
			area: { code: who.jurisdiction, name: unit?.name ?? who.jurisdiction },
			what: { name: t('cp.title'), ascii: 'campaigns' }
		};
	}
	const p = await campaignPage(db, who, campaignId);
	const area = { code: p.campaign.area_code, name: p.campaign.area_name };
	if (list === 'targets')
		return {
			table: targetsTable(p.targets, locale),
			area,
			what: { name: `${p.campaign.name}-${t('cp.targets')}`, ascii: `targets-${campaignId}` }
		};
	const places = new Map(
		p.targets.map((x) => [
			x.id,
			{ lon: x.lon, lat: x.lat, checklist: x.checklist, area: x.area_name }
		])
	);
	// the campaign's own words for its items (an added item has no other)
	const words = await campaignItemLabels(db, [campaignId]);
	const labelOf = (checklist: string, item: string) => words[labelKey(campaignId, checklist, item)];
	return {
		table: hazardsTable(p.hazards, places, locale, labelOf),
		area,
		what: { name: `${p.campaign.name}-${t('hz.list')}`, ascii: `hazards-${campaignId}` }
	};
}

/** The lists of /hazards: the viewer's open hazards, or those escalated to the viewer's unit. */
export type HazardList = 'open' | 'escalated';

/**
 * A list of /hazards as the page reads it (hazardsPage: the same scope, order, 500-row cut and
 * ?supervised=1 filter, the escalations brought up to date first), with the campaigns' own
 * words for their items. The escalated list is a county's or prefecture's only, as on screen:
 * anyone else's is "not found". The file is named for the viewer's area.
 */
export async function hazardListFor(
	db: Kysely<DB>,
	who: Principal,
	list: HazardList,
	supervisedOnly: boolean,
	locale: Locale
): Promise<ListExport & { resource: string }> {
	const t = translator(locale);
	// every row: the page shows the first 500, and says the file has them all
	const p = await hazardsPage(db, who, { supervisedOnly, limit: null });
	if (list === 'escalated' && !p.supervisorLevel) throw new NotFoundError('hazards.escalated');
	const rows = list === 'open' ? p.hazards : p.toMe;
	const words = await campaignItemLabels(
		db,
		rows.map((h) => h.campaign_id)
	);
	const unit = await findUnit(db, who.jurisdiction);
	const what =
		list === 'escalated'
			? {
					name: t(p.supervisorLevel === 'prefecture' ? 'esc.toMe.prefecture' : 'esc.toMe.county'),
					ascii: 'hazards-escalated'
				}
			: supervisedOnly
				? { name: t('lists.hazardsSupervised'), ascii: 'hazards-supervised' }
				: { name: t('lists.hazardsOpen'), ascii: 'hazards-open' };
	return {
		table: hazardListTable(
			rows,
			locale,
			(c, checklist, item) => words[labelKey(c, checklist, item)]
		),
		area: { code: who.jurisdiction, name: unit?.name ?? who.jurisdiction },
		what,
		resource:
			list === 'escalated'
				? 'hazards.escalated'
				: supervisedOnly
					? 'hazards.supervised'
					: 'hazards.open'
	};
}

/** Every export is in the audit log: which list, which format, the file and how many rows. */
export async function auditListExport(
	db: Kysely<DB>,
	who: Principal,
	resource: string,
	format: ExportFormat,
	areaCode: string,
	detail: { file: string; rows: number },
	meta: RequestMeta
): Promise<void> {
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `${resource}.${format}`,
		jurisdictionCode: areaCode,
		detail,
		...meta
	});
}
