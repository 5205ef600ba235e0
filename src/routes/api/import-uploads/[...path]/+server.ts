// The tus endpoint for an import's file (services/import-uploads.ts): creation, offsets and the
// bytes, resumable, on the app's own origin. Administrators only (the route table); each upload
// is its sender's alone.
import type { RequestHandler } from './$types';
import { signedIn } from '$lib/server/http/guard';
import { handleImportUpload, importUploadDir } from '$lib/server/services/import-uploads';
import { env } from '$lib/server/env';

const tus: RequestHandler = async ({ locals, request }) => {
	const { user } = signedIn(locals);
	return handleImportUpload(user.principal, request, importUploadDir(env().uploadDir));
};

export const POST = tus;
export const HEAD = tus;
export const PATCH = tus;
export const OPTIONS = tus;
