// "Near a place" (services/emergency-place.ts): a drawn area or a river reach in, what lies in
// it out. The ring's shape is checked by the service (closed, simple, sensible size) with the
// same rules the browser used; anything malformed is a 400 in the user's language.
import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { badRequest, orHttpError } from '$lib/server/http/errors';
import { parseOrError } from '$lib/server/validation';
import { Forbidden } from '$lib/server/errors';
import { mayAskNearPlace, nearPlace } from '$lib/server/services/emergency-place';
import { translator } from '$lib/i18n';

const Position = v.tuple([v.number(), v.number()]);
const Body = v.variant('kind', [
	v.object({ kind: v.literal('area'), ring: v.pipe(v.array(Position), v.maxLength(1000)) }),
	v.object({
		kind: v.literal('segment'),
		segmentId: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 53 - 1)),
		radiusM: v.pipe(v.number(), v.integer())
	})
]);

export const POST: RequestHandler = async ({ request, locals }) => {
	const { user } = signedIn(locals);
	// the role first: a body is read only for someone who may ask
	await orHttpError(locals.locale, async () => {
		if (!mayAskNearPlace(user.principal)) throw new Forbidden();
	});
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		badRequest(locals.locale, translator(locals.locale)('valid.json'));
	}
	const q = parseOrError(Body, body, locals.locale);
	const { db } = await database();
	const answer = await orHttpError(
		locals.locale,
		nearPlace(db, user.principal, q as Parameters<typeof nearPlace>[2])
	);
	return json(answer, { headers: { 'Cache-Control': 'no-store' } });
};
