// Segment lines inside a small box, for "segments near me" computed with Turf on the phone.
import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { sql } from 'kysely';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { translator } from '$lib/i18n';

const MAX_SPAN_DEG = 0.25;

export const GET: RequestHandler = async ({ url, locals }) => {
	const { scope } = signedIn(locals);
	const t = translator(locals.locale);
	const b = (url.searchParams.get('bbox') ?? '').split(',').map(Number);
	if (b.length !== 4 || b.some((v) => !Number.isFinite(v)) || b[0] >= b[2] || b[1] >= b[3]) {
		error(400, { message: t('error.badRequest') + 'bbox=west,south,east,north' });
	}
	if (b[2] - b[0] > MAX_SPAN_DEG || b[3] - b[1] > MAX_SPAN_DEG)
		error(400, { message: t('error.badRequest') + `bbox ≤ ${MAX_SPAN_DEG}°` });
	const { db } = await database();
	const r = await sql<{ id: number; name: string; kind: string; g: string }>`
		SELECT id, name, kind, ST_AsGeoJSON(geom, 6) AS g FROM waterways
		WHERE township_code LIKE ${scope.sitePrefix + '%'} AND geom && ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)
		ORDER BY id LIMIT 5000`.execute(db);
	return json(
		{
			type: 'FeatureCollection',
			features: r.rows.map((x) => ({
				type: 'Feature',
				id: x.id,
				properties: { name: x.name, kind: x.kind },
				geometry: JSON.parse(x.g)
			}))
		},
		{ headers: { 'Cache-Control': 'private, no-store' } }
	);
};
