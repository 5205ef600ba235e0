// Switch the interface language (a cookie), then go back to the page the user was on.
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { LOCALE_COOKIE, isLocale } from '$lib/i18n';

export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const form = await request.formData();
	const lang = form.get('lang');
	const back = String(form.get('back') ?? '/');
	if (isLocale(lang)) {
		cookies.set(LOCALE_COOKIE, lang, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: url.protocol === 'https:',
			maxAge: 60 * 60 * 24 * 365
		});
	}
	// only same-site paths: never an open redirect
	redirect(303, back.startsWith('/') && !back.startsWith('//') ? back : '/');
};
