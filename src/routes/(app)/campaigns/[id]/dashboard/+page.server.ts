// A campaign's dashboard (排查进度): visits by township over time, hazards found, fixed and
// closed, the overdue list and a map of open hazards, all within the viewer's jurisdiction.
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import { campaignDashboard } from '$lib/server/services/campaign-dashboard';
import { idText, parseOrError } from '$lib/server/validation';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const { db } = await database();
	try {
		const d = await campaignDashboard(db, user.principal, id);
		return { ...d, at: d.at.toISOString() };
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
