// The page a signed-in user gets when the route guard refuses a page to their role. The guard
// runs in the hook, before any load, so SvelteKit would answer with its static fallback
// (src/error.html), which cannot know the user's language and so says everything twice. This
// page is built here, whole, in the user's language; it needs no script and no outside file.
import type { Locale } from '$lib/i18n';
import { plainPageHtml } from '$lib/plain-page';

export function refusedPageHtml(locale: Locale): string {
	return plainPageHtml({
		locale,
		title: 'error.403',
		testId: 'error-page',
		body: ({ text, link }) =>
			`<p>${text('error.403.body')}</p>\n<p class="code">${text('error.code')} 403</p>\n<p>${link('/', 'error.home')}</p>`
	});
}

/** Its only style is inline, and it runs nothing. */
export const REFUSED_PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
