// The data version as an open page holds it (in its tile URLs): a map already open polls this
// (src/lib/freshness-client.ts) and asks for new tiles when it moves. No database read: this
// process learns of every change within seconds (services/freshness.ts).
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { signedIn } from '$lib/server/http/guard';
import { clientVersion } from '$lib/server/services/freshness';

export const GET: RequestHandler = ({ locals }) => {
	signedIn(locals);
	return json({ version: clientVersion() }, { headers: { 'Cache-Control': 'no-store' } });
};
