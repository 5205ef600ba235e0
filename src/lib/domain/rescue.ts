// Items taken from a segment in a rescue, as the phone queues the record and POST /api/rescues
// parses it (the same schema on both sides). Pure. A sign or a barrier is not carried off.
import * as v from 'valibot';

export const RESCUE_ITEMS = ['buoy', 'rope', 'pole'] as const;
export type RescueItem = (typeof RESCUE_ITEMS)[number];
export const RESCUE_NOTE_MAX = 500;

export const RescuePayload = v.object({
	clientUuid: v.pipe(v.string(), v.uuid('valid.uuid')),
	waterwayId: v.pipe(v.number(), v.integer(), v.minValue(1)),
	items: v.pipe(
		v.array(v.picklist(RESCUE_ITEMS, 'em.rescue.err.items')),
		v.minLength(1, 'em.rescue.err.items'),
		v.maxLength(RESCUE_ITEMS.length)
	),
	note: v.nullish(v.pipe(v.string(), v.maxLength(RESCUE_NOTE_MAX)))
});
export type RescuePayloadInput = v.InferInput<typeof RescuePayload>;
