import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { feature } from '$lib/server/services/map';
import { FEATURE_LAYERS, type FeatureLayer } from '$lib/server/repositories/features';
import { badRequest, orNotFound } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';

export const GET: RequestHandler = async ({ params, locals }) => {
	if (!(FEATURE_LAYERS as readonly string[]).includes(params.layer)) {
		badRequest(locals.locale, `layer "${params.layer}" ∉ ${FEATURE_LAYERS.join(', ')}`);
	}
	const id = Number(params.id);
	if (!Number.isSafeInteger(id) || id <= 0) badRequest(locals.locale, `id "${params.id}"`);
	const { scope } = signedIn(locals);
	const { db } = await database();
	const detail = await orNotFound(
		locals.locale,
		feature(db, scope, params.layer as FeatureLayer, id)
	);
	return json(detail, { headers: { 'Cache-Control': 'private, no-store' } });
};
