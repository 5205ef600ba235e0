import type { PageServerLoad } from './$types';
import { signedIn } from '$lib/server/http/guard';
import { IMPORT_KINDS } from '$lib/import/kinds';
import { MAX_IMPORT_BYTES } from '$lib/server/services/imports';

// The page itself holds no data: each step posts the file to /api/imports
export const load: PageServerLoad = async ({ locals }) => {
	signedIn(locals);
	return { kinds: [...IMPORT_KINDS], maxMb: MAX_IMPORT_BYTES / 1024 / 1024 };
};
