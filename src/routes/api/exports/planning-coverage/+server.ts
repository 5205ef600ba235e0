// The planner's coverage results (by village or by township, by category, at each reach) as a
// file, with the same released figures as the page; each export is in the audit log.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { listFileResponse } from '$lib/server/http/list-file';
import { orHttpError } from '$lib/server/http/errors';
import { assertPlanner, planningArea, villageCoverage } from '$lib/server/services/planning';
import { EXPORT_FORMATS } from '$lib/server/exports-lists';
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
	return listFileResponse(db, event, user, {
		resource: `planning.coverage.${q.level}`,
		format: q.format,
		area,
		what,
		sheet: t('plan.coverageSheet'),
		table
	});
};
