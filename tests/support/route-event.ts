// A SvelteKit request event as the hooks leave it for a signed-in user, for calling a route's
// handler directly in an integration test.
import type { Principal } from '../../src/lib/server/auth/policy';
import { scopeFor } from '../../src/lib/server/auth/scope';
import type { Locale } from '../../src/lib/i18n';

export function routeEvent<E>(who: Principal, request: Request, locale: Locale = 'zh-CN'): E {
	return {
		request,
		url: new URL(request.url),
		locals: {
			locale,
			user: {
				principal: who,
				displayName: who.username,
				sessionId: 'test',
				secondFactorOk: true,
				totpEnabled: true
			},
			scope: scopeFor(who.jurisdiction)
		},
		getClientAddress: () => '127.0.0.1'
	} as unknown as E;
}
