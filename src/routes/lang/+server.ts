// Switch the interface language (a cookie), then go back to the page the user was on.
import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { LOCALES, LOCALE_COOKIE, translator } from '$lib/i18n';
import { readSmallForm, safeReturnPath } from '$lib/server/auth/request';

const LangForm = v.object({
	lang: v.picklist(LOCALES),
	back: v.optional(v.pipe(v.string(), v.maxLength(2048)), '/')
});

export const POST: RequestHandler = async ({ request, cookies, url, locals }) => {
	const form = await readSmallForm(request, locals.locale);
	const parsed = v.safeParse(LangForm, {
		lang: form.get('lang') ?? undefined,
		back: form.get('back') ?? undefined
	});
	if (!parsed.success) {
		const t = translator(locals.locale);
		const field = parsed.issues[0].path?.[0]?.key;
		error(400, {
			message: t('error.badRequest') + (field === 'lang' ? t('lang.invalid') : String(field))
		});
	}
	cookies.set(LOCALE_COOKIE, parsed.output.lang, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		maxAge: 60 * 60 * 24 * 365
	});
	// only a path of this site: never an open redirect
	redirect(303, safeReturnPath(parsed.output.back, url.origin));
};
