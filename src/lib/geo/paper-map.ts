// A map drawn for paper without WebGL: the server's still picture of an area (its outline, its
// subdivisions and its water) that a small map prints until the live map has a picture of its
// own (map/print-shot.ts). Printed at once after opening, before the page's scripts have run, a
// page still carries a map. Web Mercator, as the live map, fitted into a fixed width.

/** [west, south, east, north] in degrees */
export type BBox = [number, number, number, number];

/** The still's drawing space: its size (px) and the degrees it frames. */
export interface PaperFrame {
	bbox: BBox;
	widthPx: number;
	heightPx: number;
}

/** A still picture of an area: the frame and its SVG paths, drawn in that frame. */
export interface PaperStill extends PaperFrame {
	outline: string;
	subunits: string;
	water: string;
}

/** A map's dot on the still (a hazard, a home): where, its colour and its ring. */
export interface PaperDot {
	lon: number;
	lat: number;
	color: string;
	ring: string;
}

export const PAPER_WIDTH_PX = 800;
/** the picture's height stays between these shares of its width (a long thin area is padded) */
const MIN_ASPECT = 0.45;
const MAX_ASPECT = 1.2;

const mercY = (latDeg: number) => {
	const rad = (latDeg * Math.PI) / 180;
	return Math.log(Math.tan(Math.PI / 4 + rad / 2));
};
const mercX = (lonDeg: number) => (lonDeg * Math.PI) / 180;

/** The frame of a bbox at a width: the area's own proportions, kept within sensible bounds. */
export function paperFrame(bbox: BBox, widthPx = PAPER_WIDTH_PX): PaperFrame {
	const [w, s, e, n] = bbox;
	const spanX = Math.max(mercX(e) - mercX(w), 1e-9);
	const spanY = Math.max(mercY(n) - mercY(s), 1e-9);
	const aspect = Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, spanY / spanX));
	return { bbox, widthPx, heightPx: Math.round(widthPx * aspect) };
}

/** A place (lon, lat) in the frame (px from its top left), the area centred with a margin. */
export function paperProject(f: PaperFrame, lon: number, lat: number): [number, number] {
	const [w, s, e, n] = f.bbox;
	const margin = 0.04 * f.widthPx;
	const x0 = mercX(w);
	const y1 = mercY(n);
	const spanX = Math.max(mercX(e) - x0, 1e-9);
	const spanY = Math.max(y1 - mercY(s), 1e-9);
	const scale = Math.min((f.widthPx - 2 * margin) / spanX, (f.heightPx - 2 * margin) / spanY);
	const offX = (f.widthPx - spanX * scale) / 2;
	const offY = (f.heightPx - spanY * scale) / 2;
	return [offX + (mercX(lon) - x0) * scale, offY + (y1 - mercY(lat)) * scale];
}

type Position = number[];
type Geometry =
	| { type: 'LineString'; coordinates: Position[] }
	| { type: 'MultiLineString'; coordinates: Position[][] }
	| { type: 'Polygon'; coordinates: Position[][] }
	| { type: 'MultiPolygon'; coordinates: Position[][][] };

const r1 = (v: number) => Math.round(v * 10) / 10;

/** An SVG path of a line or area, in the frame (rings closed with Z). */
export function paperPath(f: PaperFrame, g: Geometry): string {
	const line = (ps: Position[], close: boolean) =>
		ps.length < 2
			? ''
			: ps
					.map((p, i) => {
						const [x, y] = paperProject(f, p[0], p[1]);
						return `${i ? 'L' : 'M'}${r1(x)} ${r1(y)}`;
					})
					.join('') + (close ? 'Z' : '');
	switch (g.type) {
		case 'LineString':
			return line(g.coordinates, false);
		case 'MultiLineString':
			return g.coordinates.map((l) => line(l, false)).join('');
		case 'Polygon':
			return g.coordinates.map((r) => line(r, true)).join('');
		case 'MultiPolygon':
			return g.coordinates.flatMap((p) => p.map((r) => line(r, true))).join('');
		default:
			return '';
	}
}
