// The campaign lists as files: the campaigns of the viewer's area, or one campaign's targets or
// hazards (GeoJSON at the target's place), cut to the viewer's jurisdiction as on screen.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { listFileResponse } from '$lib/server/http/list-file';
import { orHttpError } from '$lib/server/http/errors';
import { campaignListFor } from '$lib/server/services/list-exports';
import { EXPORT_FORMATS } from '$lib/server/exports-lists';
import { idText, parseQuery } from '$lib/server/validation';

const Query = v.variant('list', [
	v.object({
		list: v.literal('campaigns'),
		format: v.optional(v.picklist(EXPORT_FORMATS.filter((f) => f !== 'geojson')), 'csv')
	}),
	v.object({
		list: v.picklist(['targets', 'hazards']),
		campaign: idText,
		format: v.optional(v.picklist(EXPORT_FORMATS), 'csv')
	})
]);

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const out = await orHttpError(
		locals.locale,
		campaignListFor(
			db,
			user.principal,
			q.list,
			'campaign' in q ? q.campaign : undefined,
			locals.locale
		)
	);
	return listFileResponse(db, event, user, {
		resource: `campaigns.${q.list}`,
		format: q.format,
		area: out.area,
		what: out.what,
		sheet: out.what.name,
		table: out.table
	});
};
