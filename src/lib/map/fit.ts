// How the map fits what it shows: the current area, the selected segment (into the part of the
// map no panel over it covers), and the zooms it keeps to. Pure: the map components measure and
// move, this decides.
import { HUBEI_EXTENT, MIN_ZOOM } from '$lib/domain/tile-contract';
import type { AdminLevel } from '$lib/domain/admin';
import { haversineMeters } from '$lib/geo/distance';

/** West, south, east, north in degrees. */
export type Bounds = [number, number, number, number];

/** How an area (or a linked segment) is fitted: clear of the edges, never closer than 15. */
export const FIT = { padding: 24, maxZoom: 15 } as const;

/**
 * The map's least zoom. Below MIN_ZOOM.minorWaterways the tiles hold whole rivers (no one's
 * segments) and no ponds or ditches, so a map of a list of segments does not zoom out that far.
 */
export function minZoomFor(waterwayIds: number[] | null | undefined): number {
	return waterwayIds ? MIN_ZOOM.minorWaterways : 4;
}

/**
 * The least zoom an area is fitted at. Townships are in the tiles from MIN_ZOOM.township: a
 * county that fits the screen at a lower zoom (on a phone) is shown a little closer, so its
 * townships are there to tap.
 */
export function fitFloor(drillLevel: string | null): number {
	return drillLevel === 'township' ? MIN_ZOOM.township : 0;
}

/**
 * The least zoom a map whose segments are tapped opens at (the emergency desk: "tap a reach").
 * A county or smaller area fitted on a phone can come out just below the zoom from which the
 * tiles carry one feature per segment, and then a tap finds nothing: it is shown a little closer.
 */
export function segmentTapFloor(level: AdminLevel): number {
	return level === 'province' || level === 'prefecture' ? 0 : MIN_ZOOM.waterwaySegments;
}

/** Whether two bounds are the same (the map is not moved again for the same area). */
export function sameBounds(a: Bounds, b: Bounds): boolean {
	return a.every((v, i) => v === b[i]);
}

export interface Box {
	left: number;
	top: number;
	right: number;
	bottom: number;
}
export interface Padding {
	top: number;
	right: number;
	bottom: number;
	left: number;
}
/** The edge of the map a panel lies along (its CSS says which: `--map-cover`). */
export type CoverSide = 'top' | 'right' | 'bottom' | 'left';
export const COVER_SIDES: readonly CoverSide[] = ['top', 'right', 'bottom', 'left'];

export function isCoverSide(v: string): v is CoverSide {
	return (COVER_SIDES as readonly string[]).includes(v);
}

/**
 * The padding that keeps what the map fits clear of the panels over it: a panel along the bottom
 * edge (a phone's sheet) pads the bottom by the height it covers, one along the left edge (the
 * desktop card) the left by its width, plus `base` around everything. If the panels would leave
 * less than `minRoom` pixels either way, that panel is ignored (better hidden than squeezed).
 */
export function coverPadding(
	map: Box,
	covers: { side: CoverSide; rect: Box }[],
	base = 24,
	minRoom = 80
): Padding {
	const pad: Padding = { top: base, right: base, bottom: base, left: base };
	const width = map.right - map.left;
	const height = map.bottom - map.top;
	for (const { side, rect } of covers) {
		// a panel outside the map (or hidden: an empty box) covers nothing
		if (
			rect.right <= map.left ||
			rect.left >= map.right ||
			rect.bottom <= map.top ||
			rect.top >= map.bottom ||
			rect.right <= rect.left ||
			rect.bottom <= rect.top
		)
			continue;
		const covered = {
			top: rect.bottom - map.top,
			bottom: map.bottom - rect.top,
			left: rect.right - map.left,
			right: map.right - rect.left
		}[side];
		const next = { ...pad, [side]: Math.max(pad[side], Math.ceil(covered) + base) };
		const roomX = width - next.left - next.right;
		const roomY = height - next.top - next.bottom;
		if (roomX >= minRoom && roomY >= minRoom) Object.assign(pad, next);
	}
	return pad;
}

/** The box of the map left visible inside a padding (in the map's own pixels, from 0,0). */
export function visibleBox(width: number, height: number, pad: Padding): Box {
	return { left: pad.left, top: pad.top, right: width - pad.right, bottom: height - pad.bottom };
}

