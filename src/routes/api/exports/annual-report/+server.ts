// The annual report (年度工作进展情况) as a PDF: the figures of /reports/annual for the same
// ?code= and ?year=, written on the server with its own font (no browser, no outside request),
// watermarked on every sheet with who exported it and when, and audited.
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { env } from '$lib/server/env';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { annualReportPdfFor, beijingYear } from '$lib/server/services/annual-report';
import { findUnit } from '$lib/server/services/areas';
import { contentDisposition } from '$lib/server/exports';
import { listFileName } from '$lib/server/exports-lists';
import { translator } from '$lib/i18n';
import { annualReportQuery, parseQuery } from '$lib/server/validation';

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const q = parseQuery(annualReportQuery, url, locals.locale);
	const areaCode = q.code ?? user.principal.jurisdiction;
	const year = q.year ?? beijingYear(new Date());
	const { db } = await database();
	const now = new Date();
	// the name before the figures are read, so the audit row names the file the user gets
	const unit = await findUnit(db, areaCode);
	const file = listFileName(
		{ code: areaCode, name: unit?.name ?? areaCode },
		{ name: `${year}${t('annual.pdf.file')}`, ascii: `annual-report-${year}` },
		'pdf',
		{ user: user.principal.username, at: now }
	);
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
	return new Response(new Uint8Array(bytes), {
		headers: {
			'Content-Type': 'application/pdf',
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
