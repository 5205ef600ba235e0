import type { LayoutServerLoad } from './$types';
import { env } from '$lib/server/env';
import { isAdminRole } from '$lib/server/auth/roles';
import { clientVersion } from '$lib/server/services/freshness';
import { basemapStatus } from '$lib/server/basemap';
import { database } from '$lib/server/db';
import { findUnit } from '$lib/server/services/areas';
import { emergenciesFor } from '$lib/server/services/emergency';

// the jurisdiction's name for the printed header: units do not change while the app runs, so
// each is read once, not on every navigation
const unitNames = new Map<string, string>();
async function unitName(code: string): Promise<string> {
	let name = unitNames.get(code);
	if (name === undefined) {
		const { db } = await database();
		name = (await findUnit(db, code))?.name ?? code;
		unitNames.set(code, name);
	}
	return name;
}

export const load: LayoutServerLoad = async ({ locals, url }) => {
	const cfg = env();
	// read on every navigation (the path is a dependency), so a map opened after a change asks
	// for fresh tiles
	void url.pathname;
	const u = locals.user;
	const vector = await basemapStatus();
	// the emergencies in force over an emergency worker's area, for the banner (nothing for
	// other roles: emergenciesFor answers only theirs)
	const emergencies =
		u && u.secondFactorOk && u.principal.role === 'emergency'
			? (await emergenciesFor((await database()).db, u.principal))
					.filter((e) => e.active)
					.map((e) => ({
						id: e.id,
						areaName: e.areaName,
						startsAt: e.startsAt.toISOString(),
						endsAt: e.endsAt.toISOString()
					}))
			: [];
	return {
		locale: locals.locale,
		emergencies,
		demo: cfg.seedDemo,
		mapVersion: clientVersion(),
		basemap: cfg.basemapUrl
			? { url: cfg.basemapUrl, attribution: cfg.basemapAttribution ?? '' }
			: null,
		// the operator's offline vector basemap (BASEMAP_PMTILES), served by this app; the
		// file's version in the URL, so that nothing kept is ever of another file
		basemapPmtiles:
			vector.state === 'ok' && u
				? {
						url: `/tiles/basemap.pmtiles?v=${vector.etag}`,
						attribution: vector.attribution || cfg.basemapAttribution || '',
						minZoom: vector.summary.minZoom,
						maxZoom: vector.summary.maxZoom
					}
				: null,
		// only what the header needs; never anything about children
		user:
			u && u.secondFactorOk
				? {
						displayName: u.displayName,
						username: u.principal.username,
						role: u.principal.role,
						jurisdiction: u.principal.jurisdiction,
						jurisdictionName: await unitName(u.principal.jurisdiction),
						isAdmin: isAdminRole(u.principal.role)
					}
				: null
	};
};
