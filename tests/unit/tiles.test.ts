import { describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import Protobuf from 'pbf';
import {
	latToTileY,
	lonToTileX,
	tileBounds,
	tileOf,
	tileXToLon,
	tileYToLat,
	isValidTile
} from '$lib/geo/tiles';
import { encodeCellTile, encodeTile } from '$lib/server/tiles/encode';
import { tilesCovering, warmTiles } from '$lib/server/tiles/warm';
import { cellLevelForZoom, toleranceDeg } from '$lib/server/tiles/sources';
import { TILE_MAX_ZOOM } from '$lib/domain/tile-contract';

function decode(buf: Uint8Array) {
	return new VectorTile(new Protobuf(buf));
}

describe('tile arithmetic', () => {
	it('round-trips lon/lat through tile coordinates', () => {
		for (const [lon, lat] of [
			[114.3, 30.6],
			[108.4, 29.1],
			[116.1, 33.2]
		]) {
			expect(tileXToLon(lonToTileX(lon, 12), 12)).toBeCloseTo(lon, 9);
			expect(tileYToLat(latToTileY(lat, 12), 12)).toBeCloseTo(lat, 9);
		}
	});
	it('puts Wuhan in the tile a known tile service would', () => {
		// z=10 tile of (114.3055, 30.5928): x = floor((114.3055+180)/360*1024) = 837
		expect(tileOf(114.3055, 30.5928, 10).x).toBe(837);
		const b = tileBounds(10, 837, tileOf(114.3055, 30.5928, 10).y);
		expect(b.west).toBeLessThan(114.3055);
		expect(b.east).toBeGreaterThan(114.3055);
		expect(b.south).toBeLessThan(30.5928);
		expect(b.north).toBeGreaterThan(30.5928);
	});
	it('rejects impossible tiles', () => {
		expect(isValidTile(3, 8, 0)).toBe(false);
		expect(isValidTile(-1, 0, 0)).toBe(false);
		expect(isValidTile(2.5, 0, 0)).toBe(false);
		expect(isValidTile(3, 7, 7)).toBe(true);
		// the server renders to its deepest zoom; the map draws deeper from those tiles
		expect(isValidTile(TILE_MAX_ZOOM, 0, 0, TILE_MAX_ZOOM)).toBe(true);
		expect(isValidTile(TILE_MAX_ZOOM + 1, 0, 0, TILE_MAX_ZOOM)).toBe(false);
	});
	it('simplifies to under half a screen pixel, finer for the deepest tiles', () => {
		// a tile is 512 px: 8 of its 4096 units a pixel, drawn at most twice as large
		for (const z of [5, 8, 12]) {
			const unitDeg = 360 / 2 ** z / 4096;
			expect(toleranceDeg(z) / unitDeg).toBeLessThanOrEqual(2);
			expect(toleranceDeg(z) / unitDeg).toBeGreaterThan(1);
		}
		const deepest = 360 / 2 ** TILE_MAX_ZOOM / 4096;
		expect(toleranceDeg(TILE_MAX_ZOOM) / deepest).toBeLessThanOrEqual(0.25);
	});
	it('uses count cells a sixteenth of a tile wide, within the stored levels', () => {
		expect(cellLevelForZoom(5)).toBe(9);
		expect(cellLevelForZoom(13)).toBe(17);
		expect(cellLevelForZoom(16)).toBe(17);
		expect(cellLevelForZoom(2)).toBe(7);
	});
});

describe('MVT encoding', () => {
	const z = 12;
	const x = Math.floor(lonToTileX(114.3, z));
	const y = Math.floor(latToTileY(30.6, z));
	const b = tileBounds(z, x, y);
	const midLon = (b.west + b.east) / 2;
	const midLat = (b.south + b.north) / 2;

	it('writes points, lines and polygons that decode back to the same places', () => {
		const buf = encodeTile(z, x, y, {
			pts: [
				{
					id: 7,
					geometry: { type: 'Point', coordinates: [midLon, midLat] },
					properties: { name: '测试站', n: 3 }
				}
			],
			lines: [
				{
					id: 9,
					geometry: {
						type: 'LineString',
						coordinates: [
							[b.west, midLat],
							[b.east, midLat]
						]
					},
					properties: { kind: 'river' }
				}
			],
			polys: [
				{
					id: 1,
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[b.west, b.south],
								[b.east, b.south],
								[b.east, b.north],
								[b.west, b.north],
								[b.west, b.south]
							]
						]
					},
					properties: { code: '421083000000' }
				}
			]
		});
		const vt = decode(buf);
		const p = vt.layers.pts.feature(0);
		expect(p.id).toBe(7);
		expect(p.properties).toEqual({ name: '测试站', n: 3 });
		const [plon, plat] = (p.toGeoJSON(x, y, z).geometry as GeoJSON.Point).coordinates;
		expect(plon).toBeCloseTo(midLon, 3);
		expect(plat).toBeCloseTo(midLat, 3);
		expect(vt.layers.lines.feature(0).type).toBe(2);
		const poly = vt.layers.polys.feature(0);
		expect(poly.type).toBe(3);
		// a correctly wound exterior ring decodes as one Polygon, not as holes
		expect(poly.toGeoJSON(x, y, z).geometry.type).toBe('Polygon');
	});

	it('writes a geometry already in the tile grid as it is (boundaries made valid by PostGIS)', () => {
		// an anticlockwise (y-down) exterior with a hole, in tile units: wound per the spec on output
		const buf = encodeTile(z, x, y, {
			b: [
				{
					tileSpace: true,
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[100, 100],
								[100, 900],
								[900, 900],
								[900, 100],
								[100, 100]
							],
							[
								[300, 300],
								[600, 300],
								[600, 600],
								[300, 600],
								[300, 300]
							]
						]
					},
					properties: {}
				}
			]
		});
		const rings = decode(buf)
			.layers.b.feature(0)
			.loadGeometry()
			.map((r) => r.map((p) => [p.x, p.y]));
		expect(rings).toHaveLength(2);
		expect(rings[0]).toEqual(
			expect.arrayContaining([
				[100, 100],
				[900, 900]
			])
		);
		expect(rings[1]).toEqual(
			expect.arrayContaining([
				[300, 300],
				[600, 600]
			])
		);
	});

	it('drops null properties and empty layers, and returns nothing for an empty tile', () => {
		expect(encodeTile(z, x, y, { a: [] }).byteLength).toBe(0);
		const buf = encodeTile(z, x, y, {
			a: [
				{
					geometry: { type: 'Point', coordinates: [midLon, midLat] },
					properties: { keep: 1, drop: null }
				}
			],
			b: []
		});
		const vt = decode(buf);
		expect(Object.keys(vt.layers)).toEqual(['a']);
		expect(vt.layers.a.feature(0).properties).toEqual({ keep: 1 });
	});

	it('writes count cells as squares covering the right pixels', () => {
		const buf = encodeCellTile('cells', [
			{ px: 512, py: 1024, size: 512, properties: { total: 12, label: '12' } }
		]);
		const f = decode(buf).layers.cells.feature(0);
		const ring = f.loadGeometry()[0].map((p) => [p.x, p.y]);
		expect(ring).toEqual([
			[512, 1024],
			[1024, 1024],
			[1024, 1536],
			[512, 1536],
			[512, 1024]
		]);
		expect(f.toGeoJSON(x, y, z).geometry.type).toBe('Polygon');
	});
});

