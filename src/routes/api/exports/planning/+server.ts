// A saved siting scenario's sites as a file: CSV (UTF-8 with BOM, formula-safe), XLSX or
// GeoJSON; GDAL reads all three. Only the author's own scenarios of their jurisdiction. The
// GeoJSON's properties are the CSV's headings in the user's language, its layer the scenario's
// name. Served as every list export is (http/list-file.ts): named and watermarked with the user
// and the time, and audited.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { listFileResponse } from '$lib/server/http/list-file';
import { assertPlanner, getScenario, planningArea } from '$lib/server/services/planning';
import { scenarioTable } from '$lib/server/exports';
import { EXPORT_FORMATS } from '$lib/server/exports-lists';
import { translator } from '$lib/i18n';
import { orHttpError } from '$lib/server/http/errors';
import { adminCode, blankOr, idText, parseQuery } from '$lib/server/validation';

const Query = v.object({
	scenario: idText,
	/** the area the scenario was saved in (a county chosen above the county); the jurisdiction by default */
	area: blankOr(adminCode),
	format: v.optional(v.picklist(EXPORT_FORMATS), 'csv')
});

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	// the role first: nothing is parsed or read for anyone who may not plan
	await orHttpError(locals.locale, async () => assertPlanner(user.principal));
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const { who, unit } = await orHttpError(locals.locale, planningArea(db, user.principal, q.area));
	const s = await orHttpError(locals.locale, getScenario(db, who, q.scenario));
	return listFileResponse(db, event, user, {
		resource: 'planning.scenario',
		format: q.format,
		area: { code: unit.code, name: unit.name },
		what: { name: `${t('plan.sheet')}-${s.name}`, ascii: `scenario-${s.id}` },
		sheet: t('plan.sheet'),
		table: scenarioTable(s, locals.locale)
	});
};
