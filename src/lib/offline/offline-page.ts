// The page the phone shows for a page it has not kept, out of signal. Built by the service
// worker, which cannot read the language cookie: the lists that ask it to keep pages tell it the
// user's language (KeepMessage.locale), and it remembers the last one. Both kinds of field
// worker read it: a river chief's segments and a township worker's targets open offline.
import { DEFAULT_LOCALE, isLocale, translator, type Locale } from '$lib/i18n';

const escapeHtml = (text: string) =>
	text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function offlinePageHtml(locale: string | null | undefined): string {
	const lang: Locale = isLocale(locale) ? locale : DEFAULT_LOCALE;
	const t = translator(lang);
	const e = (key: Parameters<typeof t>[0]) => escapeHtml(t(key));
	return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${e('offline.title')} · ${e('app.name')}</title>
<style>body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:0;
background:#fafaf7;color:#1d1d1f}header{background:#1f3b73;color:#fff;padding:12px 16px;
font-weight:700}main{padding:24px 20px;max-width:560px;margin:auto}
a{display:inline-block;margin:0 8px 8px 0;background:#1f3b73;color:#fff;border-radius:6px;padding:10px 14px;text-decoration:none}</style>
</head><body><header>${e('app.name')}</header><main data-testid="offline-page"><h1>${e('offline.title')}</h1>
<p>${e('offline.body')}</p>
<p><a href="/waterways">${e('offline.segments')}</a><a href="/campaigns/mine">${e('offline.targets')}</a></p></main>
<script>addEventListener('online', () => location.reload());</script></body></html>`;
}
