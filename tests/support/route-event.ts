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

// A route's handler, typed by what it is given: the tests build the event by hand.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RouteHandler = (event: any) => Response | Promise<Response>;

export interface Download {
	status: number;
	bytes: Buffer;
	/** the file name the answer gives (Content-Disposition's UTF-8 name) */
	name: string;
	type: string;
}

/** GET an export route as `who`: its file, or the status of SvelteKit's error() (an HttpError). */
export async function download(
	handler: RouteHandler,
	route: string,
	who: Principal,
	query: string,
	locale: Locale = 'en'
): Promise<Download> {
	const url = new URL(`http://localhost${route}?${query}`);
	try {
		const res = await handler(routeEvent(who, new Request(url), locale));
		const cd = res.headers.get('content-disposition') ?? '';
		return {
			status: res.status,
			bytes: Buffer.from(await res.arrayBuffer()),
			name: decodeURIComponent(/filename\*=UTF-8''([^;\s]+)/.exec(cd)?.[1] ?? ''),
			type: res.headers.get('content-type') ?? ''
		};
	} catch (e) {
		return {
			status: (e as { status?: number }).status ?? 500,
			bytes: Buffer.alloc(0),
			name: '',
			type: ''
		};
	}
}
