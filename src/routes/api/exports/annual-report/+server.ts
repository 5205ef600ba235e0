// The annual report (年度工作进展情况) as a file: the figures of /reports/annual for the same
// ?code= and ?year=, as a PDF (?format=pdf, the default: written on the server with its own font,
// no browser, no outside request, watermarked on every sheet) or as its tables (?format=xlsx, a
// sheet for each; ?format=csv, one after another), each audited and named for the area, the
// year, the moment and the user.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { env } from '$lib/server/env';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import {
	annualReportPdfFor,
	annualReportTablesFor,
	beijingYear
} from '$lib/server/services/annual-report';
import { findUnit } from '$lib/server/services/areas';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, listFileName } from '$lib/server/exports-lists';
import { annualBody } from '$lib/server/exports-annual';
import { translator } from '$lib/i18n';
import { annualReportQuery, parseQuery } from '$lib/server/validation';

const Query = v.object({
	...annualReportQuery.entries,
	format: v.optional(v.picklist(['pdf', 'xlsx', 'csv']), 'pdf')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const q = parseQuery(Query, url, locals.locale);
	const areaCode = q.code ?? user.principal.jurisdiction;
	const year = q.year ?? beijingYear(new Date());
	const { db } = await database();
	const now = new Date();
	// the name before the figures are read, so the audit row names the file the user gets
	const unit = await findUnit(db, areaCode);
	const file = listFileName(
		{ code: areaCode, name: unit?.name ?? areaCode },
		{ name: `${year}${t('annual.pdf.file')}`, ascii: `annual-report-${year}` },
		q.format,
		{ user: user.principal.username, at: now }
	);
	const headers = (type: string) => ({
		'Content-Type': type,
		'Content-Disposition': contentDisposition(file.name, file.ascii),
		'Cache-Control': 'no-store'
	});
	if (q.format !== 'pdf') {
		const { report, sections, mark } = await orHttpError(
			locals.locale,
			annualReportTablesFor(db, user.principal, areaCode, year, {
				locale: locals.locale,
				format: q.format,
				file: file.name,
				meta: requestMeta(event),
				now
			})
		);
		const title = t('annual.title', { area: report.area.name, year: report.year });
		return new Response(annualBody(sections, q.format, title, mark, locals.locale), {
			headers: headers(CONTENT_TYPES[q.format])
		});
	}
	const { bytes } = await orHttpError(
		locals.locale,
		annualReportPdfFor(db, user.principal, areaCode, year, {
			locale: locals.locale,
			projectRoot: env().projectRoot,
			file: file.name,
			meta: requestMeta(event),
			now
		})
	);
	return new Response(new Uint8Array(bytes), { headers: headers('application/pdf') });
};
