// What the phone keeps of the basemap: which tiles around a user's segments, and under which
// key each byte range of the archive is kept.
import { describe, expect, it } from 'vitest';
import {
	basemapRangeKey,
	isBasemapRequest,
	KEEP_MAX_TILES,
	tilesAround,
	versionOfKey
} from '../../src/lib/offline/basemap';
import { tileOf } from '../../src/lib/geo/tiles';

describe('basemap ranges kept on the phone', () => {
	it('keys a range by the archive version and the bytes', () => {
		const u = new URL('http://127.0.0.1:4173/tiles/basemap.pmtiles?v=abc');
		expect(isBasemapRequest(u)).toBe(true);
		expect(isBasemapRequest(new URL('http://x/tiles/water/1/1/1.mvt'))).toBe(false);
		const k = basemapRangeKey(u, 'bytes=0-16383')!;
		expect(k).toBe('http://127.0.0.1:4173/tiles/basemap.pmtiles?v=abc&bytes=0-16383');
		expect(versionOfKey(k)).toBe('abc');
		expect(basemapRangeKey(u, 'bytes=5-9')).not.toBe(k);
		// another version of the file is another key
		expect(
			basemapRangeKey(new URL('http://127.0.0.1:4173/tiles/basemap.pmtiles?v=def'), 'bytes=0-16383')
		).not.toBe(k);
		// what the reader never sends is not kept
		for (const r of [null, 'bytes=0-', 'bytes=-10', 'bytes=0-1,4-5'])
			expect(basemapRangeKey(u, r)).toBeNull();
	});
});

describe("tiles around a user's segments", () => {
	// a river chief's few kilometres of river in 洪湖市
	const bbox: [number, number, number, number] = [113.45, 29.8, 113.5, 29.83];

	it('covers the segments and the screen around them at every zoom kept', () => {
		const tiles = tilesAround(bbox, 10, 15);
		for (let z = 10; z <= 15; z++) {
			const [w, s, e, n] = bbox;
			for (const [lon, lat] of [
				[w, s],
				[e, n],
				[w - 0.02, s - 0.01],
				[e + 0.02, n + 0.01]
			]) {
				const t = tileOf(lon, lat, z);
				expect(tiles, `z${z} ${lon},${lat}`).toContainEqual([z, t.x, t.y]);
			}
		}
		expect(new Set(tiles.map((t) => t.join('/'))).size).toBe(tiles.length);
		expect(tiles.length).toBeLessThanOrEqual(KEEP_MAX_TILES);
	});

	it('leaves out whole deeper zooms rather than cutting one, for a large area', () => {
		// a whole county
		const tiles = tilesAround([113.1, 29.6, 114.0, 30.1], 10, 15);
		expect(tiles.length).toBeLessThanOrEqual(KEEP_MAX_TILES);
		const zooms = [...new Set(tiles.map((t) => t[0]))];
		expect(zooms[0]).toBe(10);
		expect(zooms.at(-1)).toBeLessThan(15);
		const deepest = zooms.at(-1)!;
		const a = tileOf(113.1 - 0.45, 30.1 + 0.25, deepest);
		const b = tileOf(114.0 + 0.45, 29.6 - 0.25, deepest);
		expect(tiles.filter((t) => t[0] === deepest).length).toBe((b.x - a.x + 1) * (b.y - a.y + 1));
	});
});
