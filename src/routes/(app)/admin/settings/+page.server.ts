import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { runRuleFromSettings, ruleSettings } from '$lib/server/services/admin';
import { parseForm } from '$lib/server/validation';

// a distance in metres as typed (its range is the service's rule: settings.err.radius)
const Radius = v.object({
	radius: v.pipe(
		v.string(),
		v.maxLength(20, 'settings.err.radius'),
		v.trim(),
		v.regex(/^\d{1,7}(\.\d{1,3})?$/, 'settings.err.radius'),
		v.transform(Number)
	)
});

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const { db } = await database();
	const s = await ruleSettings(db, user.principal);
	return { ...s, computedAt: s.computedAt ? new Date(s.computedAt).toISOString() : null };
};

export const actions: Actions = {
	radius: async (event) => {
		const { user } = signedIn(event.locals);
		const input = await parseForm(Radius, event.request, event.locals.locale);
		if (!input.ok) return fail(400, { errors: { radius: input.errors.radius } });
		const { db } = await database();
		const r = await runRuleFromSettings(db, user.principal, input.value.radius, requestMeta(event));
		if (!r.ok) return fail(400, { errors: r.errors });
		return { done: r.value };
	},
	recompute: async (event) => {
		const { user } = signedIn(event.locals);
		const { db } = await database();
		const r = await runRuleFromSettings(db, user.principal, null, requestMeta(event));
		if (!r.ok) return fail(400, { errors: r.errors });
		return { done: r.value };
	}
};
