import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { dashboard } from '$lib/server/services/waterways';
import { throwAsHttp } from '$lib/server/http/errors';
import { ancestors, findUnit } from '$lib/server/services/areas';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { adminCode, parseQuery } from '$lib/server/validation';

const Query = v.object({ area: v.optional(adminCode) });

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const code = parseQuery(Query, url, locals.locale).area ?? user.principal.jurisdiction;
	const { db } = await database();
	try {
		const dash = await dashboard(db, user.principal, code);
		const unit = await findUnit(db, dash.area.code);
		// the way back up, from the user's own area down to the one shown (never above their own)
		const home = user.principal.jurisdiction;
		const trail = (await ancestors(db, dash.area.code))
			.filter((a) => a.code === home || a.code.startsWith(jurisdictionPrefix(home)))
			.map((a) => ({ code: a.code, name: a.name }));
		return { dash, bbox: unit!.bbox, home, trail };
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
