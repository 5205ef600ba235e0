// 我的账号: who I am, changing my password, two-step verification, and signing out everywhere
// (a POST to /logout with everywhere=1, handled there).
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { changePassword } from '$lib/server/services/auth';
import { findUnit } from '$lib/server/services/areas';
import { readSmallForm } from '$lib/server/auth/request';
import { MAX_PASSWORD_LENGTH } from '$lib/server/auth/password';

// Each field: present, text, within the one password length limit. The messages are the keys
// the page shows next to the field.
const field = v.pipe(
	v.string('admin.required'),
	v.nonEmpty('admin.required'),
	v.maxLength(MAX_PASSWORD_LENGTH, 'password.tooLong')
);
const PasswordForm = v.object({ current: field, next: field, repeat: field });

export const load: PageServerLoad = async ({ locals, url }) => {
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
		},
		totpReplaced: url.searchParams.get('totp') === 'replaced'
	};
};

export const actions: Actions = {
	password: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await readSmallForm(event.request, event.locals.locale);
		const parsed = v.safeParse(PasswordForm, {
			current: form.get('current') ?? undefined,
			next: form.get('next') ?? undefined,
			repeat: form.get('repeat') ?? undefined
		});
		const errors: Record<string, string> = {};
		if (!parsed.success) {
			for (const issue of parsed.issues) {
				const key = issue.path?.[0]?.key;
				if (typeof key === 'string') errors[key] ??= issue.message;
			}
			return fail(400, { errors });
		}
		const { current, next, repeat } = parsed.output;
		if (next !== repeat) return fail(400, { errors: { repeat: 'account.err.mismatch' } });
		const { db } = await database();
		const r = await changePassword(db, user, current, next, requestMeta(event));
		if (!r.ok) {
			const field =
				r.problem === 'password.wrongCurrent' || r.problem === 'password.tooManyAttempts'
					? 'current'
					: 'next';
			return fail(r.problem === 'password.tooManyAttempts' ? 429 : 400, {
				errors: { [field]: r.problem } as Record<string, string>
			});
		}
		return { changed: true };
	}
};
