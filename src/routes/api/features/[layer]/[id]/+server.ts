import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { feature, FEATURE_LAYERS } from '$lib/server/services/map';
import * as v from 'valibot';
import { orHttpError } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';
import { idText, parseOrError } from '$lib/server/validation';

const Params = v.object({ layer: v.picklist(FEATURE_LAYERS), id: idText });

export const GET: RequestHandler = async ({ params, locals }) => {
	const { layer, id } = parseOrError(Params, params, locals.locale);
	const { scope } = signedIn(locals);
	const { db } = await database();
	const detail = await orHttpError(locals.locale, feature(db, scope, layer, id));
	return json(detail, { headers: { 'Cache-Control': 'private, no-store' } });
};
