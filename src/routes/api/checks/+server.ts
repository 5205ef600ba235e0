// Equipment checks from the field. multipart/form-data: a "check" JSON part (CheckPayload, the
// schema the phone checks it with too) and optional "photo:<item>" files. Idempotent by the
// check's client UUID: a phone that retries after a dropped connection gets the same answer and
// nothing is stored twice; another user's UUID is a conflict.
import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import * as v from 'valibot';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { recordCheck, type CheckSubmission } from '$lib/server/services/waterways';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { translator } from '$lib/i18n';
import { CheckPayload } from '$lib/domain/check';
import { parse } from '$lib/server/validation';

/** The "check" part: JSON text of a CheckPayload (problems are named check.slots[0] etc.). */
const CheckPart = v.object({
	check: v.pipe(
		v.string(),
		v.maxLength(100_000),
		v.check((s) => {
			try {
				JSON.parse(s);
				return true;
			} catch {
				return false;
			}
		}, 'valid.json'),
		v.transform((s) => JSON.parse(s) as unknown),
		CheckPayload
	)
});

export const POST: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const t = translator(locale);
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch {
		// a body cut off by the size limit or a dropped connection: say what the user can do
		error(400, { message: t('check.err.upload') });
	}
	// the same answer shape as a refusal by the service: the field and why, in words
	const refuse = (field: string, message: string, status = 400) =>
		json({ field, message }, { status, headers: { 'Cache-Control': 'no-store' } });
	const part = parse(CheckPart, { check: form.get('check') ?? undefined }, locale);
	if (!part.ok) return refuse(part.field, part.message);

	const photos: CheckSubmission['photos'] = [];
	for (const [name, value] of form.entries()) {
		if (!name.startsWith('photo') || typeof value === 'string') continue;
		const item = name.includes(':') ? name.split(':')[1] : null;
		photos.push({ item, data: Buffer.from(await value.arrayBuffer()) });
	}
	const { db } = await database();
	try {
		const r = await recordCheck(
			db,
			user.principal,
			{ ...part.value.check, photos },
			requestMeta(event)
		);
		return json(r, { status: r.duplicate ? 200 : 201, headers: { 'Cache-Control': 'no-store' } });
	} catch (e) {
		// a refusal about a field in the same shape as the edge's; others as HTTP errors
		const r = refusalOf(locale, e);
		if (r?.field) return refuse(r.field, r.message, r.status);
		throwAsHttp(locale, e);
	}
};
