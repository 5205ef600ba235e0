// A target check from the phone's outbox, as JSON (domain/field.ts TargetCheckPayload, the schema
// the phone checks it with too): the record first, its photos follow over tus (/api/uploads).
// Idempotent by the check's client UUID: sent again, the same answer and nothing stored twice.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { recordFieldCheck } from '$lib/server/services/field';
import { TargetCheckPayload } from '$lib/domain/field';
import { parse } from '$lib/server/validation';
import { translator } from '$lib/i18n';

const NO_STORE = { 'Cache-Control': 'no-store' };

export const POST: RequestHandler = async (event) => {
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
	const p = parse(TargetCheckPayload, body, locale);
	if (!p.ok) return refuse(p.field, p.message);
	const { db } = await database();
	try {
		const r = await recordFieldCheck(db, user.principal, p.value, requestMeta(event));
		return json(r, { status: r.duplicate ? 200 : 201, headers: NO_STORE });
	} catch (e) {
		const r = refusalOf(locale, e);
		if (r?.field) return refuse(r.field, r.message, r.status);
		throwAsHttp(locale, e);
	}
};
