/**
 * Small deterministic pseudo-random number generator for the synthetic demo data.
 *
 * Every synthetic decision derives its own stream from a string key (for example
 * `township-seeds:421083`), so changing one part of the build does not shift the
 * random numbers used everywhere else.
 */

/** Global seed of the demo data set. Change it and every synthetic feature moves. */
export const DEMO_SEED = 'tongan-hubei-demo-v1';

/** 32-bit FNV-1a hash of a string (UTF-16 code units). */
export function hash32(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h >>> 0;
}

export class Rng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** A stream derived from the demo seed and a key. */
	static of(key: string): Rng {
		return new Rng(hash32(`${DEMO_SEED}|${key}`));
	}

	/** Uniform float in [0, 1) (mulberry32 step). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Uniform float in [lo, hi). */
	range(lo: number, hi: number): number {
		return lo + (hi - lo) * this.next();
	}

	/** Uniform integer in [lo, hi] (inclusive). */
	int(lo: number, hi: number): number {
		return lo + Math.floor(this.next() * (hi - lo + 1));
	}

	/** True with probability p. */
	chance(p: number): boolean {
		return this.next() < p;
	}

	/** Standard normal deviate (Box–Muller, one value per call). */
	normal(): number {
		let u = this.next();
		if (u < 1e-12) u = 1e-12;
		const v = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
}
