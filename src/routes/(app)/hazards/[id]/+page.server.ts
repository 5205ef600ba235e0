// One hazard through 排查 → 登记 → 整改 → 销号: its state, its log, and the one step the viewer may
// take now. The shape of each form is checked by http/hazard-step-form (a 400 naming the field),
// as for a step the phone's outbox sends later; whether the step is allowed (state, deadline,
// after photo, a second person) is the state machine's answer.
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { hazardPage, stepHazard } from '$lib/server/services/campaigns';
import { supervisionOf } from '$lib/server/services/escalation';
import { campaignItemLabels } from '$lib/server/services/checklists';
import { labelKey } from '$lib/domain/checklist';
import { idText, parseOrError, readForm } from '$lib/server/validation';
import type { HazardAction } from '$lib/domain/hazard';
import { hazardStepOf } from '$lib/server/http/hazard-step-form';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const { db } = await database();
	try {
		const p = await hazardPage(db, user.principal, id);
		const h = p.hazard;
		const supervision = (await supervisionOf(db, user.principal, [h.id])).get(h.id) ?? [];
		// the target's own checklist: an older campaign's household visit keeps the home list
		const checklist = h.target_checklist;
		const words = await campaignItemLabels(db, [h.campaign_id]);
		return {
			hazard: {
				id: h.id,
				targetId: h.target_id,
				campaignId: h.campaign_id,
				targetName: h.target_name,
				targetKind: h.target_kind,
				checklist,
				item: h.item,
				// the campaign's own words for the item (an added or renamed one)
				itemLabel: words[labelKey(h.campaign_id, checklist, h.item)] ?? null,
				description: h.description,
				state: h.state,
				severity: h.severity,
				responsible: h.responsible,
				deadline: iso(h.deadline),
				foundByName: h.found_by_name,
				foundAt: iso(h.found_at)!,
				fixNote: h.fix_note,
				fixedAt: iso(h.fixed_at),
				closedAt: iso(h.closed_at),
				afterPhoto: h.after_photo,
				foundPhotos: p.foundPhotos.map((f) => f.id),
				photosWithheld: p.photoWithheld,
				overdue: h.overdue
			},
			events: p.events.map((e) => ({ ...e, at: iso(e.at)!, taken_at: iso(e.taken_at) })),
			actions: p.actions,
			noActionReason: p.noActionReason,
			nextStep: p.nextStep,
			// 挂牌督办: every level reached, lowest first
			supervision: supervision.map((e) => ({
				level: e.level,
				supervisorName: e.supervisor_name ?? e.supervisor_code,
				dueAt: iso(e.due_at)!
			}))
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};

async function take(event: RequestEvent, action: HazardAction) {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const id = parseOrError(idText, event.params.id, locale, 404);
	const b = await hazardStepOf(action, await readForm(event.request, locale), locale);
	if (!b.ok) return fail(400, { message: b.message });
	const { db } = await database();
	try {
		const r = await stepHazard(db, user.principal, id, b.step, b.photo, requestMeta(event));
		return { done: r.state };
	} catch (e) {
		const r = refusalOf(locale, e);
		if (r?.status === 400) return fail(400, { message: r.message });
		throwAsHttp(locale, e);
	}
}

export const actions: Actions = {
	register: (event) => take(event, 'register'),
	fix: (event) => take(event, 'fix'),
	close: (event) => take(event, 'close'),
	reject: (event) => take(event, 'reject')
};
