import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { areaSummary } from '$lib/server/services/map';
import { isAdminCode } from '$lib/domain/admin';
import { orNotFound } from '$lib/server/http/errors';
import { translator } from '$lib/i18n';
import { signedIn } from '$lib/server/http/guard';
import { mayEverSeeResidences } from '$lib/server/auth/policy';

export const load: PageServerLoad = async ({ url, locals }) => {
	const { scope, user } = signedIn(locals);
	// a river chief's first screen is "my segments"; the map stays one click away
	if (user.principal.role === 'river_chief' && url.searchParams.size === 0)
		redirect(303, '/waterways');
	const code = url.searchParams.get('area') ?? scope.jurisdiction;
	if (!isAdminCode(code))
		error(400, { message: translator(locals.locale)('error.badRequest') + code });
	const { db } = await database();
	const summary = await orNotFound(locals.locale, areaSummary(db, scope, code));
	return {
		summary,
		scopeCode: scope.jurisdiction,
		mayViewResidences: mayEverSeeResidences(user.principal.role)
	};
};
