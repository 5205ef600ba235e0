// "My targets": what the signed-in worker is to visit in the campaigns running now. The phone
// orders them by distance from itself (Turf); the server sends only the targets' own points
// (a household visit's point is its village's centre, never a home), and the boundary a field
// find must fall in.
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { myTargets, othersInMyArea } from '$lib/server/services/campaigns';
import { fieldFindArea } from '$lib/server/services/field';
import { findUnit } from '$lib/server/services/areas';

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const { db } = await database();
	const [rows, others, findArea, unit] = await Promise.all([
		myTargets(db, user.principal),
		othersInMyArea(db, user.principal),
		fieldFindArea(db, user.principal),
		findUnit(db, user.principal.jurisdiction)
	]);
	return {
		// the map frames the worker's own area when it has no target (not the whole province)
		areaBounds: unit?.bbox ?? null,
		// the boundary a find in the field must fall in, so the phone refuses one outside without
		// signal (the page is kept for offline use); null for an area too large to send
		findArea,
		// the area's targets someone else holds, counted here so the list's total adds up to the
		// campaign's for the area (a village's household visit is its child director's)
		others: others.map((o) => ({
			campaignId: o.campaign_id,
			campaignName: o.campaign_name,
			kind: o.kind,
			role: o.role,
			n: o.n
		})),
		targets: rows.map((t) => ({
			id: t.id,
			kind: t.kind,
			name: t.name,
			areaName: t.area_name,
			sourceId: t.source_id,
			campaignId: t.campaign_id,
			campaignName: (t as typeof t & { campaign_name: string }).campaign_name,
			lon: t.lon,
			lat: t.lat,
			reason: t.reason,
			flagged: t.flagged,
			nearestWater: t.nearest_water,
			nearestWaterM: t.nearest_water_m,
			checks: t.checks,
			openHazards: t.open_hazards
		}))
	};
};
