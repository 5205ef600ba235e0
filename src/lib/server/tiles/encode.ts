// Mapbox Vector Tile encoding in JavaScript. PGlite's PostGIS has no ST_AsMVT, so the
// embedded engine needs this path; lon/lat geometries already clipped by PostGIS are projected
// to tile pixels here and written with vt-pbf.
import vtpbf from 'vt-pbf';
import { latToTileY, lonToTileX } from '$lib/geo/tiles';

export const EXTENT = 4096;

export type TileGeometry =
	| GeoJSON.Point
	| GeoJSON.LineString
	| GeoJSON.MultiLineString
	| GeoJSON.Polygon
	| GeoJSON.MultiPolygon
	| GeoJSON.GeometryCollection;

export interface TileFeatureIn {
	id?: number;
	/** lon/lat, or (tileSpace) already in this tile's pixel grid */
	geometry: TileGeometry | null;
	/** the geometry is in tile pixels (0…EXTENT, y down), made valid there by PostGIS */
	tileSpace?: boolean;
	properties: Record<string, string | number | boolean | null>;
}

/** geojson-vt's internal tile feature shape, which vt-pbf writes. */
interface VtFeature {
	id?: number;
	type: 1 | 2 | 3;
	geometry: number[][] | number[][][];
	tags: Record<string, string | number | boolean>;
}

type Ring = [number, number][];

function project(z: number, x: number, y: number) {
	return ([lon, lat]: GeoJSON.Position): [number, number] => [
		Math.round((lonToTileX(lon, z) - x) * EXTENT),
		Math.round((latToTileY(lat, z) - y) * EXTENT)
	];
}

/** A coordinate already in tile pixels: whole units, as PostGIS snapped it. */
function inTile([px, py]: GeoJSON.Position): [number, number] {
	return [Math.round(px), Math.round(py)];
}

function dedupe(ring: Ring): Ring {
	const out: Ring = [];
	for (const p of ring) {
		const last = out[out.length - 1];
		if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
	}
	return out;
}

/** Shoelace area in tile coordinates (y down): positive = clockwise on screen. */
function signedArea(ring: Ring): number {
	let s = 0;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		s += (ring[j][0] - ring[i][0]) * (ring[i][1] + ring[j][1]);
	}
	return s;
}

function polygonRings(
	polys: GeoJSON.Position[][][],
	proj: (p: GeoJSON.Position) => [number, number]
): Ring[] {
	const rings: Ring[] = [];
	for (const poly of polys) {
		poly.forEach((r, i) => {
			const ring = dedupe(r.map(proj));
			if (ring.length < 4) return;
			const a = signedArea(ring);
			if (a === 0) return;
			// MVT spec 2: exterior rings clockwise, interior rings anticlockwise (in tile space)
			const wantPositive = i === 0;
			rings.push(a > 0 === wantPositive ? ring : ring.reverse());
		});
	}
	return rings;
}

function toVt(f: TileFeatureIn, z: number, x: number, y: number): VtFeature[] {
	const g = f.geometry;
	if (!g) return [];
	const tags: Record<string, string | number | boolean> = {};
	for (const [k, v] of Object.entries(f.properties)) if (v !== null && v !== undefined) tags[k] = v;
	const proj = f.tileSpace ? inTile : project(z, x, y);
	const base = f.id === undefined ? { tags } : { id: f.id, tags };
	switch (g.type) {
		case 'Point':
			return [{ ...base, type: 1, geometry: [proj(g.coordinates)] }];
		case 'LineString':
		case 'MultiLineString': {
			const lines = (g.type === 'LineString' ? [g.coordinates] : g.coordinates)
				.map((l) => dedupe(l.map(proj)))
				.filter((l) => l.length >= 2);
			return lines.length ? [{ ...base, type: 2, geometry: lines }] : [];
		}
		case 'Polygon':
		case 'MultiPolygon': {
			const rings = polygonRings(g.type === 'Polygon' ? [g.coordinates] : g.coordinates, proj);
			return rings.length ? [{ ...base, type: 3, geometry: rings }] : [];
		}
		case 'GeometryCollection':
			// clipping can yield mixed collections; keep the parts of the feature's own dimension
			return g.geometries.flatMap((part) =>
				toVt({ ...f, geometry: part as TileGeometry }, z, x, y)
			);
	}
}

/** Encode layers of lon/lat features into one MVT (protobuf) tile. */
export function encodeTile(
	z: number,
	x: number,
	y: number,
	layers: Record<string, TileFeatureIn[]>
): Uint8Array {
	const vt: Record<string, { features: VtFeature[] }> = {};
	for (const [name, feats] of Object.entries(layers)) {
		const features = feats.flatMap((f) => toVt(f, z, x, y));
		if (features.length) vt[name] = { features };
	}
	if (!Object.keys(vt).length) return new Uint8Array(0);
	return vtpbf.fromGeojsonVt(vt as never, { version: 2, extent: EXTENT });
}

/** A square polygon in tile pixels, for count cells that are themselves sub-tiles. */
export function encodeCellTile(
	layerName: string,
	cells: {
		px: number;
		py: number;
		size: number;
		properties: Record<string, string | number | boolean>;
	}[],
	points: {
		layer: string;
		features: {
			px: number;
			py: number;
			id?: number;
			properties: Record<string, string | number | boolean>;
		}[];
	}[] = []
): Uint8Array {
	const vt: Record<string, { features: VtFeature[] }> = {};
	if (cells.length) {
		vt[layerName] = {
			features: cells.map((c) => ({
				type: 3 as const,
				tags: c.properties,
				geometry: [
					[
						[c.px, c.py],
						[c.px + c.size, c.py],
						[c.px + c.size, c.py + c.size],
						[c.px, c.py + c.size],
						[c.px, c.py]
					]
				]
			}))
		};
	}
	for (const l of points) {
		if (!l.features.length) continue;
		vt[l.layer] = {
			features: l.features.map((p) => ({
				...(p.id === undefined ? {} : { id: p.id }),
				type: 1 as const,
				tags: p.properties,
				geometry: [[p.px, p.py]]
			}))
		};
	}
	if (!Object.keys(vt).length) return new Uint8Array(0);
	return vtpbf.fromGeojsonVt(vt as never, { version: 2, extent: EXTENT });
}
