// The tus endpoint for the photos of target checks (services/field.ts): creation, offsets and
// the bytes, resumable, on the app's own origin. Signed-in users only (the route table); each
// upload is its sender's alone.
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { handlePhotoUpload } from '$lib/server/services/field';
import { env } from '$lib/server/env';

const tus: RequestHandler = async ({ locals, request }) => {
	const { user } = signedIn(locals);
	const { db } = await database();
	return handlePhotoUpload(db, user.principal, request, env().uploadDir);
};

export const POST = tus;
export const HEAD = tus;
export const PATCH = tus;
export const OPTIONS = tus;
