// The planner's coverage results (by village or by township, by category, at each reach) as a
// file, with the same released figures as the page; each export is in the audit log.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import { assertPlanner, planningArea, villageCoverage } from '$lib/server/services/planning';
import { auditListExport } from '$lib/server/services/list-exports';
import { contentDisposition } from '$lib/server/exports';
import { CONTENT_TYPES, EXPORT_FORMATS, listFileName, tableBody } from '$lib/server/exports-lists';
import { townshipCoverageTable, villageCoverageTable } from '$lib/server/exports-planning';
import { adminCode, blankOr, parseQuery } from '$lib/server/validation';
import { translator } from '$lib/i18n';

// area: the county chosen above the county (the page's ?area=); the jurisdiction by default
const Query = v.union([
	v.object({
		level: v.optional(v.literal('village'), 'village'),
		format: v.optional(v.picklist(EXPORT_FORMATS), 'csv'),
		area: blankOr(adminCode)
	}),
	v.object({
		level: v.literal('township'),
		area: blankOr(adminCode),
		// townships have no place of their own here: no GeoJSON
		format: v.optional(v.picklist(['csv', 'xlsx'] as const), 'csv')
	})
]);

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	// the role first: nothing is parsed or read for anyone who may not plan
	await orHttpError(locals.locale, async () => assertPlanner(user.principal));
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const t = translator(locals.locale);
	// the area chosen on the page (its county), or the whole jurisdiction as before
	const { who, unit } = await orHttpError(locals.locale, planningArea(db, user.principal, q.area));
	const cov = await orHttpError(locals.locale, villageCoverage(db, who));
	const area = { code: unit.code, name: unit.name };
	const whole = { ...cov.jurisdiction, name: t('plan.whole') };
	const table =
		q.level === 'township'
			? townshipCoverageTable([...cov.townships, whole], locals.locale)
			: villageCoverageTable(cov.villages, cov.townships, locals.locale);
	const what = {
		name: `${t('plan.coverageSheet')}-${t(q.level === 'township' ? 'plan.township' : 'plan.village')}`,
		ascii: `coverage-${q.level}`
	};
	const mark = { user: user.principal.username, at: new Date() };
	const file = listFileName(area, what, q.format, mark);
	await auditListExport(
		db,
		user.principal,
		`planning.coverage.${q.level}`,
		q.format,
		area.code,
		{ file: file.name, rows: table.rows.length },
		requestMeta(event)
	);
	return new Response(tableBody(table, q.format, t('plan.coverageSheet'), mark, locals.locale), {
		headers: {
			'Content-Type': CONTENT_TYPES[q.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
