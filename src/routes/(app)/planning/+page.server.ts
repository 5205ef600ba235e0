import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import { findUnit } from '$lib/server/services/areas';
import {
	assertPlanner,
	getScenario,
	listScenarios,
	planningBase,
	villageCoverage
} from '$lib/server/services/planning';
import { blankOr, idText, parseQuery } from '$lib/server/validation';

const Query = v.object({ a: blankOr(idText), b: blankOr(idText) });

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	try {
		assertPlanner(user.principal);
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	try {
		const [base, scenarios, unit] = await Promise.all([
			planningBase(db, user.principal),
			listScenarios(db, user.principal),
			findUnit(db, user.principal.jurisdiction)
		]);
		const compare =
			q.a && q.b
				? await Promise.all([
						getScenario(db, user.principal, q.a),
						getScenario(db, user.principal, q.b)
					])
				: null;
		const villages = await villageCoverage(db, user.principal, base);
		return {
			area: { code: unit!.code, name: unit!.name },
			bbox: unit!.bbox,
			// released cells (the map's own figures) for the what-if in the browser
			cells: base.cells,
			fixed: base.fixed.map((f) => ({ kind: f.kind, name: f.name, lon: f.lon, lat: f.lat })),
			upgrades: base.candidates.filter((c) => c.kind === 'upgrade'),
			coverage: base.coverage,
			// uncovered demand for the map: released cells no usable site reaches (tile values)
			uncovered: base.uncovered,
			all: base.all,
			scenarios,
			compare,
			// coverage by village and township: released village counts and their sums only
			villages
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
