// Sign out: this device, or with everywhere=1 every device of the user.
import { error, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { logout } from '$lib/server/services/auth';
import { clearSessionCookie } from '$lib/server/auth/session';
import { requestMeta } from '$lib/server/http/guard';
import { readSmallForm, sameOriginRequest } from '$lib/server/auth/request';
import { translator } from '$lib/i18n';
import { fieldsOf, parseOrError } from '$lib/server/validation';

const LogoutForm = v.object({ everywhere: v.optional(v.picklist(['1'])) });

export const POST: RequestHandler = async (event) => {
	const t = translator(event.locals.locale);
	// SvelteKit checks the origin of form posts only; a POST with no body would pass it, and
	// another site could sign users out (or out everywhere) at will
	if (!sameOriginRequest(event.request, event.url.origin))
		error(403, { message: t('request.crossOrigin') });
	const form = await readSmallForm(event.request, event.locals.locale);
	const { everywhere } = parseOrError(LogoutForm, fieldsOf(form), event.locals.locale);
	const user = event.locals.user;
	if (user) {
		const { db } = await database();
		await logout(db, user, everywhere === '1', requestMeta(event));
	}
	clearSessionCookie(event.cookies, event.url);
	redirect(303, '/login');
};
