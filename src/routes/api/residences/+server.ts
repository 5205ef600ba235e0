// Exact homes of children in a township or village, for the roles whose work needs them.
// The purpose is required; the view is written to the audit log before the data leaves.
import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { viewResidences } from '$lib/server/services/residences';
import { throwAsHttp } from '$lib/server/http/errors';
import { parseQuery, text } from '$lib/server/validation';

// one value each; which areas and purposes are acceptable is the service's rule (and message)
const Query = v.object({ area: v.optional(text(40), ''), purpose: v.optional(text(40), '') });

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { area, purpose } = parseQuery(Query, event.url, event.locals.locale);
	const { db } = await database();
	try {
		const view = await viewResidences(db, user.principal, area, purpose, requestMeta(event));
		return json(
			{
				type: 'FeatureCollection',
				basis: view.basis,
				features: view.points.map((p) => ({
					type: 'Feature',
					geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
					properties: { ref: p.pseudonym }
				}))
			},
			{ headers: { 'Cache-Control': 'no-store' } }
		);
	} catch (e) {
		throwAsHttp(event.locals.locale, e);
	}
};
