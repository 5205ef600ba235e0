// What is wrong with a geometry, in a word the user can act on: coordinates that are not
// numbers or not on Earth, rings that do not close or have too few points, lines that cross
// themselves. Null when it is fine.
import { kinks } from '@turf/turf';

export type GeometryProblem =
	'missing' | 'type' | 'coordinates' | 'ring' | 'selfIntersection' | 'tooShort';

const okPos = (p: unknown): p is number[] =>
	Array.isArray(p) &&
	p.length >= 2 &&
	typeof p[0] === 'number' &&
	typeof p[1] === 'number' &&
	Number.isFinite(p[0]) &&
	Number.isFinite(p[1]) &&
	Math.abs(p[0]) <= 180 &&
	Math.abs(p[1]) <= 90;

function ringProblem(ring: unknown): GeometryProblem | null {
	if (!Array.isArray(ring) || !ring.every(okPos)) return 'coordinates';
	if (ring.length < 4) return 'ring';
	const a = ring[0];
	const b = ring[ring.length - 1];
	if (a[0] !== b[0] || a[1] !== b[1]) return 'ring';
	return null;
}

function crosses(g: GeoJSON.Geometry): boolean {
	try {
		return kinks(g as GeoJSON.LineString | GeoJSON.Polygon).features.length > 0;
	} catch {
		return true;
	}
}

export function geometryProblem(g: unknown): GeometryProblem | null {
	if (g === null || g === undefined) return 'missing';
	if (typeof g !== 'object' || !('type' in g)) return 'type';
	const geom = g as GeoJSON.Geometry;
	switch (geom.type) {
		case 'Point':
			return okPos(geom.coordinates) ? null : 'coordinates';
		case 'MultiPoint':
			return Array.isArray(geom.coordinates) &&
				geom.coordinates.length > 0 &&
				geom.coordinates.every(okPos)
				? null
				: 'coordinates';
		case 'LineString': {
			const c = geom.coordinates;
			if (!Array.isArray(c) || !c.every(okPos)) return 'coordinates';
			if (c.length < 2) return 'tooShort';
			return crosses(geom) ? 'selfIntersection' : null;
		}
		case 'MultiLineString': {
			if (!Array.isArray(geom.coordinates) || geom.coordinates.length === 0) return 'coordinates';
			for (const line of geom.coordinates) {
				const p = geometryProblem({ type: 'LineString', coordinates: line });
				if (p) return p;
			}
			return null;
		}
		case 'Polygon': {
			if (!Array.isArray(geom.coordinates) || geom.coordinates.length === 0) return 'coordinates';
			for (const ring of geom.coordinates) {
				const p = ringProblem(ring);
				if (p) return p;
			}
			return crosses(geom) ? 'selfIntersection' : null;
		}
		case 'MultiPolygon': {
			if (!Array.isArray(geom.coordinates) || geom.coordinates.length === 0) return 'coordinates';
			for (const poly of geom.coordinates) {
				const p = geometryProblem({ type: 'Polygon', coordinates: poly });
				if (p) return p;
			}
			return null;
		}
		default:
			return 'type';
	}
}
