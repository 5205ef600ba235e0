// Segment lines inside a small box, for "segments near me" computed with Turf on the phone.
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { translator } from '$lib/i18n';
import { segmentLinesIn } from '$lib/server/services/waterways';
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
	const rows = await segmentLinesIn(db, scope, b);
	return json(
		{
			type: 'FeatureCollection',
			features: rows.map((x) => ({
				type: 'Feature',
				id: x.id,
				properties: { name: x.name, kind: x.kind, usable: x.usable, required: x.required },
				geometry: JSON.parse(x.g)
			}))
		},
		{ headers: { 'Cache-Control': 'private, no-store' } }
	);
};
