// The hazard list with 挂牌督办: the viewer's open hazards, supervised first, and (for a county or
// prefecture user) the hazards escalated to their own unit. Reading it brings the escalations of
// the viewer's area up to date (services/escalation.ts); the service scopes every row.
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import { hazardsPage, type HazardListItem } from '$lib/server/services/escalation';
import { blankOr, parseQuery } from '$lib/server/validation';
import { CHECKLIST_OF, type TargetKind } from '$lib/domain/campaign';

const Query = v.object({ supervised: blankOr(v.picklist(['1'])) });
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function row(h: HazardListItem) {
	return {
		id: h.id,
		campaignId: h.campaign_id,
		campaignName: h.campaign_name,
		targetId: h.target_id,
		targetName: h.target_name,
		areaName: h.area_name,
		checklist: CHECKLIST_OF[h.target_kind as TargetKind],
		item: h.item,
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
		return {
			supervisedOnly: q.supervised === '1',
			hazards: p.hazards.map(row),
			toMe: p.toMe.map(row),
			supervisorLevel: p.supervisorLevel,
			limited: p.limited
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
