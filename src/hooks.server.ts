import {
	error,
	redirect,
	type Handle,
	type HandleServerError,
	type ServerInit
} from '@sveltejs/kit';
import { closeDatabase, database, DatabaseSetupError } from '$lib/server/db';
import { env } from '$lib/server/env';
import { DEFAULT_LOCALE, LOCALE_COOKIE, isLocale, translator } from '$lib/i18n';
import { warmFirstView } from '$lib/server/services/map';
import { warmProvinceViews } from '$lib/server/services/waterways';
import { largeViewsInUse } from '$lib/server/services/segment-table';
import { scopeFor } from '$lib/server/auth/scope';
import { onChange, watchFreshness } from '$lib/server/services/freshness';
import { analysisFor, closeAnalysis } from '$lib/server/services/exposure';
import { validateSession } from '$lib/server/services/auth';
import { ROUTE_ACCESS } from '$lib/server/auth/routes';
import { clearSessionCookie, sessionCookieName } from '$lib/server/auth/session';
import { isAdminRole } from '$lib/server/auth/roles';
import { AUTH_FORM_PATHS, declaredTooLarge } from '$lib/server/auth/request';
import { basemapStatus, describeBasemap } from '$lib/server/basemap';
import { escalateDue } from '$lib/server/services/escalation';
import { REFUSED_PAGE_CSP, refusedPageHtml } from '$lib/server/refused-page';
import { watchStaleImports } from '$lib/server/services/import-cleanup';
import { importUploadDir } from '$lib/server/services/import-uploads';

let rewarm: ReturnType<typeof setTimeout> | undefined;
const warmFailed = (e: unknown) => console.log(`[tongan] warm-up: ${(e as Error).message}`);

