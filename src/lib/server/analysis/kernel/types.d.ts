// The layout of the analysis kernel's data (all Float64Array unless said otherwise). Types only:
// the kernel's .mjs modules name them in JSDoc, nothing imports this file at run time.

/**
 * Residences (or any points): lon, lat, id, code (12-digit village code as a number), sorted by
 * code then id, so a jurisdiction prefix is one contiguous index range.
 */
export interface Points {
	lon: Float64Array;
	lat: Float64Array;
	id: Float64Array;
	code: Float64Array;
}

/**
 * Shapes (segments, facilities): start (n+1 vertex offsets), x/y (vertex lon/lat), id, code,
 * flag (for segments 1 = four items incomplete).
 */
export interface Shapes {
	start: Int32Array;
	x: Float64Array;
	y: Float64Array;
	id: Float64Array;
	code: Float64Array;
	flag: Uint8Array;
}

export interface PointGrid {
	west: number;
	south: number;
	cell: number;
	cols: number;
	rows: number;
	start: Int32Array;
	lon: Float64Array;
	lat: Float64Array;
	index: Int32Array;
}

export interface EdgeGrid {
	west: number;
	south: number;
	cell: number;
	cols: number;
	rows: number;
	start: Int32Array;
	slotChunk: Int32Array;
	box: Float64Array;
	chunkStart: Int32Array;
	xy: Float64Array;
	uv: Float64Array;
	edgeShape: Int32Array;
}
