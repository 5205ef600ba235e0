// One campaign: progress, targets (with why each is listed and who holds it) and hazards, all
// within the viewer's jurisdiction; administrators reassign targets here.
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { campaignPage, reassignTarget } from '$lib/server/services/campaigns';
import { campaignItemLabels } from '$lib/server/services/checklists';
import { labelKey } from '$lib/domain/checklist';
import { supervisionOf } from '$lib/server/services/escalation';
import { jurisdictionPrefix } from '$lib/domain/admin';
import {
	blankOr,
	fieldsOf,
	idText,
	parse,
	parseOrError,
	parseQuery,
	readForm
} from '$lib/server/validation';

const Reassign = v.object({ target: idText, assignee: idText });
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Targets shown per page: a county's campaign lists a thousand and more. */
const PAGE_SIZE = 100;
const Query = v.object({ page: blankOr(idText) });

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const q = parseQuery(Query, url, locals.locale);
	const pageNo = q.page ?? 1;
	const { db } = await database();
	try {
		const p = await campaignPage(db, user.principal, id);
		const supervision = await supervisionOf(
			db,
			user.principal,
			p.hazards.map((h) => h.id)
		);
		const words = await campaignItemLabels(db, [p.campaign.id]);
		return {
			campaign: {
				id: p.campaign.id,
				name: p.campaign.name,
				areaName: p.campaign.area_name,
				startsAt: iso(p.campaign.starts_at)!,
				endsAt: iso(p.campaign.ends_at)!,
				open: p.campaign.open
			},
			progress: p.progress,
			paging: {
				page: pageNo,
				pages: Math.max(1, Math.ceil(p.targets.length / PAGE_SIZE)),
				total: p.targets.length
			},
			targets: p.targets.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE).map((t) => ({
				id: t.id,
				kind: t.kind,
				name: t.name,
				areaName: t.area_name,
				sourceId: t.source_id,
				areaCode: t.area_code,
				reason: t.reason,
				flagged: t.flagged,
				assigneeId: t.assignee_id,
				assigneeName: t.assignee_name,
				checks: t.checks,
				lastCheckAt: iso(t.last_check_at),
				openHazards: t.open_hazards
			})),
			hazards: p.hazards.map((h) => ({
				id: h.id,
				targetName: h.target_name,
				item: h.item,
				// the target's own checklist: an older campaign's household visit keeps the home list
				checklist: h.target_checklist,
				// the campaign's own words for the item (an added or renamed one)
				label: words[labelKey(p.campaign.id, h.target_checklist, h.item)] ?? null,
				state: h.state,
				severity: h.severity,
				responsible: h.responsible,
				deadline: iso(h.deadline),
				overdue: h.overdue,
				// 挂牌督办: the highest level reached (0: none)
				level: supervision.get(h.id)?.at(-1)?.level ?? 0
			})),
			manage: p.manage,
			assignees: p.assignees.map((a) => ({
				id: a.id,
				name: a.display_name,
				role: a.role,
				// the same rule as the server's (mayHoldTarget): whose area holds the target
				prefix: jurisdictionPrefix(a.jurisdiction_code)
			}))
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};

export const actions: Actions = {
	reassign: async (event) => {
		const { user } = signedIn(event.locals);
		const locale = event.locals.locale;
		const form = await readForm(event.request, locale);
		const input = parse(Reassign, fieldsOf(form), locale);
		if (!input.ok) return fail(400, { message: input.message });
		const { db } = await database();
		try {
			await reassignTarget(
				db,
				user.principal,
				input.value.target,
				input.value.assignee,
				requestMeta(event)
			);
			return { reassigned: input.value.target };
		} catch (e) {
			const r = refusalOf(locale, e);
			if (r?.status === 400) return fail(400, { message: r.message });
			throwAsHttp(locale, e);
		}
	}
};
