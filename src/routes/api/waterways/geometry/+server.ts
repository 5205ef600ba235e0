// Segment lines inside a small box, for "segments near me" computed with Turf on the phone.
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { sql } from 'kysely';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { translator } from '$lib/i18n';
import { USABLE_ITEMS } from '$lib/server/repositories/equipment';
import { parseQuery } from '$lib/server/validation';

const MAX_SPAN_DEG = 0.25;

/** bbox=west,south,east,north: four finite numbers, west of east and south of north. */
const Query = v.object({
	bbox: v.pipe(
		v.string(),
		v.maxLength(200),
		v.transform((s) => s.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)))),
		v.check(
			(b) => b.length === 4 && b.every(Number.isFinite) && b[0] < b[2] && b[1] < b[3],
			'valid.bbox'
		)
	)
});

export const GET: RequestHandler = async ({ url, locals }) => {
	const { scope } = signedIn(locals);
	const t = translator(locals.locale);
	const b = parseQuery(Query, url, locals.locale).bbox;
	if (b[2] - b[0] > MAX_SPAN_DEG || b[3] - b[1] > MAX_SPAN_DEG)
		error(400, { message: t('error.badRequest') + `bbox ≤ ${MAX_SPAN_DEG}°` });
	const { db } = await database();
	const r = await sql<{
		id: number;
		name: string;
		kind: string;
		usable: number;
		required: boolean;
		g: string;
	}>`
		SELECT w.id, w.name, w.kind, coalesce(sr.required, false) AS required,
			(SELECT ${USABLE_ITEMS} FROM safety_equipment se WHERE se.waterway_id = w.id)::int AS usable,
			ST_AsGeoJSON(w.geom, 6) AS g
		FROM waterways w LEFT JOIN segment_requirements sr ON sr.waterway_id = w.id
		WHERE w.township_code LIKE ${scope.sitePrefix + '%'}
			AND w.geom && ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)
		ORDER BY w.id LIMIT 5000`.execute(db);
	return json(
		{
			type: 'FeatureCollection',
			features: r.rows.map((x) => ({
				type: 'Feature',
				id: x.id,
				properties: { name: x.name, kind: x.kind, usable: x.usable, required: x.required },
				geometry: JSON.parse(x.g)
			}))
		},
		{ headers: { 'Cache-Control': 'private, no-store' } }
	);
};
