// An open page learns that the data moved: it polls GET /api/version (every 30 s, and at once
// when the window regains focus or the phone comes back online) and calls `onChange` with the
// new version when it differs from the one the page holds. The map passes it into its tile URLs,
// so a map left open picks up new tiles (issue 11, item 5). Out of signal a poll simply fails
// and the next one tries again.

export interface VersionWatch {
	/** Ask now (also what the timer and the focus and online events do). */
	check(): Promise<void>;
	stop(): void;
}

export interface WatchOptions {
	/** the version the page already holds (e.g. the layout's mapVersion); unset: the first answer */
	initial?: string;
	intervalMs?: number;
	/** for tests: where to fetch and what fires focus/online */
	fetch?: typeof fetch;
	events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

export const VERSION_POLL_MS = 30_000;

export function watchVersion(
	onChange: (version: string) => void,
	opts: WatchOptions = {}
): VersionWatch {
	const get = opts.fetch ?? ((input, init) => fetch(input, init));
	const events = opts.events ?? (typeof window !== 'undefined' ? window : undefined);
	let known = opts.initial;
	let stopped = false;
	// one request at a time: a focus during a slow poll does not start a second
	let inFlight: Promise<void> | null = null;

	const ask = async () => {
		try {
			const r = await get('/api/version', { cache: 'no-store', credentials: 'same-origin' });
			if (!r.ok) return;
			const body = (await r.json()) as { version?: unknown };
			if (stopped || typeof body.version !== 'string') return;
			if (known === undefined) known = body.version;
			else if (body.version !== known) {
				known = body.version;
				onChange(body.version);
			}
		} catch {
			// offline or the server restarting: the next poll asks again
		}
	};
	const check = () => {
		if (stopped) return Promise.resolve();
		inFlight ??= ask().finally(() => (inFlight = null));
		return inFlight;
	};
	const onEvent = () => void check();
	const timer = setInterval(onEvent, opts.intervalMs ?? VERSION_POLL_MS);
	events?.addEventListener('focus', onEvent);
	events?.addEventListener('online', onEvent);
	// without a version to start from, take the server's now, so a change soon after is seen
	if (known === undefined) void check();
	return {
		check,
		stop() {
			stopped = true;
			clearInterval(timer);
			events?.removeEventListener('focus', onEvent);
			events?.removeEventListener('online', onEvent);
		}
	};
}
