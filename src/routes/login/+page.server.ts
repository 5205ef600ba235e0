import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { login } from '$lib/server/services/auth';
import { setSessionCookie } from '$lib/server/auth/session';
import { requestMeta } from '$lib/server/http/guard';
import { readSmallForm } from '$lib/server/auth/request';
import { MAX_PASSWORD_LENGTH } from '$lib/server/auth/password';
import { MAX_LOGIN_NAME_LENGTH } from '$lib/server/auth/throttle';

// The message of the first problem: a missing field, or one longer than any account's. Neither
// says anything about accounts, so they may be told before any is looked up.
const LoginForm = v.object({
	username: v.pipe(
		v.string('login.missing'),
		v.trim(),
		v.nonEmpty('login.missing'),
		v.maxLength(MAX_LOGIN_NAME_LENGTH, 'login.tooLong')
	),
	password: v.pipe(
		v.string('login.missing'),
		v.nonEmpty('login.missing'),
		v.maxLength(MAX_PASSWORD_LENGTH, 'login.tooLong')
	)
});

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user?.secondFactorOk) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readSmallForm(event.request, event.locals.locale);
		const typed = form.get('username');
		const username = typeof typed === 'string' ? typed.trim().slice(0, MAX_LOGIN_NAME_LENGTH) : '';
		const parsed = v.safeParse(LoginForm, {
			username: form.get('username') ?? undefined,
			password: form.get('password') ?? undefined
		});
		if (!parsed.success) {
			const error =
				parsed.issues[0].message === 'login.tooLong' ? 'login.tooLong' : 'login.missing';
			return fail(400, { username, error: error as 'login.tooLong' | 'login.missing' });
		}
		const { db } = await database();
		const r = await login(db, parsed.output.username, parsed.output.password, requestMeta(event));
		// one answer and one status for every failure: unknown, wrong, locked or deactivated
		if (!r.ok) return fail(400, { username, error: 'login.invalid' as const });
		setSessionCookie(event.cookies, r.token, event.url);
		redirect(
			303,
			r.needs === 'totp' ? '/login/totp' : r.needs === 'totp_setup' ? '/account/totp' : '/'
		);
	}
};
