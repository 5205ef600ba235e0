// The app's tus servers (the resumable upload protocol, @tus/server with its file store): the
// photos of field checks (field.ts) and the files of imports (import-uploads.ts). One server per
// kind and directory, kept for the process; each request carries its sender, set by the route
// before the server sees it, so every hook knows whose upload it is.
import type { Server } from '@tus/server';
import type { Principal } from '../auth/policy';

/** A tus refusal: the status and a short plain reason (the client shows its own words). */
export const tusRefusal = (status_code: number, body: string) => ({
	status_code,
	body: `${body}\n`
});

const senders = new WeakMap<Request, Principal>();
const servers = new Map<string, Server>();

/** Who sent a request the tus server is handling. */
export function senderOf(req: unknown): Principal {
	const who = senders.get(req as Request);
	if (!who) throw tusRefusal(401, 'not signed in');
	return who;
}

/**
 * Uploads come from this site's own pages only. Without an answer here, tus tells every origin
 * it may read its responses (`access-control-allow-origin: *`).
 */
export const SAME_ORIGIN_ONLY = { allowedOrigins: () => false } as const;

/** The server kept under `key`, made on first use. */
export function tusServer(key: string, make: () => Server): Server {
	let s = servers.get(key);
	if (!s) servers.set(key, (s = make()));
	return s;
}

/**
 * One tus request (POST, HEAD, PATCH, OPTIONS) of a signed-in user. GET and DELETE are not part
 * of the protocol here: what was sent is read through the app's own routes, never deleted by
 * the sender.
 */
export async function handleTus(
	server: Server,
	who: Principal,
	request: Request
): Promise<Response> {
	if (request.method === 'GET' || request.method === 'DELETE')
		return new Response('Method Not Allowed\n', { status: 405 });
	senders.set(request, who);
	return server.handleWeb(request as never);
}
