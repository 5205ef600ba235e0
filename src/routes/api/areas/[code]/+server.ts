import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { areaSummary } from '$lib/server/services/map';
import * as v from 'valibot';
import { orHttpError } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';
import { adminCode, parseOrError } from '$lib/server/validation';

const Params = v.object({ code: adminCode });

export const GET: RequestHandler = async ({ params, locals }) => {
	const { code } = parseOrError(Params, params, locals.locale);
	const { scope } = signedIn(locals);
	const { db } = await database();
	const summary = await orHttpError(locals.locale, areaSummary(db, scope, code));
	return json(summary, { headers: { 'Cache-Control': 'private, no-store' } });
};
