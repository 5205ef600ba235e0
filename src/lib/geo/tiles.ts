// XYZ tile arithmetic (Web Mercator). Used only to place things on screen and to index count
// cells; never to measure distances (Mercator metres over-count by ~17% at Hubei's latitude).

export interface TileBounds {
	west: number;
	south: number;
	east: number;
	north: number;
}

export function lonToTileX(lon: number, z: number): number {
	return ((lon + 180) / 360) * 2 ** z;
}

export function latToTileY(lat: number, z: number): number {
	const φ = (lat * Math.PI) / 180;
	return ((1 - Math.log(Math.tan(φ) + 1 / Math.cos(φ)) / Math.PI) / 2) * 2 ** z;
}

export function tileXToLon(x: number, z: number): number {
	return (x / 2 ** z) * 360 - 180;
}

export function tileYToLat(y: number, z: number): number {
	const n = Math.PI - (2 * Math.PI * y) / 2 ** z;
	return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

/** Geographic bounds of tile (z, x, y), grown by `buffer` tile fractions on every side. */
export function tileBounds(z: number, x: number, y: number, buffer = 0): TileBounds {
	return {
		west: tileXToLon(x - buffer, z),
		east: tileXToLon(x + 1 + buffer, z),
		north: tileYToLat(y - buffer, z),
		south: tileYToLat(y + 1 + buffer, z)
	};
}

/** A tile that exists at zoom 0..maxZoom (the server renders to its deepest zoom only). */
export function isValidTile(z: number, x: number, y: number, maxZoom = 22): boolean {
	return (
		Number.isInteger(z) &&
		Number.isInteger(x) &&
		Number.isInteger(y) &&
		z >= 0 &&
		z <= maxZoom &&
		x >= 0 &&
		y >= 0 &&
		x < 2 ** z &&
		y < 2 ** z
	);
}

/** The XYZ tile at zoom z that holds a point. */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
	return { x: Math.floor(lonToTileX(lon, z)), y: Math.floor(latToTileY(lat, z)) };
}

/** The box around boxes ([west, south, east, north] in degrees), or null for none. */
export function unionOfBoxes(
	boxes: Iterable<readonly [number, number, number, number]>
): [number, number, number, number] | null {
	let w = Infinity;
	let s = Infinity;
	let e = -Infinity;
	let n = -Infinity;
	for (const b of boxes) {
		if (b[0] < w) w = b[0];
		if (b[1] < s) s = b[1];
		if (b[2] > e) e = b[2];
		if (b[3] > n) n = b[3];
	}
	return w === Infinity ? null : [w, s, e, n];
}
