// Second-factor enrolment and replacement. Administrators land here after their first password
// sign-in (no second factor yet: setting one up is all that session may do); anyone may come
// from their account page. Replacing a factor that is on needs it passed in this session and a
// current code from it (services/auth.ts enableTotp decides; the page only asks). The new
// secret lives in the form round-trip only until it is confirmed with a valid code.
import { error, fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { enableTotp } from '$lib/server/services/auth';
import {
	newTotpSecret,
	totpEnrolment,
	base32Decode,
	secondFactorChange
} from '$lib/server/auth/totp';
import { requestMeta } from '$lib/server/http/guard';
import { readSmallForm } from '$lib/server/auth/request';
import { translator } from '$lib/i18n';

const Code = v.pipe(v.string(), v.maxLength(16), v.regex(/^\s*(\d\s*){6}$/));
const TotpForm = v.object({
	// 20 random bytes in base32, as the page made them
	secret: v.pipe(
		v.string(),
		v.regex(/^[A-Z2-7]{32}$/),
		// valibot runs every step of a pipe even after the regex fails: never throw here
		v.check((s) => {
			try {
				return base32Decode(s).length === 20;
			} catch {
				return false;
			}
		})
	),
	code: Code,
	current: v.optional(v.union([Code, v.literal('')]), '')
});

export const load: PageServerLoad = async ({ locals }) => {
	const user = locals.user;
	if (!user) redirect(303, '/login');
	if (secondFactorChange(user) === 'refuse') redirect(303, '/login/totp');
	return {
		...(await totpEnrolment(newTotpSecret(), user.principal.username)),
		enabled: user.totpEnabled
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		if (!user) redirect(303, '/login');
		const t = translator(event.locals.locale);
		if (secondFactorChange(user) === 'refuse') error(403, { message: t('totp.refused') });
		const form = await readSmallForm(event.request, event.locals.locale);
		const raw = {
			secret: form.get('secret') ?? undefined,
			code: form.get('code') ?? undefined,
			current: form.get('current') ?? undefined
		};
		const secret = typeof raw.secret === 'string' ? raw.secret.slice(0, 64) : '';
		const parsed = v.safeParse(TotpForm, raw);
		if (!parsed.success) {
			const field = parsed.issues[0].path?.[0]?.key;
			// a secret not made by the page cannot be confirmed: a fresh one is shown
			if (field === 'secret') error(400, { message: t('error.badRequest') + t('totp.invalid') });
			return fail(400, {
				error: field === 'current' ? ('totp.currentInvalid' as const) : ('totp.invalid' as const),
				// the secret being confirmed stays, with its own URI and QR code (the load makes a
				// new secret, whose URI would not match the hidden field)
				...(await totpEnrolment(secret, user.principal.username))
			});
		}
		const { db } = await database();
		const r = await enableTotp(
			db,
			user,
			parsed.output.secret,
			parsed.output.code,
			parsed.output.current,
			requestMeta(event)
		);
		if (!r.ok) {
			if (r.problem === 'totp.refused') error(403, { message: t('totp.refused') });
			return fail(r.problem === 'totp.locked' ? 429 : 400, {
				error: r.problem,
				...(await totpEnrolment(secret, user.principal.username))
			});
		}
		redirect(303, r.replaced ? '/account?totp=replaced' : '/');
	}
};
