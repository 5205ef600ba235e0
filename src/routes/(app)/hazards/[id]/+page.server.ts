// One hazard through 排查 → 登记 → 整改 → 销号: its state, its log, and the one step the viewer may
// take now. The shape of each form is checked here (a 400 naming the field); whether the step is
// allowed (state, deadline, after photo, a second person) is the state machine's answer.
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { hazardPage, stepHazard } from '$lib/server/services/campaigns';
import { supervisionOf } from '$lib/server/services/escalation';
import { campaignItemLabels } from '$lib/server/services/checklists';
import { labelKey } from '$lib/domain/checklist';
import { CHECKLIST_OF, type TargetKind } from '$lib/domain/campaign';
import {
	fieldsOf,
	idText,
	parse,
	parseOrError,
	readForm,
	shanghaiDay,
	text
} from '$lib/server/validation';
import {
	HAZARD_SEVERITIES,
	HAZARD_STATES,
	type HazardState,
	type HazardStep
} from '$lib/domain/hazard';
import { MAX_UPLOAD_BYTES } from '$lib/server/photos';
import { translator } from '$lib/i18n';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

// every step names the state the user saw: a step taken on a hazard that has moved on since
// (someone else acted first) is refused, and an empty form is a 400 before anything is looked up
const expected = v.picklist(HAZARD_STATES);
const Register = v.object({
	expected,
	severity: v.picklist(HAZARD_SEVERITIES),
	responsible: v.pipe(text(100), v.trim(), v.minLength(1, 'hazard.err.responsible')),
	deadline: shanghaiDay
});
const Note = v.object({ expected, note: v.optional(text(1000)) });

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const { db } = await database();
	try {
		const p = await hazardPage(db, user.principal, id);
		const h = p.hazard;
		const supervision = (await supervisionOf(db, user.principal, [h.id])).get(h.id) ?? [];
		const checklist = CHECKLIST_OF[h.target_kind as TargetKind];
		const words = await campaignItemLabels(db, [h.campaign_id]);
		return {
			hazard: {
				id: h.id,
				targetId: h.target_id,
				campaignId: h.campaign_id,
				targetName: h.target_name,
				targetKind: h.target_kind,
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
			events: p.events.map((e) => ({ ...e, at: iso(e.at)! })),
			actions: p.actions,
			noActionReason: p.noActionReason,
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

async function take(
	event: RequestEvent,
	build: (
		form: FormData
	) => Promise<
		| { ok: true; step: HazardStep & { expected: HazardState }; photo: Buffer | null }
		| { ok: false; message: string }
	>
) {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const id = parseOrError(idText, event.params.id, locale, 404);
	const form = await readForm(event.request, locale);
	const b = await build(form);
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
	register: (event) =>
		take(event, async (form) => {
			const p = parse(Register, fieldsOf(form), event.locals.locale);
			if (!p.ok) return { ok: false, message: p.message };
			// the deadline is a last day, inclusive: it ends when the next day begins
			const deadline = new Date(p.value.deadline.getTime() + 86400_000);
			return {
				ok: true,
				photo: null,
				step: { action: 'register', ...p.value, deadline }
			};
		}),
	fix: (event) =>
		take(event, async (form) => {
			const p = parse(Note, fieldsOf(form), event.locals.locale);
			if (!p.ok) return { ok: false, message: p.message };
			const f = form.get('photo');
			if (f instanceof File && f.size > MAX_UPLOAD_BYTES)
				return { ok: false, message: translator(event.locals.locale)('photo.tooLarge') };
			// an empty file input arrives as a file of no bytes: no photo
			const photo = f instanceof File && f.size > 0 ? Buffer.from(await f.arrayBuffer()) : null;
			return {
				ok: true,
				photo,
				step: {
					action: 'fix',
					expected: p.value.expected,
					note: p.value.note ?? '',
					afterPhoto: photo !== null
				}
			};
		}),
	close: (event) =>
		take(event, async (form) => {
			const p = parse(Note, fieldsOf(form), event.locals.locale);
			if (!p.ok) return { ok: false, message: p.message };
			return {
				ok: true,
				photo: null,
				step: { action: 'close', expected: p.value.expected, note: p.value.note ?? '' }
			};
		}),
	reject: (event) =>
		take(event, async (form) => {
			const p = parse(Note, fieldsOf(form), event.locals.locale);
			if (!p.ok) return { ok: false, message: p.message };
			return {
				ok: true,
				photo: null,
				step: { action: 'reject', expected: p.value.expected, note: p.value.note ?? '' }
			};
		})
};
