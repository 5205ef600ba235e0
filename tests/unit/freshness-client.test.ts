// An open page learns that the data moved (issue 11, item 5): src/lib/freshness-client.ts polls
// GET /api/version every 30 s and on focus and online, and calls back once per new version.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VERSION_POLL_MS, watchVersion, type VersionWatch } from '$lib/freshness-client';

/** A server whose version the test moves; counts the requests. */
function server(version: string) {
	const s = {
		version,
		requests: 0,
		down: false,
		fetch: (async (url: string) => {
			s.requests++;
			expect(url).toBe('/api/version');
			if (s.down) throw new TypeError('Failed to fetch');
			return new Response(JSON.stringify({ version: s.version }), { status: 200 });
		}) as unknown as typeof fetch
	};
	return s;
}

describe('watchVersion', () => {
	let w: VersionWatch | undefined;
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => {
		w?.stop();
		vi.useRealTimers();
	});

	it('polls every 30 s and calls back once when the version moves', async () => {
		const s = server('a.1');
		const seen: string[] = [];
		const events = new EventTarget();
		w = watchVersion((v) => seen.push(v), { initial: 'a.1', fetch: s.fetch, events });
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS - 1);
		expect(s.requests).toBe(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(s.requests).toBe(1);
		expect(seen).toEqual([]);
		s.version = 'a.2';
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS);
		expect(seen).toEqual(['a.2']);
		// the same version again is no change
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS);
		expect(seen).toEqual(['a.2']);
		expect(s.requests).toBe(3);
	});

	it('asks at once when the window regains focus or comes back online', async () => {
		const s = server('a.1');
		const seen: string[] = [];
		const events = new EventTarget();
		w = watchVersion((v) => seen.push(v), { initial: 'a.1', fetch: s.fetch, events });
		s.version = 'a.2';
		events.dispatchEvent(new Event('focus'));
		await vi.advanceTimersByTimeAsync(0);
		expect(seen).toEqual(['a.2']);
		s.version = 'a.3';
		events.dispatchEvent(new Event('online'));
		await vi.advanceTimersByTimeAsync(0);
		expect(seen).toEqual(['a.2', 'a.3']);
		expect(s.requests).toBe(2);
	});

	it('keeps polling through a failed request and reports the change when back', async () => {
		const s = server('a.1');
		const seen: string[] = [];
		w = watchVersion((v) => seen.push(v), {
			initial: 'a.1',
			fetch: s.fetch,
			events: new EventTarget()
		});
		s.down = true;
		s.version = 'a.2';
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS);
		expect(seen).toEqual([]);
		s.down = false;
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS);
		expect(seen).toEqual(['a.2']);
	});

	it('without a starting version takes the first answer as the baseline, asked at once', async () => {
		const s = server('b.7');
		const seen: string[] = [];
		w = watchVersion((v) => seen.push(v), { fetch: s.fetch, events: new EventTarget() });
		await vi.advanceTimersByTimeAsync(0);
		expect(s.requests).toBe(1);
		expect(seen).toEqual([]);
		s.version = 'b.8';
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS);
		expect(seen).toEqual(['b.8']);
	});

	it('sends one request at a time, and none after stop', async () => {
		const s = server('a.1');
		const events = new EventTarget();
		w = watchVersion(() => {}, { initial: 'a.1', fetch: s.fetch, events });
		const a = w.check();
		const b = w.check();
		expect(a).toBe(b);
		await a;
		expect(s.requests).toBe(1);
		w.stop();
		events.dispatchEvent(new Event('focus'));
		await vi.advanceTimersByTimeAsync(VERSION_POLL_MS * 3);
		expect(s.requests).toBe(1);
	});
});
