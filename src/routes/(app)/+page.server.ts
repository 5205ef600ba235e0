import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { areaSummary } from '$lib/server/services/map';
import { orHttpError } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';
import { mayEverSeeResidences } from '$lib/server/auth/policy';
import { adminCode, parseQuery } from '$lib/server/validation';

const Query = v.object({ area: v.optional(adminCode) });

export const load: PageServerLoad = async ({ url, locals }) => {
	const { scope, user } = signedIn(locals);
	// a river chief's first screen is "my segments"; the map stays one click away
	if (user.principal.role === 'river_chief' && url.searchParams.size === 0)
		redirect(303, '/waterways');
	const code = parseQuery(Query, url, locals.locale).area ?? scope.jurisdiction;
	const { db } = await database();
	const summary = await orHttpError(locals.locale, areaSummary(db, scope, code));
	return {
		summary,
		scopeCode: scope.jurisdiction,
		mayViewResidences: mayEverSeeResidences(user.principal.role)
	};
};
