// A saved siting scenario's sites as a file: CSV (UTF-8 with BOM, formula-safe), XLSX or
// GeoJSON; GDAL reads all three. Only the author's own scenarios of their jurisdiction. The
// GeoJSON's properties are the CSV's headings in the user's language (tableFeatures), as in
// every other export, and it says who exported it and when (`exported`).
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { assertPlanner, getScenario, planningArea } from '$lib/server/services/planning';
import {
	contentDisposition,
	geojsonStream,
	scenarioFeatures,
	scenarioFileName,
	scenarioTable,
	toCsv,
	toXlsx
} from '$lib/server/exports';
import { translator } from '$lib/i18n';
import { orHttpError } from '$lib/server/http/errors';
import { adminCode, blankOr, idText, parseQuery } from '$lib/server/validation';

const Query = v.object({
	scenario: idText,
	/** the area the scenario was saved in (a county chosen above the county); the jurisdiction by default */
	area: blankOr(adminCode),
	format: v.optional(v.picklist(['csv', 'xlsx', 'geojson']), 'csv')
});

const TYPES = {
	csv: 'text/csv; charset=utf-8',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	geojson: 'application/geo+json; charset=utf-8'
} as const;

export const GET: RequestHandler = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const t = translator(locals.locale);
	await orHttpError(locals.locale, async () => assertPlanner(user.principal));
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const { who, unit } = await orHttpError(locals.locale, planningArea(db, user.principal, q.area));
	const s = await orHttpError(locals.locale, getScenario(db, who, q.scenario));
	const file = scenarioFileName({ code: unit.code, name: unit.name }, s, locals.locale, q.format);
	const mark = { user: user.principal.username, at: new Date() };
	async function* features() {
		yield scenarioFeatures(s, locals.locale);
	}
	const body =
		q.format === 'geojson'
			? geojsonStream(features(), mark, s.name)
			: new Uint8Array(
					q.format === 'csv'
						? Buffer.from(toCsv(scenarioTable(s, locals.locale)), 'utf8')
						: await toXlsx(scenarioTable(s, locals.locale), t('plan.sheet'), mark, locals.locale)
				);
	return new Response(body, {
		headers: {
			'Content-Type': TYPES[q.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
