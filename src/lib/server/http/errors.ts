// What a service's error means over HTTP, decided once for every route: the status and a message
// in the user's language. Services throw the errors of ../errors.ts and know nothing of HTTP;
// routes wrap a service call in orHttpError (or ask refusalOf when they answer in their own
// shape, like the check upload's { field, message }). Anything else is left to become a 500.
import { error } from '@sveltejs/kit';
import { isMessageKey, translator, type Locale } from '$lib/i18n';
import {
	CampaignRejected,
	CheckConflict,
	CheckRejected,
	Forbidden,
	NotFoundError,
	ResidenceBadRequest,
	ResidenceDenied,
	UserNotFound
} from '../errors';

export function badRequest(locale: Locale, detail: string): never {
	error(400, { message: translator(locale)('error.badRequest') + detail });
}

export interface HttpRefusal {
	status: number;
	message: string;
	/** the form field the refusal is about, when there is one */
	field?: string;
}

/** The HTTP answer to a service error, or null for an error no route expects (a 500). */
export function refusalOf(locale: Locale, e: unknown): HttpRefusal | null {
	const t = translator(locale);
	// a user out of the administrator's reach is told like one that does not exist
	if (e instanceof NotFoundError || e instanceof UserNotFound)
		return { status: 404, message: t('error.notFound') };
	if (e instanceof Forbidden) return { status: 403, message: t('error.forbidden') };
	if (e instanceof ResidenceDenied)
		return {
			status: 403,
			message: e.reason === 'no_emergency' ? t('em.denied.noEmergency') : t('residences.denied')
		};
	if (e instanceof ResidenceBadRequest)
		return {
			status: 400,
			message: t(e.message === 'purpose' ? 'residences.purpose' : 'residences.needArea')
		};
	if (e instanceof CheckConflict)
		return { status: 409, field: 'clientUuid', message: t('check.conflict') };
	if (e instanceof CheckRejected || e instanceof CampaignRejected)
		return { status: 400, field: e.field, message: isMessageKey(e.key) ? t(e.key) : e.key };
	// text the database cannot hold (a NUL, a character outside UTF-8) that got past the edge's
	// cleaning: the input is refused, as any bad input, not answered as the server's failure
	if (isUntranslatableText(e))
		return { status: 400, message: t('error.badRequest') + t('valid.chars') };
	return null;
}

/** PostgreSQL's "invalid byte sequence" (22021) and "untranslatable character" (22P05). */
function isUntranslatableText(e: unknown): boolean {
	const code = (e as { code?: unknown } | null)?.code;
	return code === '22021' || code === '22P05';
}

/** Throw SvelteKit's HTTP error for a service error; rethrow anything else unchanged. */
export function throwAsHttp(locale: Locale, e: unknown): never {
	const r = refusalOf(locale, e);
	if (r) error(r.status, { message: r.message });
	throw e;
}

/** Run a service call (or a few), answering its errors as HTTP errors. */
export async function orHttpError<T>(
	locale: Locale,
	work: Promise<T> | (() => Promise<T>)
): Promise<T> {
	try {
		return await (typeof work === 'function' ? work() : work);
	} catch (e) {
		throwAsHttp(locale, e);
	}
}
