import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { database } from '$lib/server/db';
import { env } from '$lib/server/env';
import { DEFAULT_LOCALE, LOCALE_COOKIE, isLocale } from '$lib/i18n';
import { PROVINCE_SCOPE } from '$lib/server/services/map';

// Open, migrate and (demo) seed the database before the first request is served.
export const init: ServerInit = async () => {
	await database();
};

function basemapOrigin(): string | null {
	const url = env().basemapUrl;
	if (!url) return null;
	try {
		return new URL(url.replace(/\{[a-z]\}/g, '0')).origin;
	} catch {
		return null;
	}
}

export const handle: Handle = async ({ event, resolve }) => {
	const cookie = event.cookies.get(LOCALE_COOKIE);
	event.locals.locale = isLocale(cookie) ? cookie : DEFAULT_LOCALE;
	// Until accounts land every visitor is the demo viewer: whole province, counts only.
	event.locals.scope = PROVINCE_SCOPE;

	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale)
	});
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(self), geolocation=(self), microphone=()');
	const csp = response.headers.get('Content-Security-Policy');
	const extra = basemapOrigin();
	if (csp && extra) {
		response.headers.set(
			'Content-Security-Policy',
			csp
				.replace(/img-src ([^;]*)/, `img-src $1 ${extra}`)
				.replace(/connect-src ([^;]*)/, `connect-src $1 ${extra}`)
		);
	}
	return response;
};

export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
