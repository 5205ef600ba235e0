// One table of a campaign's dashboard as a file (CSV UTF-8 with BOM, XLSX, or GeoJSON with each
// township at its centre and each hazard at its target), in the order the screen showed it,
// scoped to the user's jurisdiction as the screen is; audited; the file says who exported it
// and when (its name, the XLSX's properties, the GeoJSON's `exported` member).
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { campaignDashboardTable } from '$lib/server/services/campaign-dashboard';
import { contentDisposition } from '$lib/server/exports';
import { campaignFileName, overdueTable, townshipTable } from '$lib/server/exports-campaign';
import { CONTENT_TYPES, EXPORT_FORMATS, tableBody, withCentres } from '$lib/server/exports-lists';
import {
	DASHBOARD_TABLES,
	OVERDUE_COLUMNS,
	TOWNSHIP_COLUMNS,
	sortOverdue,
	sortTownships,
	type OverdueKey,
	type TownshipKey
} from '$lib/domain/campaign-dashboard';
import { translator } from '$lib/i18n';
import { idText, parseQuery } from '$lib/server/validation';

const Query = v.object({
	campaign: idText,
	table: v.picklist(DASHBOARD_TABLES),
	format: v.optional(v.picklist(EXPORT_FORMATS), 'xlsx'),
	sort: v.optional(v.picklist([...new Set([...TOWNSHIP_COLUMNS, ...OVERDUE_COLUMNS])])),
	dir: v.optional(v.picklist(['asc', 'desc']))
});

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
	// the rows' keys in the order of the file: each row's place for the GeoJSON
	let table, codes: string[];
	if (p.table === 'townships') {
		const s = spec as { key: TownshipKey; dir: 'asc' | 'desc' } | undefined;
		table = townshipTable(d.townships, s, locals.locale);
		codes = sortTownships(d.townships, s).map((r) => r.code);
	} else {
		const s = spec as { key: OverdueKey; dir: 'asc' | 'desc' } | undefined;
		table = overdueTable(d.overdue, s, locals.locale);
		codes = sortOverdue(d.overdue, s).map((r) => r.code);
	}
	const mark = { user: user.principal.username, at: new Date() };
	const file = campaignFileName(d.campaign, p.table, p.format, locals.locale, mark.user, mark.at);
	const sheet = translator(locals.locale)(`cd.file.${p.table}`);
	const placed = withCentres(table, codes, d.places, locals.locale);
	// CSV and XLSX as the screen shows the table; GeoJSON with the place of each row
	const body = tableBody(
		p.format === 'geojson' ? placed : { ...table, placed: false },
		p.format,
		sheet,
		mark,
		locals.locale
	);
	return new Response(body, {
		headers: {
			'Content-Type': CONTENT_TYPES[p.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
