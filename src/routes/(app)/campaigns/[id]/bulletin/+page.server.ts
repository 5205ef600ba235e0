// A campaign's daily bulletin (每日通报) for one Beijing day of the campaign (?date=YYYY-MM-DD;
// today, or its last day, when not given; the nearest day of it when outside): the figures at
// the end of that day, every township, every overdue and open hazard and every target not yet
// visited, and the map of open hazards; made to be printed on A4.
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import { campaignBulletin } from '$lib/server/services/campaign-dashboard';
import { isDay } from '$lib/domain/campaign-dashboard';
import { blankOr, idText, parseOrError, parseQuery } from '$lib/server/validation';

const Query = v.object({
	date: blankOr(v.pipe(v.string(), v.check(isDay, 'cd.err.date')))
});

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const day = parseQuery(Query, url, locals.locale).date ?? null;
	const { db } = await database();
	try {
		const b = await campaignBulletin(db, user.principal, id, day);
		return { ...b, at: b.at.toISOString(), today: b.today };
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
