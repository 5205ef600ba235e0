// The page a signed-in user gets when the route guard refuses a page to their role. The guard
// runs in the hook, before any load, so SvelteKit would answer with its static fallback
// (src/error.html), which cannot know the user's language and so says everything twice. This
// page is built here, whole, in the user's language; it needs no script and no outside file.
import { translator, type Locale } from '$lib/i18n';

const escapeHtml = (text: string) =>
	text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

export function refusedPageHtml(locale: Locale): string {
	const t = translator(locale);
	const e = (key: Parameters<typeof t>[0]) => escapeHtml(t(key));
	return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${e('error.403')} · ${e('app.name')}</title>
<style>
body{margin:0;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1d1d1f;background:#fafaf7}
header{background:#1f3b73;color:#fff;padding:12px 16px;font-weight:700;font-size:18px}
main{max-width:560px;margin:10vh auto;padding:0 20px}
h1{color:#1f3b73;font-size:22px}
.code{color:#5f6368;font-size:13px}
a{display:inline-block;background:#1f3b73;color:#fff;border-radius:6px;padding:10px 14px;text-decoration:none}
@media print{header{background:none;color:#000;border-bottom:1px solid #000}a{display:none}}
</style>
</head>
<body>
<header>${e('app.name')}</header>
<main data-testid="error-page">
<h1>${e('error.403')}</h1>
<p>${e('error.403.body')}</p>
<p class="code">${e('error.code')} 403</p>
<p><a href="/">${e('error.home')}</a></p>
</main>
</body>
</html>
`;
}

/** Its only style is inline, and it runs nothing. */
export const REFUSED_PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
