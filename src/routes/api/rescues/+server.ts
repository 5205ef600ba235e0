// Items on a segment used in a rescue, as JSON from the phone's outbox (domain/rescue.ts): only
// emergency staff inside an emergency in force over the segment (services/emergency.ts), else a
// 400 that says why. Idempotent by the phone's UUID.
import type { RequestHandler } from './$types';
import { phonePost } from '$lib/server/http/phone-post';
import { recordRescueUse } from '$lib/server/services/emergency';
import { RescuePayload } from '$lib/domain/rescue';

export const POST: RequestHandler = (event) =>
	phonePost(event, RescuePayload, (db, who, r, meta) => recordRescueUse(db, who, r, meta));
