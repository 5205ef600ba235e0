// The homes for field teams as a file: only inside a declared emergency (or for the roles whose
// duty is homes), through the audited path of the page itself; the read is logged as an export.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { listResidencesByVillage } from '$lib/server/services/residences';
import { findUnit } from '$lib/server/services/areas';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, listFileName, tableBody } from '$lib/server/exports-lists';
import { homesTable } from '$lib/server/exports-homes';
import { parseQuery, text } from '$lib/server/validation';
import { translator } from '$lib/i18n';

const Query = v.object({
	area: v.optional(text(40), ''),
	purpose: v.optional(text(40), 'emergency_rescue'),
	format: v.optional(v.picklist(['csv', 'xlsx']), 'csv')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const list = await orHttpError(
		locals.locale,
		listResidencesByVillage(db, user.principal, q.area, q.purpose, q.format, requestMeta(event))
	);
	const t = translator(locals.locale);
	const mark = { user: user.principal.username, at: new Date() };
	const area = { code: list.area, name: (await findUnit(db, list.area))?.name ?? list.area };
	const what = { name: t('emp.homes.sheet'), ascii: 'emergency-homes' };
	const file = listFileName(area, what, q.format, mark);
	const table = homesTable(list.villages, locals.locale);
	return new Response(tableBody(table, q.format, what.name, mark, locals.locale), {
		headers: {
			'Content-Type': CONTENT_TYPES[q.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
