// Liveness for process managers and the e2e harness: answers once the database is ready.
import { json } from '@sveltejs/kit';
import { database } from '$lib/server/db';

export const GET = async () => {
	const d = await database();
	return json({ ok: true, engine: d.engine });
};
