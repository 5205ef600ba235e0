// The field worker's offline copy. A river chief or township worker often stands where there is
// no signal: the app's own code, the segment list and the segment pages they have open or were
// shown in their list are kept on the phone, so a segment can be opened and its check recorded
// offline (the check itself waits in the outbox, see $lib/offline/outbox.svelte.ts).
//
// - The app's code and static files: from the cache (their names change with every build).
// - The segment list and segment pages (HTML and SvelteKit's __data.json), and their photos:
//   from the network when it answers, else the copy kept when they were last seen.
// - The operator's basemap (/tiles/basemap.pmtiles): every byte range fetched is kept, and
//   the ranges around a user's own segments are fetched ahead when the list asks for them
//   ($lib/offline/basemap.ts). The app's own tiles are not kept.
// - Nothing else is kept: no API answers, nothing about where children live.
// - Signing in or out empties the kept pages, so the next person on the phone sees none of them.
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import {
	KEEP_FRESH_MS,
	isKeptPage,
	isWholeAnswer,
	keepKey,
	type KeptReply,
	type KeepMessage
} from '$lib/offline/keep';
import {
	BASEMAP_CACHE,
	basemapRangeKey,
	isBasemapRequest,
	versionOfKey,
	type KeepBasemapMessage
} from '$lib/offline/basemap';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { offlinePageHtml } from '$lib/offline/offline-page';

const sw = self as unknown as ServiceWorkerGlobalScope;
const APP = `tongan-app-${version}`;
const PAGES = 'tongan-pages';

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(APP)
			.then((c) => c.addAll([...build, ...files]))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			// the open pages use this worker at once: the first visit already works offline
			await sw.clients.claim();
			for (const key of await caches.keys())
				if (key.startsWith('tongan-app-') && key !== APP) await caches.delete(key);
		})()
	);
});

/** Network first; a good answer is kept, and the kept one answers when the network cannot. */
async function networkFirst(request: Request, key: string): Promise<Response> {
	const cache = await caches.open(PAGES);
	try {
		const response = await fetch(request);
		// only a whole page actually shown to a signed-in user (not a redirect to the sign-in page)
		if (response.ok && !response.redirected && isWholeAnswer(new URL(request.url)))
			await cache.put(key, response.clone());
		return response;
	} catch (e) {
		const kept = await cache.match(key);
		if (kept) return kept;
		if (request.mode === 'navigate') return offlinePage();
		throw e;
	}
}

let basemapVersion: string | undefined;

/** Drops kept ranges of any other version of the archive (it was replaced on the server). */
async function forgetOtherBasemaps(cache: Cache, key: string): Promise<void> {
	const v = versionOfKey(key);
	if (basemapVersion === v) return;
	basemapVersion = v;
	for (const r of await cache.keys()) if (versionOfKey(r.url) !== v) await cache.delete(r);
}

/**
 * One byte range of the basemap: the kept copy if there is one (a range of one version of the
 * archive never changes: the version is in the URL), else from the network, and then kept.
 * The Cache API keeps no 206 answer, so a range is kept as a 200 with its Content-Range, and
 * given back as the 206 it was.
 */
async function basemapRange(request: Request): Promise<Response> {
	const url = new URL(request.url);
	const key = basemapRangeKey(url, request.headers.get('range'));
	if (!key) return fetch(request);
	const cache = await caches.open(BASEMAP_CACHE);
	const kept = await cache.match(key);
	if (kept) return new Response(kept.body, { status: 206, headers: kept.headers });
	const response = await fetch(request);
	if (response.status === 206) {
		const body = await response.clone().arrayBuffer();
		await forgetOtherBasemaps(cache, key);
		await cache.put(
			key,
			new Response(body, {
				headers: {
					'Content-Type': 'application/vnd.pmtiles',
					'Content-Range': response.headers.get('content-range') ?? '',
					ETag: response.headers.get('etag') ?? '',
					'Content-Length': String(body.byteLength)
				}
			})
		);
	}
	return response;
}

