// The segment list as a file, scoped to the user's jurisdiction and filters: CSV (UTF-8 with
// BOM, formula-safe, opens correctly in Excel) or XLSX. The same filters as the list page, so
// the file holds what the user was looking at; its name says which area and filters.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import {
	auditSegmentExport,
	riverChiefsFor,
	segmentsForExport,
	type SegmentQuery
} from '$lib/server/services/waterways';
import { findUnit } from '$lib/server/services/areas';
import {
	contentDisposition,
	segmentFileName,
	segmentTable,
	toCsv,
	toXlsx
} from '$lib/server/exports';
import { translator } from '$lib/i18n';
import { parseQuery, segmentFilters } from '$lib/server/validation';

const Query = v.object({
	...segmentFilters,
	format: v.optional(v.picklist(['csv', 'xlsx']), 'csv')
});

export const GET: RequestHandler = async (event) => {
	const { user, scope } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const p = parseQuery(Query, url, locals.locale);
	const format = p.format;
	const q: SegmentQuery = {
		// as on the list page: a river chief starts on their own segments
		mine: p.mine ? p.mine === '1' : user.principal.role === 'river_chief',
		chief: p.chief,
		kind: p.kind,
		township: p.township,
		completeness: p.completeness,
		requiredOnly: p.required === '1'
	};
	const { db } = await database();
	// the list and which items each segment lacks, from one snapshot so that they agree
	const { rows, missing } = await segmentsForExport(db, user.principal, q);
	const table = segmentTable(rows, missing, locals.locale);

	// names for the file: from the rows where they are there, else from the database (in scope)
	const area = await findUnit(db, user.principal.jurisdiction);
	let township: { code: string; name: string } | undefined;
	if (q.township && /^\d{12}$/.test(q.township)) {
		const name =
			rows[0]?.township_name ??
			(q.township.startsWith(scope.sitePrefix) ? (await findUnit(db, q.township))?.name : null);
		township = { code: q.township, name: name ?? q.township };
	}
	let chief: { id: number; name: string } | undefined;
	if (!q.mine && q.chief && Number.isSafeInteger(q.chief)) {
		const name =
			rows[0]?.river_chief_name ??
			(await riverChiefsFor(db, user.principal)).find((c) => c.id === q.chief)?.name;
		chief = { id: q.chief, name: name ?? `#${q.chief}` };
	}
	const file = segmentFileName(
		{
			areaCode: user.principal.jurisdiction,
			areaName: area?.name ?? user.principal.jurisdiction,
			mine: q.mine ?? false,
			township,
			chief,
			kind: q.kind,
			completeness: q.completeness,
			requiredOnly: q.requiredOnly ?? false
		},
		locals.locale,
		format
	);

	await auditSegmentExport(db, user.principal, format, rows.length, requestMeta(event));
	const body =
		format === 'csv'
			? Buffer.from(toCsv(table), 'utf8')
			: await toXlsx(table, t('export.segments'));
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type':
				format === 'csv'
					? 'text/csv; charset=utf-8'
					: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
