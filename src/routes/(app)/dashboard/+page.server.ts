import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { dashboard } from '$lib/server/services/waterways';
import { NotFoundError } from '$lib/server/services/map';
import { translator } from '$lib/i18n';
import { findUnit } from '$lib/server/repositories/areas';

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const code = url.searchParams.get('area') ?? user.principal.jurisdiction;
	const { db } = await database();
	try {
		const dash = await dashboard(db, user.principal, code);
		const unit = await findUnit(db, dash.area.code);
		return { dash, bbox: unit!.bbox, home: user.principal.jurisdiction };
	} catch (e) {
		if (e instanceof NotFoundError)
			error(404, { message: translator(locals.locale)('error.notFound') });
		throw e;
	}
};
