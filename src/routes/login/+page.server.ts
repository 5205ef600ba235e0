import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { login } from '$lib/server/services/auth';
import { setSessionCookie } from '$lib/server/auth/session';
import { requestMeta } from '$lib/server/http/guard';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user?.secondFactorOk) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const username = String(form.get('username') ?? '').trim();
		const password = String(form.get('password') ?? '');
		if (!username || !password) return fail(400, { username, error: 'login.missing' as const });
		const { db } = await database();
		const r = await login(db, username, password, requestMeta(event));
		if (!r.ok) {
			const error: 'login.locked' | 'login.inactive' | 'login.invalid' =
				r.reason === 'locked'
					? 'login.locked'
					: r.reason === 'inactive'
						? 'login.inactive'
						: 'login.invalid';
			return fail(r.reason === 'locked' ? 429 : 400, {
				username,
				error,
				minutes: r.lockedMinutes ?? 0
			});
		}
		setSessionCookie(event.cookies, r.token, event.url.protocol === 'https:');
		redirect(
			303,
			r.needs === 'totp' ? '/login/totp' : r.needs === 'totp_setup' ? '/account/totp' : '/'
		);
	}
};
