// Small statistics helpers: medians of repeated runs, percentiles of request latencies.
export function median(xs: number[]): number {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export const round = (x: number, d = 1) =>
	Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x;

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
	const t0 = performance.now();
	const value = await fn();
	return { ms: performance.now() - t0, value };
}

/**
 * Run `fn` `warmup` times untimed (compiled code and warm caches, as in a running server), then
 * `runs` times; the median time and the last answer.
 */
export async function medianOf<T>(
	runs: number,
	fn: () => Promise<T> | T,
	warmup = 0
): Promise<{ ms: number; value: T; all: number[] }> {
	for (let i = 0; i < warmup; i++) await fn();
	const all: number[] = [];
	let value!: T;
	for (let i = 0; i < runs; i++) {
		const r = await timed(fn);
		all.push(r.ms);
		value = r.value;
	}
	return { ms: median(all), value, all };
}