// Open, migrate and (demo) seed the database before the first request is served.
export const init: ServerInit = async () => {
	// the operator's basemap file is checked once, and what was found is said in the log
	const basemap = await basemapStatus();
	if (basemap.state === 'error') console.error(describeBasemap(basemap));
	else console.log(describeBasemap(basemap));
	const { db } = await database().catch((e: unknown) => {
		// a first-run problem (no server, no database, no PostGIS…) is said in a few lines that
		// name the fix; a stack trace would only bury them
		if (e instanceof DatabaseSetupError) {
			console.error(`[tongan] ${e.message}`);
			process.exit(1);
		}
		throw e;
	});
	// derived data (the four-item rule, child counts) follows changes to the data
	const watcher = watchFreshness(db);
	// imports never committed (uploads, staged rows) go after a day, swept now and every hour
	const stopSweep = watchStaleImports(
		db,
		importUploadDir(env().uploadDir),
		env().importStaleHours * 3600 * 1000
	);
	// after a change, the analysis snapshot (children at risk) is brought up to date at once,
	// so that the next dashboard does not wait for it
	onChange(() => {
		void analysisFor(db)
			.refreshNow()
			.catch((e) => console.log(`[tongan] analysis refresh: ${(e as Error).message}`));
		// the province's list and dashboard for the new version, a moment later (a burst of
		// changes is one warm-up), while anyone uses province or prefecture views
		if (largeViewsInUse()) {
			clearTimeout(rewarm);
			rewarm = setTimeout(() => void warmProvinceViews(db).catch(warmFailed), 2000);
			rewarm.unref?.();
		}
	});
	// 挂牌督办: hazards that fell overdue while the server was down are escalated now (reads do
	// the rest; there is no timer)
	await escalateDue(db)
		.then((n) => n && console.log(`[tongan] hazards escalated at start: ${n}`))
		.catch((e) => console.log(`[tongan] escalation: ${(e as Error).message}`));
	// the province's segment list and dashboard (computed once per data version), then the
	// province's first view of tiles, then the analysis snapshot, made while nobody waits
	const t0 = performance.now();
	const lists = warmProvinceViews(db)
		.then(() =>
			console.log(`[tongan] province views warm in ${Math.round(performance.now() - t0)} ms`)
		)
		.catch(warmFailed);
	if (env().warmTiles)
		void lists
			.then(() => warmFirstView(db))
			.then(() => analysisFor(db).refresh())
			.catch((e) => console.log(`[tongan] warm-up: ${(e as Error).message}`));
	// adapter-node emits this once the HTTP server has closed: let the embedded engine finish
	// its queue and close its data directory, then the process can exit
	process.once('sveltekit:shutdown', () => {
		stopSweep();
		void watcher.stop().then(closeAnalysis).then(closeDatabase);
	});
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

/** API, tiles and form posts get a status; page navigations get sent to the sign-in page. */
function wantsPage(request: Request, pathname: string): boolean {
	return (
		request.method === 'GET' &&
		!pathname.startsWith('/api/') &&
		!pathname.startsWith('/tiles/') &&
		!request.headers.get('x-sveltekit-action')
	);
}

export const handle: Handle = async ({ event, resolve }) => {
	const cookie = event.cookies.get(LOCALE_COOKIE);
	event.locals.locale = isLocale(cookie) ? cookie : DEFAULT_LOCALE;
	// sign-in and account forms are small: refuse a large declared body before anything runs
	// (BODY_SIZE_LIMIT is 80 MB for check photos; the routes also cap bodies sent in chunks)
	if (
		event.request.method === 'POST' &&
		AUTH_FORM_PATHS.has(event.url.pathname) &&
		declaredTooLarge(event.request)
	)
		// the body is refused unread, so the connection cannot carry another request: say so, or a
		// client reusing it has its next request reset (RFC 9110 §15.5.14)
		return new Response(translator(event.locals.locale)('request.tooLarge'), {
			status: 413,
			headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }
		});
	const secure = event.url.protocol === 'https:';

	const token = event.cookies.get(sessionCookieName(event.url));
	event.locals.user = null;
	if (token) {
		const { db } = await database();
		event.locals.user = await validateSession(db, token);
		if (!event.locals.user) clearSessionCookie(event.cookies, event.url);
	}
	const user = event.locals.user;

	const routeId = event.route.id;
	const access = routeId === null ? (user ? 'user' : 'pending') : ROUTE_ACCESS[routeId];
	if (access === undefined) error(500, { message: `route ${routeId} has no access rule` });
	const pathname = event.url.pathname;
	if (access !== 'public') {
		if (!user) {
			if (wantsPage(event.request, pathname)) redirect(303, '/login');
			error(401, { message: translator(event.locals.locale)('error.signIn') });
		}
		if (access !== 'pending' && !user.secondFactorOk) {
			if (wantsPage(event.request, pathname))
				redirect(303, user.totpEnabled ? '/login/totp' : '/account/totp');
			error(401, { message: translator(event.locals.locale)('error.secondFactor') });
		}
		if (access === 'admin' && !isAdminRole(user.principal.role)) {
			// a page is answered here, whole and in the user's language: thrown from the hook, the
			// error would get SvelteKit's static fallback, which cannot know the language
			if (wantsPage(event.request, pathname))
				return withSecurityHeaders(
					new Response(refusedPageHtml(event.locals.locale), {
						status: 403,
						headers: {
							'content-type': 'text/html; charset=utf-8',
							'content-security-policy': REFUSED_PAGE_CSP
						}
					}),
					{ secure, signedIn: true, pathname }
				);
			error(403, { message: translator(event.locals.locale)('error.forbidden') });
		}
	}
	event.locals.scope = user ? scopeFor(user.principal.jurisdiction) : null;

	const response = await resolve(event, {
		transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.locale)
	});
	return withSecurityHeaders(response, { secure, signedIn: user !== null, pathname });
};

function withSecurityHeaders(
	response: Response,
	{ secure, signedIn, pathname }: { secure: boolean; signedIn: boolean; pathname: string }
): Response {
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	response.headers.set('Permissions-Policy', 'camera=(self), geolocation=(self), microphone=()');
	if (secure) response.headers.set('Strict-Transport-Security', 'max-age=31536000');
	// pages and data of a signed-in user are never stored by the browser or a proxy
	const type = response.headers.get('Content-Type') ?? '';
	if (signedIn && !pathname.startsWith('/tiles/'))
		response.headers.set('Cache-Control', 'no-store');
	else if (type.includes('text/html')) response.headers.set('Cache-Control', 'no-store');
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
}

export const handleError: HandleServerError = ({ error, status }) => {
	if (status !== 404) console.error(error);
	return { message: status === 404 ? 'Not found' : 'Internal error' };
};
