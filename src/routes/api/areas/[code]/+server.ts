import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { areaSummary } from '$lib/server/services/map';
import { isAdminCode } from '$lib/domain/admin';
import { badRequest, orNotFound } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';

export const GET: RequestHandler = async ({ params, locals }) => {
	if (!isAdminCode(params.code))
		badRequest(locals.locale, `code "${params.code}" 应为 12 位行政区划代码`);
	const { scope } = signedIn(locals);
	const { db } = await database();
	const summary = await orNotFound(locals.locale, areaSummary(db, scope, params.code));
	return json(summary, { headers: { 'Cache-Control': 'private, no-store' } });
};
