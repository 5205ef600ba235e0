// "Near a place" for emergency staff in a flood: the institutions, the open hazards and the
// children counts of a drawn area or of the stretch around one river reach, inside their
// jurisdiction. Children are counted as villages: a village whose centre lies in the place
// counts with its released figures (the ones its area page shows), and the place's figure is
// their sum, as the planning page's village coverage does. Nothing is counted from residences,
// so no answer says more than the village figures already do, however the place is drawn.
import { campaignItemLabels } from './checklists';
import { labelKey } from '$lib/domain/checklist';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { isAdminRole } from '../auth/roles';
import { inSiteScope, scopeFor } from '../auth/scope';
import { CheckRejected, Forbidden, NotFoundError } from '../errors';
import {
	areaTouchesUnit,
	institutionsInPlace,
	openHazardsInPlace,
	segmentTownship,
	villagesInPlace,
	type PlaceHazardRow,
	type PlaceInstitutionRow,
	type PlaceQuery,
	type PlaceVillageRow
} from '../repositories/emergency-place';
import { checkPlaceRing } from '$lib/geo/place';

/** The distances around a reach that may be asked for (metres). */
export const REACH_RADII_M = [200, 500, 1000, 2000] as const;
/** Rows per list: a flood area is searched a few square kilometres at a time. */
const LIST_MAX = 500;

export type PlaceInput =
	| { kind: 'area'; ring: [number, number][] }
	| { kind: 'segment'; segmentId: number; radiusM: number };

export interface PlaceAnswer {
	place:
		| { kind: 'area'; areaM2: number }
		| { kind: 'segment'; segmentId: number; name: string; radiusM: number };
	institutions: PlaceInstitutionRow[];
	hazards: (PlaceHazardRow & { label: string | null })[];
	villages: PlaceVillageRow[];
	/** sums of the villages' released figures (null: no village with figures in the place) */
	children: { total: number | null; leftBehind: number | null; inDifficulty: number | null };
	/** a list cut at its limit */
	truncated: boolean;
}

/** Who may search a place: emergency staff, and the administrators who declare emergencies. */
export function mayAskNearPlace(who: Principal): boolean {
	return who.role === 'emergency' || isAdminRole(who.role);
}

function sumOf(rows: PlaceVillageRow[], key: 'total' | 'left_behind' | 'in_difficulty') {
	const known = rows.map((r) => r[key]).filter((x): x is number => x !== null);
	return known.length ? known.reduce((a, b) => a + Number(b), 0) : null;
}

/** The ring as WKT, from numbers already checked (no text of the request reaches SQL). */
function ringWkt(ring: [number, number][]): string {
	return `POLYGON((${ring.map(([x, y]) => `${x} ${y}`).join(',')}))`;
}

export async function nearPlace(
	db: Kysely<DB>,
	who: Principal,
	input: PlaceInput
): Promise<PlaceAnswer> {
	if (!mayAskNearPlace(who)) throw new Forbidden();
	const scope = scopeFor(who.jurisdiction);
	let query: PlaceQuery;
	let place: PlaceAnswer['place'];
	if (input.kind === 'area') {
		const check = checkPlaceRing(input.ring);
		if (!check.ok) throw new CheckRejected('ring', `place.err.${check.problem}`);
		const wkt = ringWkt(input.ring);
		// an area wholly outside the jurisdiction is refused; one across its edge is cut to it
		// (every list below keeps only what is registered inside the jurisdiction)
		if ((await areaTouchesUnit(db, wkt, who.jurisdiction)) === false)
			throw new CheckRejected('ring', 'place.err.outside');
		query = { kind: 'area', wkt };
		place = { kind: 'area', areaM2: Math.round(check.areaM2) };
	} else {
		if (!(REACH_RADII_M as readonly number[]).includes(input.radiusM))
			throw new CheckRejected('radiusM', 'place.err.radius');
		const seg = await segmentTownship(db, input.segmentId);
		// a segment of another jurisdiction is told like one that does not exist
		if (!seg || !inSiteScope(scope, seg.township))
			throw new NotFoundError(`waterway/${input.segmentId}`);
		query = { kind: 'segment', segmentId: input.segmentId, radiusM: input.radiusM };
		place = { kind: 'segment', segmentId: input.segmentId, name: seg.name, radiusM: input.radiusM };
	}
	const [institutions, hazards, villages] = await Promise.all([
		institutionsInPlace(db, scope.sitePrefix, query, LIST_MAX + 1),
		openHazardsInPlace(db, scope.prefix, query, LIST_MAX + 1),
		villagesInPlace(db, scope.prefix, query, LIST_MAX + 1)
	]);
	const truncated = [institutions, hazards, villages].some((l) => l.length > LIST_MAX);
	const v = villages.slice(0, LIST_MAX);
	// each item in the words its campaign's checklist gives it (an added or renamed item)
	const words = await campaignItemLabels(
		db,
		hazards.map((h) => h.campaign_id)
	);
	return {
		place,
		institutions: institutions.slice(0, LIST_MAX),
		hazards: hazards
			.slice(0, LIST_MAX)
			.map((h) => ({ ...h, label: words[labelKey(h.campaign_id, h.checklist, h.item)] ?? null })),
		villages: v,
		children: {
			total: sumOf(v, 'total'),
			leftBehind: sumOf(v, 'left_behind'),
			inDifficulty: sumOf(v, 'in_difficulty')
		},
		truncated
	};
}
