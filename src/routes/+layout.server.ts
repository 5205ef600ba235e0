import type { LayoutServerLoad } from './$types';
import { env } from '$lib/server/env';

export const load: LayoutServerLoad = async ({ locals }) => {
	const cfg = env();
	return {
		locale: locals.locale,
		demo: cfg.seedDemo,
		basemap: cfg.basemapUrl
			? { url: cfg.basemapUrl, attribution: cfg.basemapAttribution ?? '' }
			: null
	};
};
