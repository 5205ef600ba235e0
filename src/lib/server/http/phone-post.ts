// A record the phone's outbox posts as JSON (a target check, a target found in the field): the
// body checked against the same schema the phone checks it with, handed to the service as the
// signed-in user, and answered as the outbox expects. 201 when stored, 200 when the phone's UUID
// was already stored (sent again after a lost answer), else {field, message} in the user's
// language: 400 for what the phone sent, the refusal's own status for what the server refuses.
import { json, type RequestEvent } from '@sveltejs/kit';
import type * as v from 'valibot';
import type { Kysely } from 'kysely';
import type { DB } from '$lib/server/db/schema';
import type { Principal } from '$lib/server/auth/policy';
import { database } from '$lib/server/db';
import type { RequestMeta } from '$lib/server/services/auth';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { parse } from '$lib/server/validation';
import { translator } from '$lib/i18n';

const NO_STORE = { 'Cache-Control': 'no-store' };

export async function phonePost<S extends v.GenericSchema, R extends { duplicate: boolean }>(
	event: RequestEvent,
	schema: S,
	store: (db: Kysely<DB>, who: Principal, value: v.InferOutput<S>, meta: RequestMeta) => Promise<R>
): Promise<Response> {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const refuse = (field: string, message: string, status = 400) =>
		json({ field, message }, { status, headers: NO_STORE });
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		return refuse('*', translator(locale)('check.err.upload'));
	}
	const p = parse(schema, body, locale);
	if (!p.ok) return refuse(p.field, p.message);
	const { db } = await database();
	try {
		const r = await store(db, user.principal, p.value, requestMeta(event));
		return json(r, { status: r.duplicate ? 200 : 201, headers: NO_STORE });
	} catch (e) {
		const r = refusalOf(locale, e);
		if (r?.field) return refuse(r.field, r.message, r.status);
		throwAsHttp(locale, e);
	}
}
