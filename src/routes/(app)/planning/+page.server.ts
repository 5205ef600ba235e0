import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import {
	areaChoices,
	assertPlanner,
	getScenario,
	listScenarios,
	planningArea,
	planningBase,
	villageCoverage
} from '$lib/server/services/planning';
import { adminCode, blankOr, idText, parseQuery } from '$lib/server/validation';
import { plansDirectly } from '$lib/domain/planning';

// area: a unit inside the jurisdiction to plan in (above the county, the county chosen)
const Query = v.object({ a: blankOr(idText), b: blankOr(idText), area: blankOr(adminCode) });

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
		const chosen = await planningArea(db, user.principal, q.area);
		const { who, unit } = chosen;
		const area = { code: unit.code, name: unit.name, level: unit.level };
		// the way back up when the area is one chosen below the jurisdiction
		const up = unit.code === user.principal.jurisdiction ? null : (unit.parentCode ?? null);
		if (!plansDirectly(unit.level)) {
			// above the county: a summary to choose the county from, no cells (27 MB for a province)
			return {
				mode: 'choose' as const,
				area,
				up,
				choices: await areaChoices(db, chosen)
			};
		}
		const [base, scenarios] = await Promise.all([planningBase(db, who), listScenarios(db, who)]);
		const compare =
			q.a && q.b ? await Promise.all([getScenario(db, who, q.a), getScenario(db, who, q.b)]) : null;
		const villages = await villageCoverage(db, who, base);
		return {
			mode: 'plan' as const,
			area,
			up,
			/** the ?area= the page's requests carry (null: the planner's own jurisdiction) */
			scoped: q.area ? unit.code : null,
			bbox: unit.bbox,
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
