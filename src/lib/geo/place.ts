// An area drawn on the map for "near a place": one ring of [lon, lat] vertices. The same check
// runs in the browser (before sending) and on the server (which never trusts the browser), so
// both refuse the same rings for the same reason.
import { area, kinks, polygon } from '@turf/turf';

/** A drawn ring: at least a triangle (4 positions with the closing one), at most 200 vertices. */
export const PLACE_MIN_POSITIONS = 4;
export const PLACE_MAX_POSITIONS = 201;
/** Smaller than this is a slip of the finger, not an area to search. */
export const PLACE_MIN_AREA_M2 = 1_000;
/** Larger than this is more than a flooded stretch: a county is about 2,500 km². */
export const PLACE_MAX_AREA_M2 = 1_000_000_000;
/** Hubei with a margin: a vertex outside is a mistake (or swapped coordinates). */
const LON_RANGE = [104, 118] as const;
const LAT_RANGE = [27, 35] as const;

export type PlaceProblem =
	'shape' | 'vertices' | 'closed' | 'coordinates' | 'kinks' | 'small' | 'large';

export type PlaceCheck = { ok: true; areaM2: number } | { ok: false; problem: PlaceProblem };

const isPosition = (p: unknown): p is [number, number] =>
	Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Close an open ring (the drawing adds the first vertex again at the end). */
export function closeRing(vertices: readonly [number, number][]): [number, number][] {
	if (vertices.length === 0) return [];
	const first = vertices[0];
	const last = vertices[vertices.length - 1];
	const closed = first[0] === last[0] && first[1] === last[1];
	return closed ? [...vertices] : [...vertices, [first[0], first[1]]];
}

/** Whether a ring is one the server will search: closed, simple, in Hubei, of a sensible size. */
export function checkPlaceRing(ring: unknown): PlaceCheck {
	if (!Array.isArray(ring) || !ring.every(isPosition)) return { ok: false, problem: 'shape' };
	if (ring.length < PLACE_MIN_POSITIONS || ring.length > PLACE_MAX_POSITIONS)
		return { ok: false, problem: 'vertices' };
	const first = ring[0];
	const last = ring[ring.length - 1];
	if (first[0] !== last[0] || first[1] !== last[1]) return { ok: false, problem: 'closed' };
	if (
		ring.some(
			([lon, lat]) =>
				lon < LON_RANGE[0] || lon > LON_RANGE[1] || lat < LAT_RANGE[0] || lat > LAT_RANGE[1]
		)
	)
		return { ok: false, problem: 'coordinates' };
	// distinct vertices: a ring of three points with one repeated has no area to speak of
	if (new Set(ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`)).size < 3)
		return { ok: false, problem: 'vertices' };
	const shape = polygon([ring]);
	if (kinks(shape).features.length > 0) return { ok: false, problem: 'kinks' };
	const areaM2 = area(shape);
	if (areaM2 < PLACE_MIN_AREA_M2) return { ok: false, problem: 'small' };
	if (areaM2 > PLACE_MAX_AREA_M2) return { ok: false, problem: 'large' };
	return { ok: true, areaM2 };
}
