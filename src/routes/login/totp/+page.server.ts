import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { verifySecondFactor } from '$lib/server/services/auth';
import { requestMeta } from '$lib/server/http/guard';
import { readSmallForm } from '$lib/server/auth/request';
import { clearSessionCookie } from '$lib/server/auth/session';

/** Six digits, spaces allowed (authenticators show "123 456"); anything else is a wrong code. */
const CodeField = v.pipe(v.string(), v.maxLength(16), v.regex(/^\s*(\d\s*){6}$/));

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user?.secondFactorOk) redirect(303, '/');
	if (locals.user && !locals.user.totpEnabled) redirect(303, '/account/totp');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		if (!user) redirect(303, '/login');
		// nothing to verify: already through, or no factor set up yet (as the page itself does)
		if (user.secondFactorOk) redirect(303, '/');
		if (!user.totpEnabled) redirect(303, '/account/totp');
		const form = await readSmallForm(event.request, event.locals.locale);
		const code = v.safeParse(CodeField, form.get('code'));
		const { db } = await database();
		// a malformed code is a wrong code: it counts like one
		const r = await verifySecondFactor(
			db,
			user,
			code.success ? code.output : '',
			requestMeta(event)
		);
		if (r === 'locked') {
			// the session waiting for this code has ended
			clearSessionCookie(event.cookies, event.url);
			return fail(429, { error: 'totp.locked' as const });
		}
		if (r !== 'ok') return fail(400, { error: 'totp.invalid' as const });
		redirect(303, '/');
	}
};
