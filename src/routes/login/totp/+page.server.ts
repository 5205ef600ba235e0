import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { verifySecondFactor } from '$lib/server/services/auth';
import { requestMeta } from '$lib/server/http/guard';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user?.secondFactorOk) redirect(303, '/');
	if (locals.user && !locals.user.totpEnabled) redirect(303, '/account/totp');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		if (!user) redirect(303, '/login');
		const code = String((await event.request.formData()).get('code') ?? '');
		const { db } = await database();
		if (!(await verifySecondFactor(db, user, code, requestMeta(event)))) {
			return fail(400, { error: 'totp.invalid' as const });
		}
		redirect(303, '/');
	}
};
