// The public sites of the viewer's area as files — children's homes, Sunshine Stations or
// institutions, in the columns their import reads, so a file goes back in unchanged — scoped
// as the map's sites layer, watermarked and audited as every list export.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { listFileResponse } from '$lib/server/http/list-file';
import { orHttpError } from '$lib/server/http/errors';
import { SITE_KINDS, sitesForExport } from '$lib/server/services/site-exports';
import { EXPORT_FORMATS } from '$lib/server/exports-lists';
import { parseQuery } from '$lib/server/validation';

const Query = v.object({
	kind: v.picklist(SITE_KINDS),
	format: v.optional(v.picklist(EXPORT_FORMATS), 'csv')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const out = await orHttpError(
		locals.locale,
		sitesForExport(db, user.principal, q.kind, locals.locale)
	);
	return listFileResponse(db, event, user, {
		resource: `sites.${q.kind}`,
		format: q.format,
		area: out.area,
		what: out.what,
		sheet: out.what.name,
		table: out.table
	});
};
