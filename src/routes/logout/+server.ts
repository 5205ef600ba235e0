// Sign out: this device, or with everywhere=1 every device of the user.
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { logout } from '$lib/server/services/auth';
import { clearSessionCookie } from '$lib/server/auth/session';
import { requestMeta } from '$lib/server/http/guard';

export const POST: RequestHandler = async (event) => {
	const user = event.locals.user;
	const form = await event.request.formData().catch(() => new FormData());
	if (user) {
		const { db } = await database();
		await logout(db, user, form.get('everywhere') === '1', requestMeta(event));
	}
	clearSessionCookie(event.cookies, event.url.protocol === 'https:');
	redirect(303, '/login');
};
