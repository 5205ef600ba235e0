// "What is near this point": the contract shared by Turf (browser, on features already loaded)
// and PostGIS (server, authoritative). Both measure great-circle metres on the same sphere and
// return ids with distances, nearest first (ties by id). Parity tests hold them to 1 m.
import { pointToLineDistance, lineString, point, distance as turfDistance } from '@turf/turf';
import { EARTH_RADIUS_M } from './distance';

export interface Nearby {
	id: number;
	distanceMeters: number;
}

export interface LineFeature {
	id: number;
	coordinates: [number, number][];
}

export function sortNearby(list: Nearby[]): Nearby[] {
	return list.sort((a, b) => a.distanceMeters - b.distanceMeters || a.id - b.id);
}

/** Degrees of latitude/longitude that certainly cover `radiusMeters` around a latitude. */
export function radiusToDegrees(radiusMeters: number, lat: number): { dLon: number; dLat: number } {
	const dLat = (radiusMeters / EARTH_RADIUS_M) * (180 / Math.PI);
	const dLon = dLat / Math.max(Math.cos((Math.abs(lat) * Math.PI) / 180), 1e-6);
	return { dLon: dLon * 1.01, dLat: dLat * 1.01 };
}

/** Lines within `radiusMeters` of a point, computed in the browser with Turf. */
export function linesNear(
	at: [number, number],
	lines: LineFeature[],
	radiusMeters: number
): Nearby[] {
	const p = point(at);
	const { dLon, dLat } = radiusToDegrees(radiusMeters, at[1]);
	const out: Nearby[] = [];
	for (const l of lines) {
		// exact bounding-box rejection: the line's box grown by the radius must hold the point
		let west = Infinity;
		let east = -Infinity;
		let south = Infinity;
		let north = -Infinity;
		for (const [lon, lat] of l.coordinates) {
			if (lon < west) west = lon;
			if (lon > east) east = lon;
			if (lat < south) south = lat;
			if (lat > north) north = lat;
		}
		if (at[0] < west - dLon || at[0] > east + dLon || at[1] < south - dLat || at[1] > north + dLat)
			continue;
		const d = pointToLineDistance(p, lineString(l.coordinates), {
			units: 'meters',
			method: 'geodesic'
		});
		if (d <= radiusMeters) out.push({ id: l.id, distanceMeters: d });
	}
	return sortNearby(out);
}

/**
 * Points ordered by great-circle distance from `at` (Turf, on the same sphere as PostGIS),
 * nearest first, ties by id: "my targets" on a phone, with no request to the server.
 */
export function pointsByDistance<T extends { id: number; lon: number; lat: number }>(
	at: [number, number],
	items: readonly T[]
): (T & { distanceMeters: number })[] {
	const from = point(at);
	return items
		.map((it) => ({
			...it,
			distanceMeters: turfDistance(from, point([it.lon, it.lat]), { units: 'meters' })
		}))
		.sort((a, b) => a.distanceMeters - b.distanceMeters || a.id - b.id);
}
