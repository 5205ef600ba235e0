import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { areaSummary } from '$lib/server/services/map';
import { isAdminCode } from '$lib/domain/admin';
import { orNotFound } from '$lib/server/http/errors';
import { translator } from '$lib/i18n';

export const load: PageServerLoad = async ({ url, locals }) => {
	const code = url.searchParams.get('area') ?? locals.scope.jurisdiction;
	if (!isAdminCode(code))
		error(400, { message: translator(locals.locale)('error.badRequest') + code });
	const { db } = await database();
	const summary = await orNotFound(locals.locale, areaSummary(db, locals.scope, code));
	return { summary, scopeCode: locals.scope.jurisdiction };
};
