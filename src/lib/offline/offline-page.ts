// The page the phone shows for a page it has not kept, out of signal. Built by the service
// worker, which cannot read the language cookie: the lists that ask it to keep pages tell it the
// user's language (KeepMessage.locale), and it remembers the last one. Both kinds of field
// worker read it: a river chief's segments and a township worker's targets open offline.
import { DEFAULT_LOCALE, isLocale } from '$lib/i18n';
import { plainPageHtml } from '$lib/plain-page';

export function offlinePageHtml(locale: string | null | undefined): string {
	return plainPageHtml({
		locale: isLocale(locale) ? locale : DEFAULT_LOCALE,
		title: 'offline.title',
		testId: 'offline-page',
		body: ({ text, link }) =>
			`<p>${text('offline.body')}</p>\n<p>${link('/waterways', 'offline.segments')}${link('/campaigns/mine', 'offline.targets')}</p>`,
		// back in signal, the page the user asked for is fetched again by itself
		script: "addEventListener('online', () => location.reload());"
	});
}
