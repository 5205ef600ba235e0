// Deterministic pseudo-randomness for the synthetic demo data. Every stream is keyed by a
// stable string (e.g. a village code), so a fixture area seeds exactly the same children,
// homes and equipment states as the same area inside the whole-province seed.

export function hashString(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

export interface Rng {
	/** uniform in [0, 1) */
	next(): number;
	int(minInclusive: number, maxInclusive: number): number;
	normal(): number;
	pick<T>(items: readonly T[]): T;
	chance(p: number): boolean;
}

export function rng(key: string): Rng {
	let a = hashString(key) || 1;
	const next = () => {
		// mulberry32
		a = (a + 0x6d2b79f5) | 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
		normal: () => {
			const u = Math.max(next(), 1e-12);
			return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
		},
		pick: (items) => items[Math.floor(next() * items.length)],
		chance: (p) => next() < p
	};
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Move a lon/lat point by metres east and north (small offsets, spherical earth). */
export function offsetMeters(
	[lon, lat]: readonly [number, number],
	eastM: number,
	northM: number
): [number, number] {
	const dLat = (northM / EARTH_RADIUS_M) * (180 / Math.PI);
	const dLon = (eastM / (EARTH_RADIUS_M * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
	return [round5(lon + dLon), round5(lat + dLat)];
}

export function round5(v: number): number {
	return Math.round(v * 1e5) / 1e5;
}
