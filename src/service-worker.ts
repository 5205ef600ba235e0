// The field worker's offline copy. A river chief or township worker often stands where there is
// no signal: the app's own code, the segment list and the segment pages they have open or were
// shown in their list are kept on the phone, so a segment can be opened and its check recorded
// offline (the check itself waits in the outbox, see $lib/offline/outbox.svelte.ts).
//
// - The app's code and static files: from the cache (their names change with every build).
// - The segment list and segment pages (HTML and SvelteKit's __data.json), and their photos:
//   from the network when it answers, else the copy kept when they were last seen.
// - Nothing else is kept: no map tiles, no API answers, nothing about where children live.
// - Signing in or out empties the kept pages, so the next person on the phone sees none of them.
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import {
	KEEP_FRESH_MS,
	isKeptPage,
	isWholeAnswer,
	keepKey,
	type KeepMessage
} from '$lib/offline/keep';

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

function offlinePage(): Response {
	const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>童安图 · 离线</title>
<style>body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:0;
background:#fafaf7;color:#1d1d1f}header{background:#1f3b73;color:#fff;padding:12px 16px;
font-weight:700}main{padding:24px 20px;max-width:560px;margin:auto}a{color:#1f3b73}</style>
</head><body><header>童安图 TongAn</header><main data-testid="offline-page"><h1>当前离线</h1>
<p>这个页面还没有保存在本机。已打开过的河段和“我的河段”列表中的河段离线时也能打开；已保存的检查会在联网后自动上传。</p>
<p>You are offline and this page has not been kept on this phone. Segments you opened, and those in your list, open offline too.</p>
<p><a href="/waterways">返回河段列表 · Back to the segments</a></p></main></body></html>`;
	return new Response(html, {
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
		event.waitUntil(caches.delete(PAGES));
		return;
	}
	if (request.method !== 'GET') return;
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
	const msg = event.data as KeepMessage | undefined;
	if (msg?.type !== 'keep') return;
	event.waitUntil(
		(async () => {
			// a page that loaded while this worker was installing is taken over now, so that
			// its next navigation out of signal is served from what is kept
			await sw.clients.claim();
			const cache = await caches.open(PAGES);
			let kept = 0;
			for (const path of msg.paths.slice(0, 402)) {
				const url = new URL(path, sw.location.origin);
				if (!isKeptPage(url)) continue;
				// kept a moment ago (the list was opened again): not fetched again
				const had = await cache.match(keepKey(url));
				const age = Date.now() - Date.parse(had?.headers.get('date') ?? '');
				if (had && age < KEEP_FRESH_MS) continue;
				try {
					const r = await fetch(url, { credentials: 'same-origin' });
					if (r.ok && !r.redirected) {
						await cache.put(keepKey(url), r);
						kept++;
					}
				} catch {
					break; // the network went away: keep what we have
				}
			}
			event.source?.postMessage({ type: 'kept', n: kept });
		})()
	);
});
