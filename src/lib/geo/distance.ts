// Distances in metres. The one contract shared by the browser (Turf) and PostGIS: great-circle
// distance on a sphere of radius 6,371,008.8 m, which is what Turf computes and what PostGIS's
// geography functions compute with use_spheroid = false.

export const EARTH_RADIUS_M = 6_371_008.8;

export function haversineMeters(
	a: readonly [number, number],
	b: readonly [number, number]
): number {
	const toRad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * toRad;
	const dLon = (b[0] - a[0]) * toRad;
	const h =
		Math.sin(dLat / 2) ** 2 +
		Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Hubei's extent with a margin; coordinates outside are rejected as input errors. */
export const HUBEI_BOUNDS = { west: 108.0, south: 28.8, east: 116.5, north: 33.6 } as const;

export function isValidLonLat(lon: unknown, lat: unknown): lon is number {
	return (
		typeof lon === 'number' &&
		typeof lat === 'number' &&
		Number.isFinite(lon) &&
		Number.isFinite(lat) &&
		lon >= -180 &&
		lon <= 180 &&
		lat >= -90 &&
		lat <= 90
	);
}

export function isInHubei(lon: number, lat: number): boolean {
	return (
		lon >= HUBEI_BOUNDS.west &&
		lon <= HUBEI_BOUNDS.east &&
		lat >= HUBEI_BOUNDS.south &&
		lat <= HUBEI_BOUNDS.north
	);
}
