// Which pages the service worker keeps on the phone for offline use, and under which key: the
// segment list and segment pages (HTML and SvelteKit's __data.json) and their photos. Shared by
// the service worker and the pages that ask it to keep something, and unit-tested.

export interface KeepMessage {
	type: 'keep';
	/** same-origin paths, e.g. /waterways/123/__data.json */
	paths: string[];
}

const KEPT = [/^\/waterways(\/\d+)?(\/__data\.json)?$/, /^\/api\/photos\/\d+$/];

export function isKeptPage(url: URL): boolean {
	return KEPT.some((re) => re.test(url.pathname));
}

/** SvelteKit's own query parameters say which parts to reload; the page is the same page. */
const KIT_PARAMS = ['x-sveltekit-invalidated', 'x-sveltekit-trailing-slash'];

/** The cache key: the page with its own query (the list's filters), sorted, without SvelteKit's. */
export function keepKey(url: URL): string {
	const params = [...url.searchParams.entries()]
		.filter(([k]) => !KIT_PARAMS.includes(k))
		.sort(([a], [b]) => a.localeCompare(b));
	const q = new URLSearchParams(params).toString();
	return `${url.origin}${url.pathname}${q ? `?${q}` : ''}`;
}

/**
 * Whether an answer is the whole page: a __data.json asked for only some of the page's parts
 * (x-sveltekit-invalidated=01 leaves the layout out) must not stand in for the whole later.
 */
export function isWholeAnswer(url: URL): boolean {
	const parts = url.searchParams.get('x-sveltekit-invalidated');
	return parts === null || !parts.includes('0');
}

/** The data of the segment pages a list shows, for the worker to keep (at most `max`). */
export function segmentDataPaths(ids: number[], max = 50): string[] {
	return ids.slice(0, max).map((id) => `/waterways/${id}/__data.json`);
}

/**
 * Ask the service worker to keep these pages, at most once in ten minutes for the same set
 * (a list visited again and again does not fetch its segments again and again).
 */
export async function askToKeep(paths: string[]): Promise<void> {
	if (!('serviceWorker' in navigator) || !navigator.onLine || paths.length === 0) return;
	const mark = `tongan-kept:${paths.join(',')}`;
	const last = Number(sessionStorage.getItem(mark) ?? 0);
	if (Date.now() - last < 10 * 60_000) return;
	const reg = await navigator.serviceWorker.ready;
	reg.active?.postMessage({ type: 'keep', paths } satisfies KeepMessage);
	sessionStorage.setItem(mark, String(Date.now()));
}
