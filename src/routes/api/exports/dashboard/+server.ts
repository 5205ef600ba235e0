// One table of the dashboard as a file (CSV, XLSX, or GeoJSON at each unit's centre), in the
// order the screen showed it: the subdivisions' completion or their children at risk, for an
// area in the user's jurisdiction; watermarked with who exported it and when, and audited.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { dashboardTableFor } from '$lib/server/services/dashboard-export';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, EXPORT_FORMATS, listFileName, tableBody } from '$lib/server/exports-lists';
import { COMPLETION_COLUMNS, EXPOSURE_COLUMNS } from '$lib/domain/table-sort';
import { translator } from '$lib/i18n';
import { findUnit } from '$lib/server/services/areas';
import { adminCode, parseQuery } from '$lib/server/validation';

const Query = v.object({
	table: v.picklist(['completion', 'exposure']),
	area: v.optional(adminCode),
	sort: v.optional(v.picklist([...new Set([...COMPLETION_COLUMNS, ...EXPOSURE_COLUMNS])])),
	dir: v.optional(v.picklist(['asc', 'desc'])),
	format: v.optional(v.picklist(EXPORT_FORMATS), 'xlsx')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const p = parseQuery(Query, url, locals.locale);
	const columns: readonly string[] =
		p.table === 'completion' ? COMPLETION_COLUMNS : EXPOSURE_COLUMNS;
	// a column of the other table sorts by the default, as a stale link would
	const spec =
		p.sort && columns.includes(p.sort) ? { key: p.sort, dir: p.dir ?? 'asc' } : undefined;
	const { db } = await database();
	const mark = { user: user.principal.username, at: new Date() };
	const areaCode = p.area ?? user.principal.jurisdiction;
	const what = { name: t(`export.dashboard.${p.table}`), ascii: `dashboard-${p.table}` };
	// the name before the figures are read, so the audit row names the file the user gets
	const unit = await findUnit(db, areaCode);
	const file = listFileName({ code: areaCode, name: unit?.name ?? areaCode }, what, p.format, mark);
	const { table } = await orHttpError(
		locals.locale,
		dashboardTableFor(
			db,
			user.principal,
			p.table,
			areaCode,
			spec,
			locals.locale,
			requestMeta(event),
			p.format,
			file.name
		)
	);
	return new Response(tableBody(table, p.format, what.name, mark, locals.locale), {
		headers: {
			'Content-Type': CONTENT_TYPES[p.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
