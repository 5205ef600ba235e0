// The edges of the sign-in and account forms: a small body (the app's BODY_SIZE_LIMIT is 80 MB
// for equipment photos, far too much for a password), an origin check that does not depend on
// the body being a form, and return paths that stay on this site.
import { error } from '@sveltejs/kit';
import { translator, type Locale } from '$lib/i18n';

/** The largest body a sign-in, second-factor, account, sign-out or language post may have. */
export const AUTH_BODY_LIMIT = 16 * 1024;

/** The paths those forms post to (hooks.server.ts refuses larger declared bodies early). */
export const AUTH_FORM_PATHS: ReadonlySet<string> = new Set([
	'/login',
	'/login/totp',
	'/account',
	'/account/totp',
	'/logout',
	'/lang'
]);

/** A declared body over the limit, or null: hooks answer 413 before anything is read. */
export function declaredTooLarge(request: Request, limit = AUTH_BODY_LIMIT): boolean {
	const declared = Number(request.headers.get('content-length') ?? 0);
	return Number.isFinite(declared) && declared > limit;
}

/**
 * A form post's body, read up to `limit` bytes (a chunked body declares no length, so the
 * count is kept while reading): 413 beyond it, 400 for a body that is not a form, an empty
 * form for no body at all.
 */
export async function readSmallForm(
	request: Request,
	locale: Locale,
	limit = AUTH_BODY_LIMIT
): Promise<FormData> {
	const t = translator(locale);
	const tooLarge = () => error(413, { message: t('request.tooLarge') });
	const badForm = () => error(400, { message: t('error.badRequest') + t('request.badForm') });
	if (declaredTooLarge(request, limit)) tooLarge();
	const chunks: Uint8Array[] = [];
	let size = 0;
	if (request.body) {
		const reader = request.body.getReader();
		for (;;) {
			let part: ReadableStreamReadResult<Uint8Array>;
			try {
				part = await reader.read();
			} catch {
				return badForm();
			}
			if (part.done) break;
			size += part.value.byteLength;
			if (size > limit) {
				await reader.cancel().catch(() => {});
				return tooLarge();
			}
			chunks.push(part.value);
		}
	}
	if (size === 0) return new FormData();
	const type = request.headers.get('content-type') ?? '';
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return badForm();
	try {
		return await new Response(Buffer.concat(chunks), {
			headers: { 'content-type': type }
		}).formData();
	} catch {
		return badForm();
	}
}

/**
 * Whether a state-changing request comes from this site. SvelteKit checks Origin only for form
 * content types, so a POST with no body at all would pass; this does not look at the body.
 * Browsers send Origin with every POST; Sec-Fetch-Site is the fallback. A request with
 * neither is refused.
 */
export function sameOriginRequest(request: Request, origin: string): boolean {
	const from = request.headers.get('origin');
	if (from !== null) return from === origin;
	return request.headers.get('sec-fetch-site') === 'same-origin';
}

// C0 and C1 controls and DEL: browsers drop tabs and newlines from URLs, so "/\t/evil.example"
// becomes "//evil.example"
// eslint-disable-next-line no-control-regex
const UNSAFE_PATH_CHARS = /[\\\u0000-\u001f\u007f-\u009f]/;

/**
 * A path to send the user back to, only if it is a path of this site; '/' otherwise. "/\host"
 * and "/<TAB>/host" are other sites to a browser, so backslashes and control characters are
 * refused outright, and what is left must resolve to this origin.
 */
export function safeReturnPath(back: unknown, origin: string): string {
	if (typeof back !== 'string' || !back.startsWith('/') || UNSAFE_PATH_CHARS.test(back)) return '/';
	let url: URL;
	try {
		url = new URL(back, origin);
	} catch {
		return '/';
	}
	if (url.origin !== origin) return '/';
	const path = `${url.pathname}${url.search}${url.hash}`;
	// what the browser will resolve must be this path again, not "//host"
	return path.startsWith('//') ? '/' : path;
}