/** The archive as the pmtiles reader in this worker sees it: ranges through basemapRange. */
function keptSource(url: string): Source {
	return {
		getKey: () => url,
		async getBytes(offset: number, length: number): Promise<RangeResponse> {
			const request = new Request(new URL(url, sw.location.origin), {
				headers: { range: `bytes=${offset}-${offset + length - 1}` },
				credentials: 'same-origin'
			});
			const r = await basemapRange(request);
			if (r.status !== 206) throw new Error(`basemap range: ${r.status}`);
			const etag = r.headers.get('etag');
			return { data: await r.arrayBuffer(), etag: etag || undefined };
		}
	};
}

/** The language the lists last said the user reads (a worker cannot read the cookie). */
const LOCALE_KEY = '/__tongan/locale';

async function offlinePage(): Promise<Response> {
	const kept = await (await caches.open(APP)).match(LOCALE_KEY);
	return new Response(offlinePageHtml(kept ? await kept.text() : null), {
		status: 503,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }
	});
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (request.method === 'POST' && (url.pathname === '/login' || url.pathname === '/logout')) {
		// a new person, or none: what the last one was shown is not kept for them
		event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(BASEMAP_CACHE)]));
		return;
	}
	if (request.method !== 'GET') return;
	if (isBasemapRequest(url)) {
		event.respondWith(basemapRange(request));
		return;
	}
	if (build.includes(url.pathname) || files.includes(url.pathname)) {
		event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
		return;
	}
	if (isKeptPage(url)) event.respondWith(networkFirst(request, keepKey(url)));
	// any other page opened offline says so in the app's words, not the browser's
	else if (request.mode === 'navigate')
		event.respondWith(fetch(request).catch(() => offlinePage()));
});

// The segment list asks for the pages of the segments it shows to be kept, while it is online.
sw.addEventListener('message', (event) => {
	const msg = event.data as KeepMessage | KeepBasemapMessage | undefined;
	if (msg?.type === 'keep-basemap') {
		event.waitUntil(keepBasemap(msg));
		return;
	}
	if (msg?.type !== 'keep') return;
	event.waitUntil(
		(async () => {
			if (msg.locale) await (await caches.open(APP)).put(LOCALE_KEY, new Response(msg.locale));
			// a page that loaded while this worker was installing is taken over now, so that
			// its next navigation out of signal is served from what is kept
			await sw.clients.claim();
			const cache = await caches.open(PAGES);
			for (const path of msg.paths.slice(0, 602)) {
				const url = new URL(path, sw.location.origin);
				if (!isKeptPage(url)) continue;
				// kept a moment ago (the list was opened again): not fetched again
				const had = await cache.match(keepKey(url));
				const age = Date.now() - Date.parse(had?.headers.get('date') ?? '');
				if (had && age < KEEP_FRESH_MS) continue;
				try {
					const r = await fetch(url, { credentials: 'same-origin' });
					if (r.ok && !r.redirected) await cache.put(keepKey(url), r);
				} catch {
					break; // the network went away: keep what we have
				}
			}
			// the page says what it can open without signal: the asked paths held now
			const held: string[] = [];
			for (const path of msg.paths.slice(0, 602)) {
				const url = new URL(path, sw.location.origin);
				if (isKeptPage(url) && (await cache.match(keepKey(url)))) held.push(path);
			}
			event.ports[0]?.postMessage({ type: 'kept', paths: held } satisfies KeptReply);
		})()
	);
});

/**
 * The basemap around a user's segments: each tile read once through the pmtiles reader, so
 * the header, directories and tiles the map will ask for out of signal are the ranges kept.
 */
async function keepBasemap(msg: KeepBasemapMessage): Promise<void> {
	if (!isBasemapRequest(new URL(msg.url, sw.location.origin))) return;
	const archive = new PMTiles(keptSource(msg.url));
	for (const [z, x, y] of msg.tiles.slice(0, 1000)) {
		try {
			await archive.getZxy(z, x, y);
		} catch {
			return; // the network went away: keep what we have
		}
	}
}
