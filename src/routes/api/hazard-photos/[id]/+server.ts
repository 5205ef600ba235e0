// The after photo of a hazard's fix, for whoever may see the hazard (its area in their scope).
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { hazardPhotoFor } from '$lib/server/services/campaigns';
import { throwAsHttp } from '$lib/server/http/errors';
import { idText, parseOrError } from '$lib/server/validation';

export const GET: RequestHandler = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale);
	const { db } = await database();
	try {
		const p = await hazardPhotoFor(db, user.principal, id);
		return new Response(Buffer.from(p.bytes), {
			headers: {
				'Content-Type': p.mime,
				// a household visit's photo shows a child's home: not kept by the browser
				'Cache-Control': p.home ? 'private, no-store' : 'private, max-age=3600',
				'X-Content-Type-Options': 'nosniff'
			}
		});
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
