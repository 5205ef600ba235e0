import type { PageServerLoad } from './$types';
import * as v from 'valibot';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { riverChiefsFor, segmentsFor, type SegmentListItem } from '$lib/server/services/waterways';
import { unionOfBoxes } from '$lib/geo/tiles';
import { findUnit, subdivisionNames } from '$lib/server/services/areas';
import { levelOfCode } from '$lib/domain/admin';
import { riskLevel } from '$lib/domain/equipment';
import { blankOr, flag, parseQuery, segmentFilters } from '$lib/server/validation';

/** Rows a page: the list is paginated on the server (a province has 42,724 segments). */
const PAGE_SIZE = 50;
/** Up to this many listed segments, the map shows exactly them, fitted to them. */
const MAP_IDS_MAX = 5000;

const Query = v.object({
	...segmentFilters,
	page: blankOr(v.pipe(v.string(), v.regex(/^\d{1,6}$/, 'valid.pageNo'), v.transform(Number))),
	// every row in scope on one page (printing the whole list)
	all: blankOr(flag),
	// open the print dialogue once the whole list is shown
	print: blankOr(flag)
});

/**
 * The map shows exactly the listed segments when there are not too many to name, fitted to
 * them (inside the user's area: every listed segment is). The kept rows carry their boxes: no
 * query with thousands of ids. A list is a kept array shared by every request with the same
 * filter (segmentsFor), so its ids and box are worked out once per list, not per request.
 */
const maps = new WeakMap<
	readonly SegmentListItem[],
	{ mapIds: number[] | null; listBox: ReturnType<typeof unionOfBoxes> | null }
>();
function mapOf(all: readonly SegmentListItem[]) {
	let m = maps.get(all);
	if (!m) {
		const mapIds = all.length <= MAP_IDS_MAX ? all.map((s) => s.id) : null;
		m = { mapIds, listBox: mapIds ? unionOfBoxes(all.map((s) => s.bbox)) : null };
		maps.set(all, m);
	}
	return m;
}

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
	const { db } = await database();
	// filtered from the table kept for this data version: no query per row
	const all = await segmentsFor(db, user.principal, q);
	const everything = p.all === '1';
	const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
	// a page past the end shows the last one (a list that shrank since the link was made)
	const pageNo = everything ? 1 : Math.min(Math.max(p.page || 1, 1), pages);
	const shown = everything ? all : all.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
	const level = levelOfCode(user.principal.jurisdiction);
	// the area filter offers the subdivisions of the user's area: prefectures for the province,
	// counties for a prefecture, townships for a county
	const townships =
		level === 'province' || level === 'prefecture' || level === 'county'
			? await subdivisionNames(db, user.principal.jurisdiction)
			: [];
	const unit = await findUnit(db, user.principal.jurisdiction);
	const { mapIds, listBox } = mapOf(all);
	return {
		mapIds,
		bbox: listBox ?? unit!.bbox,
		query: { ...q, mine: q.mine },
		isChief,
		total: all.length,
		page: pageNo,
		pages: everything ? 1 : pages,
		pageSize: PAGE_SIZE,
		all: everything,
		offset: everything ? 0 : (pageNo - 1) * PAGE_SIZE,
		segments: shown.map((s) => ({
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
		chiefs: isChief ? [] : await riverChiefsFor(db, user.principal),
		townships,
		subLevel:
			({ province: 'prefecture', prefecture: 'county', county: 'township' } as const)[
				level as 'province' | 'prefecture' | 'county'
			] ?? 'township'
	};
};