describe('warming the first view', () => {
	// Hubei's bounding box, roughly
	const hubei: [number, number, number, number] = [108.36, 29.03, 116.13, 33.28];

	it('lists exactly the tiles that cover a box', () => {
		const t = tilesCovering(hubei, 6);
		expect(t.map((v) => `${v.x}/${v.y}`).sort()).toEqual(['51/25', '51/26', '52/25', '52/26']);
		for (const z of [5, 7, 9]) {
			const ts = tilesCovering(hubei, z);
			for (const [lon, lat] of [
				[hubei[0], hubei[1]],
				[hubei[2], hubei[3]],
				[112, 31]
			]) {
				const { x, y } = tileOf(lon, lat, z);
				expect(ts.some((v) => v.x === x && v.y === y)).toBe(true);
			}
			const xs = new Set(ts.map((v) => v.x));
			const ys = new Set(ts.map((v) => v.y));
			expect(ts.length).toBe(xs.size * ys.size);
		}
	});

	it('renders every source of those tiles and carries on past a failure', async () => {
		const seen: string[] = [];
		const n = await warmTiles(
			async (s, z, x, y) => {
				seen.push(`${s}/${z}/${x}/${y}`);
				if (s === 'sites' && x === 51 && y === 25) throw new Error('busy');
			},
			hubei,
			[6]
		);
		expect(seen.length).toBe(16);
		expect(new Set(seen).size).toBe(16);
		expect(n).toBe(15);
	});
});
