import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { dashboard } from '$lib/server/services/waterways';
import { NotFoundError } from '$lib/server/services/map';
import { translator } from '$lib/i18n';

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const code = url.searchParams.get('area') ?? user.principal.jurisdiction;
	const { db } = await database();
	try {
		return { dash: await dashboard(db, user.principal, code), home: user.principal.jurisdiction };
	} catch (e) {
		if (e instanceof NotFoundError)
			error(404, { message: translator(locals.locale)('error.notFound') });
		throw e;
	}
};
