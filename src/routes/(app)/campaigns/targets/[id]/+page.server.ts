// One target: why it is listed, its checklist, the checks so far and its hazards. A check is
// posted with the phone's UUID, so a resubmitted form (a retry after a dropped connection) is
// stored once; each item answered "hazard" becomes a hazard record.
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { recordTargetCheck, targetPage } from '$lib/server/services/campaigns';
import { targetPhotos } from '$lib/server/services/field';
import { blankOr, idText, parse, parseOrError, readForm, text } from '$lib/server/validation';
import { ANSWERS } from '$lib/domain/campaign';
import { holdsTargets } from '$lib/server/auth/policy';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const coordinate = v.pipe(
	v.string(),
	v.regex(/^-?\d{1,3}(\.\d{1,12})?$/, 'valid.number'),
	v.transform(Number)
);
const Check = v.object({
	clientUuid: v.pipe(v.string(), v.uuid('valid.uuid')),
	recordedAt: blankOr(
		v.pipe(
			v.string(),
			v.isoTimestamp('valid.isoTime'),
			v.transform((s) => new Date(s))
		)
	),
	lon: blankOr(coordinate),
	lat: blankOr(coordinate),
	note: v.optional(text(1000)),
	checklistVersion: blankOr(
		v.pipe(v.string(), v.regex(/^\d{1,7}$/, 'ckl.err.version'), v.transform(Number))
	),
	answers: v.pipe(
		v.array(
			v.object({
				item: v.pipe(v.string(), v.regex(/^[a-z_]{1,40}$/, 'cp.err.item')),
				answer: v.picklist(ANSWERS, 'cp.err.missing'),
				note: v.optional(text(500))
			})
		),
		v.maxLength(50)
	)
});

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const { db } = await database();
	try {
		const p = await targetPage(db, user.principal, id);
		const photos = await targetPhotos(db, user.principal, id);
		const tg = p.target;
		return {
			target: {
				id: tg.id,
				kind: tg.kind,
				name: tg.name,
				areaName: tg.area_name,
				checklist: tg.checklist,
				reason: tg.reason,
				flagged: tg.flagged,
				nearestWater: tg.nearest_water,
				nearestWaterM: tg.nearest_water_m,
				assigneeName: tg.assignee_name
			},
			campaign: p.campaign,
			homesLink: p.homesLink,
			items: p.items,
			checklist: p.checklist,
			checks: p.checks.map((c) => ({ ...c, recorded_at: iso(c.recorded_at)! })),
			hazards: p.hazards.map((h) => ({
				id: h.id,
				item: h.item,
				state: h.state,
				description: h.description,
				overdue: h.overdue
			})),
			mayCheck: p.mayCheck && p.campaign.open,
			// every signed-in role may open a target, but only those who hold targets have a
			// "my targets" list to go back to; the others came from the campaign's page
			backToMine: holdsTargets(user.principal.role),
			// the photos of its checks, stamped on the phone; whole, or still on their way
			photos: photos.map((x) => ({
				id: x.id,
				checkId: x.check_id,
				complete: x.complete,
				stamp: x.stamp
			}))
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};

export const actions: Actions = {
	check: async (event) => {
		const { user } = signedIn(event.locals);
		const locale = event.locals.locale;
		const id = parseOrError(idText, event.params.id, locale, 404);
		const form = await readForm(event.request, locale);
		// answers come as answer:<item> and note:<item>, one pair per checklist item
		const answers: { item: string; answer: unknown; note?: unknown }[] = [];
		for (const [name, value] of form.entries()) {
			if (!name.startsWith('answer:')) continue;
			const item = name.slice('answer:'.length);
			const note = form.get(`note:${item}`);
			answers.push({ item, answer: value, note: note === null ? undefined : note });
		}
		const one = (n: string) => {
			const all = form.getAll(n);
			return all.length === 1 ? all[0] : all.length ? all : undefined;
		};
		const input = parse(
			Check,
			{
				clientUuid: one('clientUuid'),
				recordedAt: one('recordedAt'),
				lon: one('lon'),
				lat: one('lat'),
				note: one('note'),
				checklistVersion: one('checklistVersion'),
				answers
			},
			locale
		);
		if (!input.ok) return fail(400, { message: input.message });
		const c = input.value;
		const { db } = await database();
		try {
			const r = await recordTargetCheck(
				db,
				user.principal,
				{
					clientUuid: c.clientUuid,
					targetId: id,
					recordedAt: c.recordedAt ?? new Date(),
					lon: c.lon ?? null,
					lat: c.lat ?? null,
					note: c.note ?? null,
					checklistVersion: c.checklistVersion ?? null,
					answers: c.answers
				},
				requestMeta(event)
			);
			return { saved: { id: r.id, hazards: r.hazards.length } };
		} catch (e) {
			const r = refusalOf(locale, e);
			if (r?.status === 400 || r?.status === 409) return fail(r.status, { message: r.message });
			throwAsHttp(locale, e);
		}
	}
};
