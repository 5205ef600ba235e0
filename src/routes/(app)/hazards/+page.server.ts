// The hazard list with 挂牌督办: the viewer's open hazards, supervised first, and (for a county or
// prefecture user) the hazards escalated to their own unit. Reading it brings the escalations of
// the viewer's area up to date (services/escalation.ts); the service scopes every row.
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import {
	HAZARD_LIST_LIMIT,
	hazardsPage,
	type HazardListItem
} from '$lib/server/services/escalation';
import { campaignItemLabels } from '$lib/server/services/checklists';
import { blankOr, parseQuery } from '$lib/server/validation';
import { labelKey } from '$lib/domain/checklist';

const Query = v.object({ supervised: blankOr(v.picklist(['1'])) });
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function row(h: HazardListItem, words: Readonly<Record<string, string>>) {
	// the target's own checklist: an older campaign's household visit keeps the home list
	const checklist = h.target_checklist;
	return {
		id: h.id,
		campaignId: h.campaign_id,
		campaignName: h.campaign_name,
		targetId: h.target_id,
		targetName: h.target_name,
		areaName: h.area_name,
		checklist,
		item: h.item,
		// the campaign's own words for the item (an added or renamed one)
		label: words[labelKey(h.campaign_id, checklist, h.item)] ?? null,
		state: h.state,
		severity: h.severity,
		responsible: h.responsible,
		deadline: iso(h.deadline),
		overdue: h.overdue,
		level: h.level
	};
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user } = signedIn(locals);
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	try {
		const p = await hazardsPage(db, user.principal, { supervisedOnly: q.supervised === '1' });
		const words = await campaignItemLabels(
			db,
			[...p.hazards, ...p.toMe].map((h) => h.campaign_id)
		);
		return {
			supervisedOnly: q.supervised === '1',
			hazards: p.hazards.map((h) => row(h, words)),
			toMe: p.toMe.map((h) => row(h, words)),
			supervisorLevel: p.supervisorLevel,
			limited: p.limited,
			toMeLimited: p.toMeLimited,
			listLimit: HAZARD_LIST_LIMIT
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
