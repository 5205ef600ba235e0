// A target found in the field (a construction pit, an open well, a broken fence, a flooded road),
// as JSON from the phone (domain/field.ts FieldTargetPayload): a point inside the worker's
// jurisdiction, else a 400 that says so. Idempotent by the phone's UUID.
import type { RequestHandler } from './$types';
import { phonePost } from '$lib/server/http/phone-post';
import { addFieldTarget } from '$lib/server/services/field';
import { FieldTargetPayload } from '$lib/domain/field';

export const POST: RequestHandler = (event) =>
	phonePost(event, FieldTargetPayload, (db, who, f, meta) => addFieldTarget(db, who, f, meta));
