// A hazard's step as a form sends it: the page's own forms (register, fix, close, send back) and
// the phone's outbox, which sends the same fields to /api/hazard-steps when a step was taken out
// of signal. One reading for both, so a step means the same whichever way it came. The shape is
// checked here (a 400 naming the field); whether the step is allowed is the state machine's.
import * as v from 'valibot';
import { blankOr, fieldsOf, parse, shanghaiDay, text } from '$lib/server/validation';
import {
	HAZARD_ACTIONS,
	HAZARD_SEVERITIES,
	HAZARD_STATES,
	type HazardAction,
	type HazardState,
	type HazardStep
} from '$lib/domain/hazard';
import { MAX_UPLOAD_BYTES } from '$lib/server/photos';
import { translator, type Locale } from '$lib/i18n';

// every step names the state the user saw: a step taken on a hazard that has moved on since
// (someone else acted first) is refused; and the phone's id for the step, when it sends one
const common = {
	expected: v.picklist(HAZARD_STATES),
	clientUuid: blankOr(v.pipe(v.string(), v.uuid('valid.uuid'))),
	// when the phone's outbox kept the step (it was taken out of signal)
	takenAt: blankOr(
		v.pipe(
			v.string(),
			v.isoTimestamp('valid.isoTime'),
			v.transform((s) => new Date(s))
		)
	)
};
const Register = v.object({
	...common,
	severity: v.picklist(HAZARD_SEVERITIES),
	responsible: v.pipe(text(100), v.trim(), v.minLength(1, 'hazard.err.responsible')),
	deadline: shanghaiDay
});
const Note = v.object({ ...common, note: v.optional(text(1000)) });

export const isHazardAction = (a: unknown): a is HazardAction =>
	typeof a === 'string' && (HAZARD_ACTIONS as readonly string[]).includes(a);

export type HazardStepForm =
	| {
			ok: true;
			step: HazardStep & { expected: HazardState; clientUuid?: string; takenAt?: Date };
			photo: Buffer | null;
	  }
	| { ok: false; field: string; message: string };

export async function hazardStepOf(
	action: HazardAction,
	form: FormData,
	locale: Locale
): Promise<HazardStepForm> {
	const fields = fieldsOf(form);
	if (action === 'register') {
		const p = parse(Register, fields, locale);
		if (!p.ok) return { ok: false, field: p.field, message: p.message };
		// the deadline is a last day, inclusive: it ends when the next day begins
		const deadline = new Date(p.value.deadline.getTime() + 86400_000);
		return { ok: true, photo: null, step: { action: 'register', ...p.value, deadline } };
	}
	const p = parse(Note, fields, locale);
	if (!p.ok) return { ok: false, field: p.field, message: p.message };
	const { expected, clientUuid, takenAt } = p.value;
	const note = p.value.note ?? '';
	if (action !== 'fix')
		return { ok: true, photo: null, step: { action, expected, clientUuid, takenAt, note } };
	const f = form.get('photo');
	if (f instanceof File && f.size > MAX_UPLOAD_BYTES)
		return { ok: false, field: 'photo', message: translator(locale)('photo.tooLarge') };
	// an empty file input arrives as a file of no bytes: no photo
	const photo = f instanceof File && f.size > 0 ? Buffer.from(await f.arrayBuffer()) : null;
	return {
		ok: true,
		photo,
		step: { action: 'fix', expected, clientUuid, takenAt, note, afterPhoto: photo !== null }
	};
}
