import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { recomputeRule, ruleSettings } from '$lib/server/services/admin';

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const { db } = await database();
	const s = await ruleSettings(db, user.principal);
	return { ...s, computedAt: s.computedAt ? new Date(s.computedAt).toISOString() : null };
};

export const actions: Actions = {
	radius: async (event) => {
		const { user } = signedIn(event.locals);
		const raw = String((await event.request.formData()).get('radius') ?? '').trim();
		const { db } = await database();
		const r = await recomputeRule(
			db,
			user.principal,
			raw === '' ? NaN : Number(raw),
			requestMeta(event)
		);
		if (!r.ok) return fail(400, { errors: r.errors });
		return { done: r.value };
	},
	recompute: async (event) => {
		const { user } = signedIn(event.locals);
		const { db } = await database();
		const r = await recomputeRule(db, user.principal, null, requestMeta(event));
		if (!r.ok) return fail(400, { errors: r.errors });
		return { done: r.value };
	}
};
