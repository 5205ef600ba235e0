import type { LayoutServerLoad } from './$types';
import { env } from '$lib/server/env';
import { isAdminRole } from '$lib/server/auth/roles';
import { mapTileVersion } from '$lib/server/services/map';

export const load: LayoutServerLoad = async ({ locals, url }) => {
	const cfg = env();
	// read on every navigation (the path is a dependency), so a map opened after a change asks
	// for fresh tiles
	void url.pathname;
	const u = locals.user;
	return {
		locale: locals.locale,
		demo: cfg.seedDemo,
		mapVersion: mapTileVersion(),
		basemap: cfg.basemapUrl
			? { url: cfg.basemapUrl, attribution: cfg.basemapAttribution ?? '' }
			: null,
		// only what the header needs; never anything about children
		user:
			u && u.secondFactorOk
				? {
						displayName: u.displayName,
						username: u.principal.username,
						role: u.principal.role,
						jurisdiction: u.principal.jurisdiction,
						isAdmin: isAdminRole(u.principal.role)
					}
				: null
	};
};
