import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { exposure } from '$lib/server/services/exposure';
import { orHttpError } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';
import { adminCode, parseQuery } from '$lib/server/validation';

const Query = v.object({ area: v.optional(adminCode) });

// Children at risk in an area (default: the viewer's jurisdiction), as released (perturbed) counts.
export const GET: RequestHandler = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const code = parseQuery(Query, url, locals.locale).area ?? user.principal.jurisdiction;
	const { db } = await database();
	const result = await orHttpError(locals.locale, exposure(db, user.principal, code));
	return json(result, { headers: { 'Cache-Control': 'private, no-store' } });
};
