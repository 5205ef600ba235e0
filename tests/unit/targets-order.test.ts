import { describe, expect, it } from 'vitest';
import { pointsByDistance } from '$lib/geo/proximity';
import { EARTH_RADIUS_M } from '$lib/geo/distance';

const deg = (m: number) => (m / EARTH_RADIUS_M) * (180 / Math.PI);

describe('"my targets" by distance from the phone', () => {
	it('orders by great-circle metres on the sphere PostGIS uses, ties by id', () => {
		const at: [number, number] = [113.5, 29.8];
		const targets = [
			{ id: 3, lon: 113.5, lat: 29.8 + deg(900) },
			{ id: 1, lon: 113.5, lat: 29.8 - deg(250) },
			{ id: 7, lon: 113.5, lat: 29.8 + deg(250) },
			{ id: 2, lon: 113.5, lat: 29.8 + deg(5000) }
		];
		const r = pointsByDistance(at, targets);
		expect(r.map((t) => t.id)).toEqual([1, 7, 3, 2]);
		// due north or south: the distance is the latitude difference in metres, within a metre
		expect(r[0].distanceMeters).toBeCloseTo(250, 0);
		expect(r[2].distanceMeters).toBeCloseTo(900, 0);
		expect(r[3].distanceMeters).toBeCloseTo(5000, 0);
	});
	it('orders 300 scattered targets nearest first', () => {
		const at: [number, number] = [113.5, 29.8];
		const many = Array.from({ length: 300 }, (_, i) => ({
			id: i,
			lon: 113.5 + ((i * 7919) % 1000) / 5000,
			lat: 29.8 + ((i * 104729) % 1000) / 5000
		}));
		const t0 = performance.now();
		const r = pointsByDistance(at, many);
		const ms = performance.now() - t0;
		expect(r).toHaveLength(300);
		for (let i = 1; i < r.length; i++)
			expect(r[i].distanceMeters).toBeGreaterThanOrEqual(r[i - 1].distanceMeters);
		console.log(`pointsByDistance: 300 targets in ${ms.toFixed(1)} ms`);
	});
});
