// A small vector basemap in Protomaps' schema around the test fixture's county (洪湖市), built
// by the tests themselves: land, a lake, two roads, a block of buildings and a town name, in
// MVT tiles from the app's own encoder, written as PMTiles v3.
import { writeFile } from 'node:fs/promises';
import { encodeTile, type TileFeatureIn } from '../../src/lib/server/tiles/encode';
import { tileBounds, tileOf } from '../../src/lib/geo/tiles';
import { writePmtiles, type WriterTile } from './pmtiles-writer';

/** Around 洪湖市 (the fixture county), lon/lat. */
export const FIXTURE_BASEMAP_BOUNDS: [number, number, number, number] = [113.0, 29.5, 114.2, 30.2];
export const FIXTURE_BASEMAP_ZOOMS = [0, 12] as const;
export const FIXTURE_ROAD_NAME = '测试大道';

function features(z: number, x: number, y: number): Record<string, TileFeatureIn[]> {
	const b = tileBounds(z, x, y, 0.02);
	const [w, s, e, n] = FIXTURE_BASEMAP_BOUNDS;
	const box = (x0: number, y0: number, x1: number, y1: number): GeoJSON.Polygon => ({
		type: 'Polygon',
		coordinates: [
			[
				[x0, y0],
				[x0, y1],
				[x1, y1],
				[x1, y0],
				[x0, y0]
			]
		]
	});
	const buildings: TileFeatureIn[] = [];
	for (let i = 0; i < 40; i++)
		for (let j = 0; j < 40; j++) {
			const x0 = w + 0.05 + (i * (e - w - 0.1)) / 40;
			const y0 = s + 0.05 + (j * (n - s - 0.1)) / 40;
			// only this tile's (the encoder does not clip)
			if (x0 < b.east && x0 + 0.004 > b.west && y0 < b.north && y0 + 0.003 > b.south)
				buildings.push({
					geometry: box(x0, y0, x0 + 0.004, y0 + 0.003),
					properties: { kind: 'building' }
				});
		}
	return {
		earth: [{ geometry: box(b.west, b.south, b.east, b.north), properties: { kind: 'earth' } }],
		water: [{ geometry: box(113.3, 29.85, 113.45, 29.95), properties: { kind: 'lake' } }],
		roads: [
			// each road only across this tile (the encoder does not clip)
			...Array.from({ length: 23 }, (_, i) => 29.52 + i * 0.03).map((lat) => {
				const at = (lon: number): GeoJSON.Position => [lon, lat + (0.02 * (lon - w)) / (e - w)];
				return {
					geometry: {
						type: 'LineString' as const,
						coordinates: [at(Math.max(w, b.west)), at(Math.min(e, b.east))]
					},
					properties: { kind: 'major_road', name: FIXTURE_ROAD_NAME }
				};
			}),
			...Array.from({ length: 24 }, (_, i) => 113.02 + i * 0.05).map((lon) => {
				const at = (lat: number): GeoJSON.Position => [lon + (0.01 * (lat - s)) / (n - s), lat];
				return {
					geometry: {
						type: 'LineString' as const,
						coordinates: [at(Math.max(s, b.south)), at(Math.min(n, b.north))]
					},
					properties: { kind: 'minor_road', kind_detail: 'residential' }
				};
			})
		].filter((f) => {
			const [[x0, y0], [x1, y1]] = f.geometry.coordinates;
			return x0 <= x1 && y0 <= y1 && !(x0 === x1 && y0 === y1);
		}),
		buildings: z >= 9 ? buildings : [],
		places: [
			{
				geometry: { type: 'Point', coordinates: [113.47, 29.81] },
				properties: { kind: 'locality', name: '测试镇', min_zoom: 6, population_rank: 10 }
			}
		]
	};
}

/** The archive's bytes: every tile of the bounds at each zoom from FIXTURE_BASEMAP_ZOOMS. */
export function fixtureBasemap(): Buffer {
	const tiles: WriterTile[] = [];
	const [w, s, e, n] = FIXTURE_BASEMAP_BOUNDS;
	for (let z = FIXTURE_BASEMAP_ZOOMS[0]; z <= FIXTURE_BASEMAP_ZOOMS[1]; z++) {
		const a = tileOf(w, n, z);
		const c = tileOf(e, s, z);
		for (let x = a.x; x <= c.x; x++)
			for (let y = a.y; y <= c.y; y++)
				tiles.push({ z, x, y, data: encodeTile(z, x, y, features(z, x, y)) });
	}
	return writePmtiles(tiles, {
		bounds: FIXTURE_BASEMAP_BOUNDS,
		metadata: {
			name: 'TongAn test basemap',
			attribution: 'TongAn test data',
			vector_layers: ['earth', 'water', 'roads', 'buildings', 'places'].map((id) => ({
				id,
				fields: {}
			}))
		}
	});
}

export async function writeFixtureBasemap(file: string): Promise<Buffer> {
	const bytes = fixtureBasemap();
	await writeFile(file, bytes);
	return bytes;
}
