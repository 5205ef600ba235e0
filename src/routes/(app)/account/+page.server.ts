// 我的账号: who I am, changing my password, two-step verification, and signing out everywhere
// (a POST to /logout with everywhere=1, handled there).
import { fail } from '@sveltejs/kit';
import { formText } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { changePassword } from '$lib/server/services/auth';
import { findUnit } from '$lib/server/repositories/areas';

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const { db } = await database();
	const unit = await findUnit(db, user.principal.jurisdiction);
	return {
		me: {
			username: user.principal.username,
			displayName: user.displayName,
			role: user.principal.role,
			jurisdiction: user.principal.jurisdiction,
			jurisdictionName: unit?.name ?? user.principal.jurisdiction,
			totpEnabled: user.totpEnabled
		}
	};
};

export const actions: Actions = {
	password: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await event.request.formData();
		const current = formText(form, 'current');
		const next = formText(form, 'next');
		const repeat = formText(form, 'repeat');
		const errors: Record<string, string> = {};
		if (!current) errors.current = 'admin.required';
		if (!next) errors.next = 'admin.required';
		if (!repeat) errors.repeat = 'admin.required';
		else if (next && next !== repeat) errors.repeat = 'account.err.mismatch';
		if (Object.keys(errors).length) return fail(400, { errors });
		const { db } = await database();
		const r = await changePassword(db, user, current, next, requestMeta(event));
		if (!r.ok) {
			const field = r.problem === 'password.wrongCurrent' ? 'current' : 'next';
			return fail(400, { errors: { [field]: r.problem } as Record<string, string> });
		}
		return { changed: true };
	}
};
