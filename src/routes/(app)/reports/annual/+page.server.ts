// The annual report (年度工作进展情况) of an area (?code=, the viewer's own when not given) for
// a year (?year=, this Beijing year when not given), made to be printed on A4 or saved as PDF.
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import { annualReport, beijingYear } from '$lib/server/services/annual-report';
import { annualReportQuery, parseQuery } from '$lib/server/validation';
import { beijingYearOf } from '$lib/domain/report-year';

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const q = parseQuery(annualReportQuery, url, locals.locale);
	const { db } = await database();
	try {
		const report = await annualReport(
			db,
			user.principal,
			q.code ?? user.principal.jurisdiction,
			q.year ?? beijingYear(new Date())
		);
		// the year picker offers only the years a report can be made for
		return { report, user: user.principal.username, maxYear: beijingYearOf(new Date()) };
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
