// The lists of /hazards as files: the viewer's open hazards (?supervised=1: only those under
// 挂牌督办, as the page's filter) or, for a county or prefecture user, the hazards escalated to
// their unit; GeoJSON at each hazard's target. Read through the page's own service, so the rows,
// their order and their scope are the page's.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { listFileResponse } from '$lib/server/http/list-file';
import { orHttpError } from '$lib/server/http/errors';
import { hazardListFor } from '$lib/server/services/list-exports';
import { EXPORT_FORMATS } from '$lib/server/exports-lists';
import { blankOr, parseQuery } from '$lib/server/validation';

const Query = v.object({
	list: v.optional(v.picklist(['open', 'escalated']), 'open'),
	supervised: blankOr(v.picklist(['1'])),
	format: v.optional(v.picklist(EXPORT_FORMATS), 'csv')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const out = await orHttpError(
		locals.locale,
		hazardListFor(db, user.principal, q.list, q.supervised === '1', locals.locale)
	);
	return listFileResponse(db, event, user, {
		resource: out.resource,
		format: q.format,
		area: out.area,
		what: out.what,
		sheet: out.what.name,
		table: out.table
	});
};
