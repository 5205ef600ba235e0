// Equipment checks from the field. multipart/form-data: a "check" JSON part and optional
// "photo:<item>" files. Idempotent by the check's client UUID: a phone that retries after a
// dropped connection gets the same answer and nothing is stored twice.
import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { CheckRejected, recordCheck, type CheckSubmission } from '$lib/server/services/waterways';
import { NotFoundError } from '$lib/server/services/map';
import { isMessageKey, translator } from '$lib/i18n';

export const POST: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const t = translator(event.locals.locale);
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch {
		// a body cut off by the size limit or a dropped connection: say what the user can do
		error(400, { message: t('check.err.upload') });
	}
	let parsed: Omit<CheckSubmission, 'photos'>;
	try {
		parsed = JSON.parse(String(form.get('check') ?? ''));
	} catch {
		error(400, { message: t('error.badRequest') + 'check' });
	}
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
			{ ...parsed, waterwayId: Number(parsed.waterwayId), photos },
			requestMeta(event)
		);
		return json(r, { status: r.duplicate ? 200 : 201, headers: { 'Cache-Control': 'no-store' } });
	} catch (e) {
		if (e instanceof CheckRejected) {
			return json(
				{ field: e.field, message: isMessageKey(e.key) ? t(e.key) : e.key },
				{ status: 400 }
			);
		}
		if (e instanceof NotFoundError) error(404, { message: t('error.notFound') });
		throw e;
	}
};
