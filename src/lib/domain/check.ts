// The equipment check as it travels from the phone: built by the check form, kept in the
// offline outbox, sent as the "check" part of POST /api/checks and parsed there. One schema for
// all three, so the browser refuses what the server would refuse, with the same reasons.
// Messages are i18n keys (src/lib/i18n/issues.ts puts them into words).
import * as v from 'valibot';
import { EQUIPMENT_ITEMS, statusesFor } from './equipment';

/** The client UUID: random (v4) from crypto.randomUUID, any RFC 4122 version accepted. */
export const CHECK_UUID_RE =
	/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Longest note, after trimming. */
export const MAX_NOTE_LENGTH = 1000;

const RECORDABLE = ['present', 'missing', 'damaged', 'used'] as const;

const Slot = v.object({
	item: v.picklist(EQUIPMENT_ITEMS, 'check.err.item'),
	status: v.picklist(RECORDABLE, 'check.err.status')
});

const POSITION = 'check.err.position';
const Coordinate = (limit: number) =>
	v.nullish(
		v.pipe(
			v.number(POSITION),
			v.finite(POSITION),
			v.minValue(-limit, POSITION),
			v.maxValue(limit, POSITION)
		)
	);

const PhotoMeta = v.object({
	lon: v.optional(v.number()),
	lat: v.optional(v.number()),
	takenAt: v.optional(v.pipe(v.string(), v.maxLength(64)))
});

export const CheckPayload = v.object({
	clientUuid: v.pipe(v.string(), v.regex(CHECK_UUID_RE, 'check.err.uuid')),
	// a bigint id: a whole number JavaScript holds exactly (1.5, 1e309, 20 digits are not)
	waterwayId: v.pipe(v.number(), v.safeInteger('valid.id'), v.minValue(1, 'valid.id')),
	// the phone's clock; the server decides whether the time is plausible
	recordedAt: v.pipe(
		v.string(),
		v.maxLength(64),
		v.check((s) => !Number.isNaN(Date.parse(s)), 'check.err.time')
	),
	lon: Coordinate(180),
	lat: Coordinate(90),
	note: v.nullish(v.pipe(v.string(), v.trim(), v.maxLength(MAX_NOTE_LENGTH, 'check.err.note'))),
	slots: v.pipe(
		v.array(Slot),
		v.minLength(1, 'check.err.noSlots'),
		v.maxLength(EQUIPMENT_ITEMS.length, 'check.err.item'),
		v.check((s) => new Set(s.map((x) => x.item)).size === s.length, 'check.err.item'),
		// "used and not replaced" is for what a rescue takes away, not for a sign or a barrier
		v.check(
			(s) => s.every((x) => (statusesFor(x.item) as readonly string[]).includes(x.status)),
			'check.err.status'
		)
	),
	/** GPS and time the phone read from each photo's EXIF before shrinking it (keyed by item) */
	photoMeta: v.optional(
		v.pipe(
			v.record(v.pipe(v.string(), v.maxLength(16)), v.optional(PhotoMeta)),
			v.check((m) => Object.keys(m).length <= EQUIPMENT_ITEMS.length + 1, 'valid.format')
		)
	)
});

/** What the phone builds and sends. */
export type CheckPayloadInput = v.InferInput<typeof CheckPayload>;
/** What the server works with: checked, the note trimmed. */
export type CheckPayloadValue = v.InferOutput<typeof CheckPayload>;
