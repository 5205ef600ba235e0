// The public sites of the viewer's area as files — children's homes, Sunshine Stations or
// institutions, in the columns their import reads, so a file goes back in unchanged — scoped
// as the map's sites layer, watermarked and audited as every list export.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { auditListExport } from '$lib/server/services/list-exports';
import { SITE_KINDS, sitesForExport } from '$lib/server/services/site-exports';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, EXPORT_FORMATS, listFileName, tableBody } from '$lib/server/exports-lists';
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
	const mark = { user: user.principal.username, at: new Date() };
	const out = await orHttpError(
		locals.locale,
		sitesForExport(db, user.principal, q.kind, locals.locale)
	);
	const file = listFileName(out.area, out.what, q.format, mark);
	await auditListExport(
		db,
		user.principal,
		`sites.${q.kind}`,
		q.format,
		out.area.code,
		{ file: file.name, rows: out.table.rows.length },
		requestMeta(event)
	);
	return new Response(tableBody(out.table, q.format, out.what.name, mark, locals.locale), {
		headers: {
			'Content-Type': CONTENT_TYPES[q.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
