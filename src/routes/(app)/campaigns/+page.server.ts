// 汛期隐患排查: the campaigns of the viewer's area; administrators launch one here. The form's
// shape is checked at the edge (a 400 that names the field); what it may cover and when is the
// service's rule.
import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { campaignsFor, createCampaign } from '$lib/server/services/campaigns';
import { childUnits, findUnit } from '$lib/server/services/areas';
import { holdsTargets, isAdmin } from '$lib/server/auth/policy';
import { adminCode, fieldsOf, parse, readForm, shanghaiDay, text } from '$lib/server/validation';
import { formText } from '$lib/server/http/form';
import { DEFAULT_RULES, RULE_DISTANCE_MAX_M, RULE_DISTANCE_MIN_M } from '$lib/domain/campaign';

const metres = v.pipe(
	v.string(),
	v.regex(/^\d{1,5}$/, 'valid.number'),
	v.transform(Number),
	v.minValue(RULE_DISTANCE_MIN_M, 'cp.err.distance'),
	v.maxValue(RULE_DISTANCE_MAX_M, 'cp.err.distance')
);
const on = v.optional(v.literal('1'));

const Create = v.object({
	name: v.pipe(text(100), v.minLength(1, 'cp.err.name')),
	area: adminCode,
	starts: shanghaiDay,
	ends: shanghaiDay,
	institutionWaterM: metres,
	villageWaterM: metres,
	institutions: on,
	segments: on,
	homes: on,
	stations: on,
	villages: on
});

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const who = user.principal;
	const { db } = await database();
	const campaigns = await campaignsFor(db, who);
	const now = new Date();
	let units: { code: string; name: string }[] = [];
	if (isAdmin(who)) {
		const unit = await findUnit(db, who.jurisdiction);
		const below = await childUnits(db, who.jurisdiction);
		units = [
			...(unit ? [{ code: unit.code, name: unit.name }] : []),
			...below.map((u) => ({ code: u.code, name: u.name }))
		];
	}
	return {
		campaigns: campaigns.map((c) => ({
			id: c.id,
			name: c.name,
			areaName: c.area_name,
			startsAt: new Date(c.starts_at).toISOString(),
			endsAt: new Date(c.ends_at).toISOString(),
			open: new Date(c.starts_at) <= now && now < new Date(c.ends_at)
		})),
		mayCreate: isAdmin(who),
		// "my targets" only for the roles given targets to visit (a planner holds none)
		holdsTargets: holdsTargets(who.role),
		units,
		defaults: { area: who.jurisdiction, ...DEFAULT_RULES }
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { user } = signedIn(event.locals);
		const locale = event.locals.locale;
		const form = await readForm(event.request, locale);
		const values = {
			name: formText(form, 'name', 100),
			area: formText(form, 'area', 40),
			starts: formText(form, 'starts', 10),
			ends: formText(form, 'ends', 10)
		};
		const input = parse(Create, fieldsOf(form), locale);
		if (!input.ok) return fail(400, { values, errors: input.errors, message: input.message });
		const f = input.value;
		const { db } = await database();
		let id: number;
		try {
			const r = await createCampaign(
				db,
				user.principal,
				{
					name: f.name,
					areaCode: f.area,
					startsAt: f.starts,
					// the last day is included: the campaign runs until the next day begins
					endsAt: new Date(f.ends.getTime() + 86400_000),
					rules: {
						institutionWaterM: f.institutionWaterM,
						villageWaterM: f.villageWaterM,
						institutions: f.institutions === '1',
						segments: f.segments === '1',
						homes: f.homes === '1',
						stations: f.stations === '1',
						villages: f.villages === '1'
					}
				},
				requestMeta(event)
			);
			id = r.id;
		} catch (e) {
			const r = refusalOf(locale, e);
			if (r?.field && r.status === 400)
				return fail(400, { values, errors: { [r.field]: r.message }, message: r.message });
			throwAsHttp(locale, e);
		}
		redirect(303, `/campaigns/${id}`);
	}
};
