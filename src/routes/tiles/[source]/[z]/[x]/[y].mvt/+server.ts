import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { tile } from '$lib/server/services/map';
import { TILE_MAX_ZOOM, TILE_SOURCES, type TileSource } from '$lib/server/tiles/sources';
import { isValidTile } from '$lib/geo/tiles';
import { badRequest } from '$lib/server/http/errors';
import { signedIn } from '$lib/server/http/guard';

export const GET: RequestHandler = async ({ params, locals }) => {
	const z = Number(params.z);
	const x = Number(params.x);
	const y = Number(params.y);
	if (!(TILE_SOURCES as readonly string[]).includes(params.source)) {
		badRequest(locals.locale, `source "${params.source}" ∉ ${TILE_SOURCES.join(', ')}`);
	}
	// deeper tiles are drawn by the map from zoom 14's (children's cells end there)
	if (!isValidTile(z, x, y, TILE_MAX_ZOOM))
		badRequest(locals.locale, `tile ${params.z}/${params.x}/${params.y} (zoom 0–${TILE_MAX_ZOOM})`);
	const { scope } = signedIn(locals);
	const { db } = await database();
	const body = await tile(db, scope, params.source as TileSource, z, x, y);
	return new Response(body.byteLength ? Buffer.from(body) : null, {
		status: body.byteLength ? 200 : 204,
		headers: {
			'Content-Type': 'application/vnd.mapbox-vector-tile',
			'Cache-Control': 'private, max-age=60'
		}
	});
};
