// A whole page in the app's colours that needs no script bundle, no stylesheet and no outside
// file: for answers made where the app's own page cannot be rendered (the route guard in the
// hook, the service worker out of signal). One place for its frame, its style and its escaping.
import { translator, type Locale, type MessageKey } from '$lib/i18n';

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

export interface PlainPage {
	locale: Locale;
	title: MessageKey;
	testId: string;
	/** the page's paragraphs, as markup made with `text` and `link` */
	body: (p: {
		text: (key: MessageKey) => string;
		link: (href: string, key: MessageKey) => string;
	}) => string;
	/** an inline script, when the page must act (none by default) */
	script?: string;
}

export function plainPageHtml(page: PlainPage): string {
	const t = translator(page.locale);
	const text = (key: MessageKey) => escapeHtml(t(key));
	const link = (href: string, key: MessageKey) => `<a href="${escapeHtml(href)}">${text(key)}</a>`;
	return `<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${text(page.title)} · ${text('app.name')}</title>
<style>
body{margin:0;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1d1d1f;background:#fafaf7}
header{background:#1f3b73;color:#fff;padding:12px 16px;font-weight:700;font-size:18px}
main{max-width:560px;margin:10vh auto;padding:0 20px}
h1{color:#1f3b73;font-size:22px}
.code{color:#5f6368;font-size:13px}
a{display:inline-block;margin:0 8px 8px 0;background:#1f3b73;color:#fff;border-radius:6px;padding:10px 14px;text-decoration:none}
@media print{header{background:none;color:#000;border-bottom:1px solid #000}a{display:none}}
</style>
</head>
<body>
<header>${text('app.name')}</header>
<main data-testid="${escapeHtml(page.testId)}">
<h1>${text(page.title)}</h1>
${page.body({ text, link })}
</main>
${page.script ? `<script>${page.script}</script>\n` : ''}</body>
</html>
`;
}
