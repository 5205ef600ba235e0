// A hazard's step taken on a phone out of signal, sent from the outbox when the signal returns:
// multipart/form-data with the page form's own fields (http/hazard-step-form), the hazard's id,
// the action, and the phone's UUID for the step (required here). The after photo of a fix comes
// in the same request: the database refuses "fixed" without one, so the step and its photo are
// stored together or not at all. Idempotent by the UUID: 201 when taken, 200 when it was already
// (an answer lost on the way back), else {field, message} in the user's language.
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import * as v from 'valibot';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { hazardStepOf } from '$lib/server/http/hazard-step-form';
import { stepHazard } from '$lib/server/services/campaigns';
import { idText, parse } from '$lib/server/validation';
import { HAZARD_ACTIONS } from '$lib/domain/hazard';
import { translator } from '$lib/i18n';

const NO_STORE = { 'Cache-Control': 'no-store' };

const Head = v.object({
	hazardId: idText,
	action: v.picklist(HAZARD_ACTIONS),
	clientUuid: v.pipe(v.string(), v.uuid('valid.uuid'))
});

export const POST: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const refuse = (field: string, message: string, status = 400) =>
		json({ field, message }, { status, headers: NO_STORE });
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch {
		// a body cut off by a dropped connection: the outbox sends it again
		return refuse('*', translator(locale)('check.err.upload'));
	}
	const head = parse(
		Head,
		{
			hazardId: form.get('hazardId') ?? undefined,
			action: form.get('action') ?? undefined,
			clientUuid: form.get('clientUuid') ?? undefined
		},
		locale
	);
	if (!head.ok) return refuse(head.field, head.message);
	const b = await hazardStepOf(head.value.action, form, locale);
	if (!b.ok) return refuse(b.field, b.message);
	const { db } = await database();
	try {
		const r = await stepHazard(
			db,
			user.principal,
			head.value.hazardId,
			{ ...b.step, clientUuid: head.value.clientUuid },
			b.photo,
			requestMeta(event)
		);
		return json(r, { status: r.duplicate ? 200 : 201, headers: NO_STORE });
	} catch (e) {
		const r = refusalOf(locale, e);
		if (r) return refuse(r.field ?? '*', r.message, r.status);
		throwAsHttp(locale, e);
	}
};
