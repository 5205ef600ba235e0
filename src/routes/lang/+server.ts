// Switch the interface language (a cookie), then go back to the page the user was on.
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { LOCALES, LOCALE_COOKIE } from '$lib/i18n';
import { readSmallForm, safeReturnPath } from '$lib/server/auth/request';
import { fieldsOf, parseOrError } from '$lib/server/validation';

const LangForm = v.object({
	lang: v.picklist(LOCALES, 'lang.invalid'),
	back: v.optional(v.pipe(v.string(), v.maxLength(2048)), '/')
});

export const POST: RequestHandler = async ({ request, cookies, url, locals }) => {
	const form = await readSmallForm(request, locals.locale);
	// a 400 naming the field and why, in the user's language
	const { lang, back } = parseOrError(LangForm, fieldsOf(form), locals.locale);
	cookies.set(LOCALE_COOKIE, lang, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: 60 * 60 * 24 * 365
	});
	// only a path of this site: never an open redirect
	redirect(303, safeReturnPath(back, url.origin));
};
