// A target check from the phone's outbox, as JSON (domain/field.ts TargetCheckPayload, the schema
// the phone checks it with too): the record first, its photos follow over tus (/api/uploads).
// Idempotent by the check's client UUID: sent again, the same answer and nothing stored twice.
import type { RequestHandler } from './$types';
import { phonePost } from '$lib/server/http/phone-post';
import { recordFieldCheck } from '$lib/server/services/field';
import { TargetCheckPayload } from '$lib/domain/field';

export const POST: RequestHandler = (event) =>
	phonePost(event, TargetCheckPayload, (db, who, p, meta) => recordFieldCheck(db, who, p, meta));
