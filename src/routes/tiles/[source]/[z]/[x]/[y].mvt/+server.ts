import type { RequestHandler } from './$types';
import * as v from 'valibot';
import { database } from '$lib/server/db';
import { tile } from '$lib/server/services/map';
import { TILE_MAX_ZOOM, TILE_SOURCES } from '$lib/server/tiles/sources';
import { isValidTile } from '$lib/geo/tiles';
import { error } from '@sveltejs/kit';
import { translator } from '$lib/i18n';
import { signedIn } from '$lib/server/http/guard';
import { parseOrError } from '$lib/server/validation';

const tileNumber = v.pipe(
	v.string(),
	v.regex(/^\d{1,8}$/, 'valid.wholeNumber'),
	v.transform(Number)
);
const Params = v.object({
	source: v.picklist(TILE_SOURCES),
	z: tileNumber,
	x: tileNumber,
	y: tileNumber
});

export const GET: RequestHandler = async ({ params, locals }) => {
	const { source, z, x, y } = parseOrError(Params, params, locals.locale);
	// deeper tiles are drawn by the map from zoom 14's (children's cells end there)
	if (!isValidTile(z, x, y, TILE_MAX_ZOOM))
		error(400, {
			message: translator(locals.locale)('error.tile', {
				tile: `${params.z}/${params.x}/${params.y}`,
				max: TILE_MAX_ZOOM
			})
		});
	const { scope } = signedIn(locals);
	const { db } = await database();
	const body = await tile(db, scope, source, z, x, y);
	return new Response(body.byteLength ? Buffer.from(body) : null, {
		status: body.byteLength ? 200 : 204,
		headers: {
			'Content-Type': 'application/vnd.mapbox-vector-tile',
			'Cache-Control': 'private, max-age=60'
		}
	});
};
