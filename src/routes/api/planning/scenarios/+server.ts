// Save a siting scenario; its figures are measured again on the server (services/planning.ts).
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { assertPlanner, saveScenario, sitingArea } from '$lib/server/services/planning';
import { badRequest, orHttpError } from '$lib/server/http/errors';
import { parseOrError } from '$lib/server/validation';
import { SaveBody } from '$lib/server/planning-input';
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
	const s = parseOrError(SaveBody, body, locals.locale);
	const { db } = await database();
	// saved to the area planned in (a county chosen above the county), listed there
	const { who } = await orHttpError(locals.locale, sitingArea(db, user.principal, s.area));
	const id = await orHttpError(locals.locale, saveScenario(db, who, s));
	return json({ id }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
};
