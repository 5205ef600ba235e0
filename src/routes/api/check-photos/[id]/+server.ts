// A photo of a target check, whole and as it was sent (stamped on the phone), for whoever may see
// its target (its area in their scope).
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { checkPhotoFor } from '$lib/server/services/field';
import { throwAsHttp } from '$lib/server/http/errors';
import { idText, parseOrError } from '$lib/server/validation';
import { env } from '$lib/server/env';

export const GET: RequestHandler = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale);
	const { db } = await database();
	try {
		const p = await checkPhotoFor(db, user.principal, id, env().uploadDir);
		return new Response(new Uint8Array(p.bytes), {
			headers: {
				'Content-Type': 'image/jpeg',
				// a household visit's photo shows a child's home: not kept by the browser
				'Cache-Control': p.home ? 'private, no-store' : 'private, max-age=3600',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
