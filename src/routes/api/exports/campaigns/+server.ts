// The campaign lists as files: the campaigns of the viewer's area, or one campaign's targets or
// hazards (GeoJSON at the target's place), cut to the viewer's jurisdiction as on screen.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { auditListExport, campaignListFor } from '$lib/server/services/list-exports';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, EXPORT_FORMATS, listFileName, tableBody } from '$lib/server/exports-lists';
import { idText, parseQuery } from '$lib/server/validation';

const Query = v.union([
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
	const mark = { user: user.principal.username, at: new Date() };
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
	const file = listFileName(out.area, out.what, q.format, mark);
	await auditListExport(
		db,
		user.principal,
		`campaigns.${q.list}`,
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
