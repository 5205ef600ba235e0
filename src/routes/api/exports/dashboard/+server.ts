// One table of the dashboard as XLSX, in the order the screen showed it: the subdivisions'
// completion or their children at risk, for an area in the user's jurisdiction.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { dashboardTableFor } from '$lib/server/services/dashboard-export';
import { contentDisposition, toXlsx } from '$lib/server/exports';
import { dashboardFileName } from '$lib/server/exports-dashboard';
import { COMPLETION_COLUMNS, EXPOSURE_COLUMNS } from '$lib/domain/table-sort';
import { translator } from '$lib/i18n';
import { adminCode, parseQuery } from '$lib/server/validation';

const Query = v.object({
	table: v.picklist(['completion', 'exposure']),
	area: v.optional(adminCode),
	sort: v.optional(v.picklist([...new Set([...COMPLETION_COLUMNS, ...EXPOSURE_COLUMNS])])),
	dir: v.optional(v.picklist(['asc', 'desc']))
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const p = parseQuery(Query, url, locals.locale);
	const columns: readonly string[] =
		p.table === 'completion' ? COMPLETION_COLUMNS : EXPOSURE_COLUMNS;
	// a column of the other table sorts by the default, as a stale link would
	const spec =
		p.sort && columns.includes(p.sort) ? { key: p.sort, dir: p.dir ?? 'asc' } : undefined;
	const { db } = await database();
	const { table, area } = await orHttpError(
		locals.locale,
		dashboardTableFor(
			db,
			user.principal,
			p.table,
			p.area ?? user.principal.jurisdiction,
			spec,
			locals.locale,
			requestMeta(event)
		)
	);
	const file = dashboardFileName(p.table, area, locals.locale);
	const body = await toXlsx(table, translator(locals.locale)(`export.dashboard.${p.table}`));
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
