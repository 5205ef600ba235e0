// Second-factor enrolment. Administrators land here after their first password sign-in; other
// users may come from their account page. The secret lives in the (HttpOnly) form round-trip
// only until it is confirmed with a valid code.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { enableTotp } from '$lib/server/services/auth';
import { newTotpSecret, otpauthUri, base32Decode } from '$lib/server/auth/totp';
import { requestMeta } from '$lib/server/http/guard';

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) redirect(303, '/login');
	if (user.totpEnabled && !user.secondFactorOk) redirect(303, '/login/totp');
	const secret = newTotpSecret();
	return { secret, uri: otpauthUri(secret, user.principal.username), enabled: user.totpEnabled };
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		if (!user) redirect(303, '/login');
		const form = await event.request.formData();
		const secret = String(form.get('secret') ?? '');
		const code = String(form.get('code') ?? '');
		let valid = /^[A-Z2-7]{32}$/.test(secret);
		if (valid) valid = base32Decode(secret).length === 20;
		const { db } = await database();
		if (!valid || !(await enableTotp(db, user, secret, code, requestMeta(event)))) {
			return fail(400, { error: 'totp.invalid' as const, secret });
		}
		redirect(303, '/');
	}
};
