// Rendering the first view's tiles ahead of the first visitor. A freshly started embedded
// database reads every table and loads PostGIS on first use, which makes the first map after a
// restart wait ~0.5–1 s longer for its tiles than any later one. The server's start-up calls
// this in the background through the cached tile service (services/map.ts, warmFirstView).
import { lonToTileX, latToTileY } from '$lib/geo/tiles';
import { TILE_SOURCES, type TileSource } from './sources';

/** The tiles of zoom z that cover a lon/lat box [west, south, east, north]. */
export function tilesCovering(
	bbox: [number, number, number, number],
	z: number
): { z: number; x: number; y: number }[] {
	const [west, south, east, north] = bbox;
	const n = 2 ** z;
	const clamp = (v: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
	const x0 = clamp(lonToTileX(west, z));
	const x1 = clamp(lonToTileX(east, z));
	const y0 = clamp(latToTileY(north, z));
	const y1 = clamp(latToTileY(south, z));
	const out: { z: number; x: number; y: number }[] = [];
	for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y });
	return out;
}

/**
 * Render (through `render`, which should store them in the tile cache) every source's tiles
 * covering `bbox` at `zooms`, one after another so that visitors' requests can interleave.
 * Failures are ignored: a tile that could not be warmed is rendered on request as usual.
 */
export async function warmTiles(
	render: (source: TileSource, z: number, x: number, y: number) => Promise<unknown>,
	bbox: [number, number, number, number],
	zooms: number[]
): Promise<number> {
	let n = 0;
	for (const z of zooms) {
		for (const t of tilesCovering(bbox, z)) {
			for (const s of TILE_SOURCES) {
				try {
					await render(s, t.z, t.x, t.y);
					n++;
				} catch {
					// rendered again on request
				}
			}
		}
	}
	return n;
}
