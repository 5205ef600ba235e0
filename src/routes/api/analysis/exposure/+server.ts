import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { exposure } from '$lib/server/services/exposure';
import { isAdminCode } from '$lib/domain/admin';
import { badRequest, orNotFound } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';

// Children at risk in an area (default: the viewer's jurisdiction), as suppressed counts.
export const GET: RequestHandler = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const code = url.searchParams.get('area') ?? user.principal.jurisdiction;
	if (!isAdminCode(code)) badRequest(locals.locale, `area "${code}" 应为 12 位行政区划代码`);
	const { db } = await database();
	const result = await orNotFound(locals.locale, exposure(db, user.principal, code));
	return json(result, { headers: { 'Cache-Control': 'private, no-store' } });
};
