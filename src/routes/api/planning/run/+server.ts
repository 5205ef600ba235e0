// Choose k new sites for the planner's jurisdiction (services/planning.ts): JSON in, the chosen
// sites with the released children each newly covers out.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { assertPlanner, runSiting, sitingArea } from '$lib/server/services/planning';
import { badRequest, orHttpError } from '$lib/server/http/errors';
import { parseOrError } from '$lib/server/validation';
import { RunBody } from '$lib/server/planning-input';
import { translator } from '$lib/i18n';

export const POST: RequestHandler = async ({ request, locals }) => {
	const { user } = signedIn(locals);
	// the role first: a body is read only for someone who may plan
	await orHttpError(locals.locale, async () => assertPlanner(user.principal));
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		badRequest(locals.locale, translator(locals.locale)('valid.json'));
	}
	const q = parseOrError(RunBody, body, locals.locale);
	const { db } = await database();
	// the area the page plans in (a county chosen above the county), checked against the jurisdiction
	const { who } = await orHttpError(locals.locale, sitingArea(db, user.principal, q.area));
	const answer = await orHttpError(locals.locale, runSiting(db, who, q));
	return json(answer, { headers: { 'Cache-Control': 'no-store' } });
};
