// For routes the hook has already admitted as 'user' or 'admin': the signed-in user and scope.
import { error } from '@sveltejs/kit';
import type { SessionUser } from '../services/auth';
import type { Scope } from '../auth/scope';
import { translator } from '$lib/i18n';

export function signedIn(locals: App.Locals): { user: SessionUser; scope: Scope } {
	if (!locals.user || !locals.scope || !locals.user.secondFactorOk)
		error(401, { message: translator(locals.locale)('error.signIn') });
	return { user: locals.user, scope: locals.scope };
}

export function requestMeta(event: { getClientAddress(): string; request: Request }) {
	let ip: string | null = null;
	try {
		ip = event.getClientAddress();
	} catch {
		ip = null;
	}
	return { ip, userAgent: event.request.headers.get('user-agent') };
}