/** Whether every point lies inside the box, `margin` pixels in from its edges. */
export function allInside(box: Box, points: { x: number; y: number }[], margin = 0): boolean {
	return points.every(
		(p) =>
			p.x >= box.left + margin &&
			p.x <= box.right - margin &&
			p.y >= box.top + margin &&
			p.y <= box.bottom - margin
	);
}

type Position = number[];
type LineGeometry =
	| { type: 'Point'; coordinates: Position }
	| { type: 'MultiPoint' | 'LineString'; coordinates: Position[] }
	| { type: 'MultiLineString' | 'Polygon'; coordinates: Position[][] }
	| { type: 'MultiPolygon'; coordinates: Position[][][] }
	| { type: string; coordinates?: unknown };

function eachPosition(g: LineGeometry, f: (p: Position) => void): void {
	const walk = (c: unknown): void => {
		if (!Array.isArray(c)) return;
		if (typeof c[0] === 'number') f(c as Position);
		else for (const x of c) walk(x);
	};
	walk(g.coordinates);
}

/**
 * The west, south, east, north bounds of the pieces of one feature (a segment is cut at tile
 * edges, so it can come in several pieces); null when there is no coordinate at all.
 */
export function geometryBounds(pieces: LineGeometry[]): Bounds | null {
	let w = Infinity;
	let s = Infinity;
	let e = -Infinity;
	let n = -Infinity;
	for (const g of pieces)
		eachPosition(g, ([x, y]) => {
			if (!Number.isFinite(x) || !Number.isFinite(y)) return;
			w = Math.min(w, x);
			e = Math.max(e, x);
			s = Math.min(s, y);
			n = Math.max(n, y);
		});
	return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** The four corners of bounds, as [lng, lat]. */
export function corners(b: Bounds): [number, number][] {
	return [
		[b[0], b[1]],
		[b[0], b[3]],
		[b[2], b[1]],
		[b[2], b[3]]
	];
}

/** What the map does to show the selected segment. */
export type SelectedMove =
	| { kind: 'stay' }
	/** slide by [x, y] pixels at the same zoom */
	| { kind: 'pan'; by: [number, number] }
	/** close in on the bounds, inside the padding */
	| { kind: 'zoom'; bounds: Bounds; padding: Padding };

/**
 * How the selected segment is brought into view. Tapped on the map, it is already on screen at
 * the zoom the user chose: the map slides (same zoom) only when the panel that opened hides part
 * of it, to bring its middle to the middle of what is left. Asked for by a link (?f=…), the map
 * closes in on it. `project` turns [lng, lat] into the map's pixels.
 */
export function selectedMove(
	b: Bounds,
	zoomIn: boolean,
	size: { width: number; height: number },
	padding: Padding,
	project: (lngLat: [number, number]) => { x: number; y: number }
): SelectedMove {
	if (zoomIn) return { kind: 'zoom', bounds: b, padding };
	const seen = visibleBox(size.width, size.height, padding);
	if (allInside(seen, corners(b).map(project))) return { kind: 'stay' };
	const mid = project([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]);
	return {
		kind: 'pan',
		by: [mid.x - (seen.left + seen.right) / 2, mid.y - (seen.top + seen.bottom) / 2]
	};
}

/** The bounds of some points ([lon, lat]), or Hubei's when there are none. */
export function boundsOfPoints(points: readonly (readonly [number, number])[]): Bounds {
	if (!points.length) return [...HUBEI_EXTENT];
	let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const [lon, lat] of points) {
		w = Math.min(w, lon);
		e = Math.max(e, lon);
		s = Math.min(s, lat);
		n = Math.max(n, lat);
	}
	return [w, s, e, n];
}

/**
 * Within this distance of the nearest target, the phone's position is framed with the targets:
 * a worker on the way sees where they stand. Farther (at the office, or the position is
 * stale), framing it too would shrink every target into one corner of a phone's map.
 */
export const HERE_FRAMED_WITHIN_M = 5_000;

/** The bounds "my targets" opens on: the targets, and the phone's position when it is near them. */
export function targetsFrame(
	targets: readonly (readonly [number, number])[],
	here: readonly [number, number] | null,
	/** the worker's own area, framed when there is nothing else (else: the whole province) */
	area: Bounds | null = null,
	nearMeters = HERE_FRAMED_WITHIN_M
): Bounds {
	if (!targets.length && !here && area) return area;
	if (!here) return boundsOfPoints(targets);
	const near = !targets.length || targets.some((t) => haversineMeters(t, here) <= nearMeters);
	return boundsOfPoints(near ? [...targets, here] : targets);
}
