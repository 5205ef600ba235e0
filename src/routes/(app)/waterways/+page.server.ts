import type { PageServerLoad } from './$types';
import * as v from 'valibot';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { riverChiefsFor, segmentsExtent, segmentsFor } from '$lib/server/services/waterways';
import { childUnits, findUnit } from '$lib/server/services/areas';
import { levelOfCode } from '$lib/domain/admin';
import { riskLevel } from '$lib/domain/equipment';
import { blankOr, parseQuery, segmentFilters } from '$lib/server/validation';

const PAGE = 100;

const Query = v.object({
	...segmentFilters,
	limit: blankOr(v.pipe(v.string(), v.regex(/^\d{1,6}$/, 'valid.integer'), v.transform(Number)))
});

export const load: PageServerLoad = async ({ url, locals }) => {
	const { user } = signedIn(locals);
	const isChief = user.principal.role === 'river_chief';
	const p = parseQuery(Query, url, locals.locale);
	const q = {
		// a river chief starts on their own segments
		mine: p.mine ? p.mine === '1' : isChief,
		chief: p.chief,
		kind: p.kind,
		township: p.township,
		completeness: p.completeness,
		requiredOnly: p.required === '1'
	};
	const limit = Math.min(Math.max(p.limit || PAGE, PAGE), 5000);
	const { db } = await database();
	const all = await segmentsFor(db, user.principal, q);
	const level = levelOfCode(user.principal.jurisdiction);
	// the area filter offers the subdivisions of the user's area: prefectures for the province,
	// counties for a prefecture, townships for a county
	const townships =
		level === 'province' || level === 'prefecture' || level === 'county'
			? (await childUnits(db, user.principal.jurisdiction)).map((t) => ({
					code: t.code,
					name: t.name
				}))
			: [];
	const unit = await findUnit(db, user.principal.jurisdiction);
	// the map shows exactly the listed segments when there are not too many to name, fitted
	// to them (inside the user's area: every listed segment is)
	const mapIds = all.length <= 5000 ? all.map((s) => s.id) : null;
	const listBox = mapIds ? await segmentsExtent(db, mapIds) : null;
	return {
		mapIds,
		bbox: listBox ?? unit!.bbox,
		query: { ...q, mine: q.mine },
		isChief,
		total: all.length,
		segments: all.slice(0, limit).map((s) => ({
			id: s.id,
			kind: s.kind,
			name: s.name,
			township: s.township_name,
			usable: s.usable,
			completeness: s.completeness,
			required: s.required,
			// released (perturbed) by segmentsFor, as everywhere a count of children is shown
			childrenWithin: s.children_within,
			risk: riskLevel(s.risk),
			chief: s.river_chief_name,
			lastChecked: s.last_checked ? new Date(s.last_checked).toISOString() : null
		})),
		limit,
		chiefs: isChief ? [] : await riverChiefsFor(db, user.principal),
		townships,
		subLevel:
			({ province: 'prefecture', prefecture: 'county', county: 'township' } as const)[
				level as 'province' | 'prefecture' | 'county'
			] ?? 'township'
	};
};
