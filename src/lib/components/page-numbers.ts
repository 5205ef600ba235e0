// The printed page's number as CSS: the words come from the i18n catalogue ("第 {page} 页 / 共
// {pages} 页", "Page {page} of {pages}") and the numbers from Chromium's page counters, which
// only CSS can read (the page a line falls on is known after layout, not to the app).

/** A CSS string literal of `s`: quotes and backslashes escaped, and `<` too, so that the text
 * can never close the <style> element it is written into. */
export function cssString(s: string): string {
	return `"${s.replace(/[\\"<\n]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/**
 * The `content` value of a page-number margin box for a message with {page} and {pages}:
 * its words as strings, the placeholders as counter(page) and counter(pages).
 */
export function pageNumberContent(message: string): string {
	const parts = message.split(/(\{pages?\})/).filter((p) => p !== '');
	return parts
		.map((p) =>
			p === '{page}' ? 'counter(page)' : p === '{pages}' ? 'counter(pages)' : cssString(p)
		)
		.join(' ');
}

/** The stylesheet that numbers every printed sheet at its foot. */
export function pageNumberCss(message: string): string {
	return `@media print { @page { @bottom-center { content: ${pageNumberContent(message)}; font-size: 9pt; color: #333; } } }`;
}
