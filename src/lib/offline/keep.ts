// Which pages the service worker keeps on the phone for offline use, and under which key: the
// segment list and segment pages (HTML and SvelteKit's __data.json) and their photos. Shared by
// the service worker and the pages that ask it to keep something, and unit-tested.

export interface KeepMessage {
	type: 'keep';
	/** same-origin paths, e.g. /waterways/123/__data.json */
	paths: string[];
	/** the user's language, for the page shown offline in place of one not kept */
	locale?: string;
}

const KEPT = [
	/^\/waterways(\/\d+)?(\/__data\.json)?$/,
	/^\/api\/photos\/\d+$/,
	// "my targets" and each target's page: nothing about children is on them (a household visit
	// is its village and a released count)
	/^\/campaigns\/(mine|targets\/\d+)(\/__data\.json)?$/,
	// a hazard's page: its steps can be taken out of signal (they wait in the outbox); no child
	// is on it (a household visit's photos are withheld from those who may not see homes)
	/^\/hazards\/\d+(\/__data\.json)?$/
];

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

/**
 * The pages a list asks the phone to keep: itself, and each listed segment's page and data, so
 * that a segment opens out of signal from the list, by a reload, or from a bookmark.
 */
export function listKeepPaths(listSearch: string, ids: number[], max = 200): string[] {
	return [
		`/waterways${listSearch}`,
		`/waterways/__data.json${listSearch}`,
		...ids.slice(0, max).flatMap((id) => [`/waterways/${id}`, `/waterways/${id}/__data.json`])
	];
}

/** Most targets whose pages a phone keeps (the worker keeps at most 602 pages a request). */
export const KEEP_TARGETS_MAX = 300;

/** The pages "my targets" asks the phone to keep: itself and each target's page and data. */
export function targetKeepPaths(ids: number[], max = KEEP_TARGETS_MAX): string[] {
	return [
		'/campaigns/mine',
		'/campaigns/mine/__data.json',
		...ids
			.slice(0, max)
			.flatMap((id) => [`/campaigns/targets/${id}`, `/campaigns/targets/${id}/__data.json`])
	];
}

/** The pages a target's page asks the phone to keep: its open hazards' pages and data. */
export function hazardKeepPaths(ids: number[], max = 50): string[] {
	return ids.slice(0, max).flatMap((id) => [`/hazards/${id}`, `/hazards/${id}/__data.json`]);
}

/** A kept page younger than this is not fetched again when a list asks for it. */
export const KEEP_FRESH_MS = 10 * 60_000;

/** How long a page waits for the worker to say what it kept (300 targets take about a minute). */
const KEEP_ANSWER_MS = 180_000;

/** The worker's answer once it has kept what it could: which of the asked paths it now holds. */
export interface KeptReply {
	type: 'kept';
	paths: string[];
}

/**
 * Ask the service worker to keep these pages (it skips the ones it kept a moment ago). Resolves
 * with the paths it holds once done, or null when it cannot be asked (no worker, no signal).
 */
export async function askToKeep(paths: string[], locale?: string): Promise<string[] | null> {
	if (!('serviceWorker' in navigator) || !navigator.onLine || paths.length === 0) return null;
	const reg = await navigator.serviceWorker.ready;
	const worker = reg.active;
	if (!worker) return null;
	const channel = new MessageChannel();
	const reply = new Promise<string[] | null>((resolve) => {
		// a worker of an older version does not answer: after a while the page stops waiting
		const giveUp = setTimeout(() => resolve(null), KEEP_ANSWER_MS);
		channel.port1.onmessage = (e: MessageEvent<KeptReply>) => {
			clearTimeout(giveUp);
			channel.port1.close();
			resolve(Array.isArray(e.data?.paths) ? e.data.paths : []);
		};
	});
	worker.postMessage({ type: 'keep', paths, locale } satisfies KeepMessage, [channel.port2]);
	return reply;
}

/**
 * What "my targets" can open without signal, from the paths the worker holds: the list itself,
 * each target whose page and data are both kept, and how many it was asked to keep.
 */
export function keptTargets(
	ids: readonly number[],
	held: readonly string[]
): { list: boolean; targets: number; asked: number } {
	const has = new Set(held);
	return {
		list: has.has('/campaigns/mine') && has.has('/campaigns/mine/__data.json'),
		// the phone keeps the first KEEP_TARGETS_MAX: all of those kept is all it was asked
		asked: Math.min(ids.length, KEEP_TARGETS_MAX),
		targets: ids.filter(
			(id) => has.has(`/campaigns/targets/${id}`) && has.has(`/campaigns/targets/${id}/__data.json`)
		).length
	};
}
