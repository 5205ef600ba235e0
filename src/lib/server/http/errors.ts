// Turns service errors into HTTP errors with a message in the user's language.
import { error } from '@sveltejs/kit';
import { translator, type Locale } from '$lib/i18n';
import { NotFoundError } from '../services/map';

export function badRequest(locale: Locale, detail: string): never {
	error(400, { message: translator(locale)('error.badRequest') + detail });
}

export async function orNotFound<T>(locale: Locale, work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (e) {
		if (e instanceof NotFoundError) error(404, { message: translator(locale)('error.notFound') });
		throw e;
	}
}
