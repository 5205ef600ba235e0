// A saved siting scenario's sites as a file: CSV (UTF-8 with BOM, formula-safe), XLSX or
// GeoJSON; GDAL reads all three. Only the author's own scenarios of their jurisdiction.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { assertPlanner, getScenario } from '$lib/server/services/planning';
import { findUnit } from '$lib/server/services/areas';
import {
	contentDisposition,
	scenarioFileName,
	scenarioGeoJson,
	scenarioTable,
	toCsv,
	toXlsx
} from '$lib/server/exports';
import { translator } from '$lib/i18n';
import { orHttpError } from '$lib/server/http/errors';
import { idText, parseQuery } from '$lib/server/validation';

const Query = v.object({
	scenario: idText,
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
	const s = await orHttpError(locals.locale, getScenario(db, user.principal, q.scenario));
	const area = await findUnit(db, user.principal.jurisdiction);
	const file = scenarioFileName(
		{ code: user.principal.jurisdiction, name: area?.name ?? user.principal.jurisdiction },
		s,
		locals.locale,
		q.format
	);
	const body =
		q.format === 'geojson'
			? Buffer.from(scenarioGeoJson(s, locals.locale), 'utf8')
			: q.format === 'csv'
				? Buffer.from(toCsv(scenarioTable(s, locals.locale)), 'utf8')
				: await toXlsx(scenarioTable(s, locals.locale), t('plan.sheet'));
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type': TYPES[q.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
