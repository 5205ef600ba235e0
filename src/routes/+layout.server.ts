import type { LayoutServerLoad } from './$types';
import { env } from '$lib/server/env';
import { isAdminRole } from '$lib/server/auth/roles';

export const load: LayoutServerLoad = async ({ locals }) => {
	const cfg = env();
	const u = locals.user;
	return {
		locale: locals.locale,
		demo: cfg.seedDemo,
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
