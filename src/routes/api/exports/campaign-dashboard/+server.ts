// One table of a campaign's dashboard as a file (CSV UTF-8 with BOM, or XLSX), in the order the
// screen showed it, scoped to the user's jurisdiction as the screen is; audited; the file says
// who exported it and when (its name, and the XLSX's properties).
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { campaignDashboardTable } from '$lib/server/services/campaign-dashboard';
import { contentDisposition, csvStream, xlsxStream, type CellValue } from '$lib/server/exports';
import { campaignFileName, overdueTable, townshipTable } from '$lib/server/exports-campaign';
import {
	DASHBOARD_TABLES,
	OVERDUE_COLUMNS,
	TOWNSHIP_COLUMNS,
	type OverdueKey,
	type TownshipKey
} from '$lib/domain/campaign-dashboard';
import { translator } from '$lib/i18n';
import { idText, parseQuery } from '$lib/server/validation';

const Query = v.object({
	campaign: idText,
	table: v.picklist(DASHBOARD_TABLES),
	format: v.optional(v.picklist(['csv', 'xlsx']), 'xlsx'),
	sort: v.optional(v.picklist([...new Set([...TOWNSHIP_COLUMNS, ...OVERDUE_COLUMNS])])),
	dir: v.optional(v.picklist(['asc', 'desc']))
});

async function* once(rows: CellValue[][]) {
	yield rows;
}

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const p = parseQuery(Query, url, locals.locale);
	const columns: readonly string[] = p.table === 'townships' ? TOWNSHIP_COLUMNS : OVERDUE_COLUMNS;
	// a column of the other table sorts by the default, as a stale link would
	const spec =
		p.sort && columns.includes(p.sort) ? { key: p.sort, dir: p.dir ?? 'asc' } : undefined;
	const { db } = await database();
	const d = await orHttpError(
		locals.locale,
		campaignDashboardTable(db, user.principal, p.campaign, p.table, p.format, requestMeta(event))
	);
	const table =
		p.table === 'townships'
			? townshipTable(d.townships, spec as { key: TownshipKey; dir: 'asc' | 'desc' }, locals.locale)
			: overdueTable(d.overdue, spec as { key: OverdueKey; dir: 'asc' | 'desc' }, locals.locale);
	const mark = { user: user.principal.username, at: new Date() };
	const file = campaignFileName(d.campaign, p.table, p.format, locals.locale, mark.user, mark.at);
	const body =
		p.format === 'csv'
			? csvStream(table.header, once(table.rows))
			: xlsxStream(
					table.header,
					once(table.rows),
					translator(locals.locale)(`cd.file.${p.table}`),
					mark,
					locals.locale
				);
	return new Response(body, {
		headers: {
			'Content-Type':
				p.format === 'csv'
					? 'text/csv; charset=utf-8'
					: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
