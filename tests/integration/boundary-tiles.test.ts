// Boundary tiles hold valid polygons at every zoom, as a reader sees them: each admin tile over
// the fixture county is decoded from its MVT bytes, its rings grouped into polygons the way the
// MVT spec says (an exterior ring clockwise on screen, then its holes), and each polygon is
// checked by PostGIS on the same engine, in the tile's own integer grid. Simplifying and rounding
// made some of them self-intersecting at low zooms, and GDAL dropped those.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { VectorTile } from '@mapbox/vector-tile';
import Protobuf from 'pbf';
import {
	openTestDatabase,
	testEngines,
	FIXTURE_AREA,
	type TestDatabase
} from '../support/template';
import { PROVINCE_SCOPE } from '../../src/lib/server/auth/scope';
import { renderTile } from '../../src/lib/server/tiles/sources';
import { latToTileY, lonToTileX } from '../../src/lib/geo/tiles';

type Pt = { x: number; y: number };

/** Shoelace area in tile coordinates (y down): positive = clockwise on screen = exterior. */
function area(ring: Pt[]): number {
	let s = 0;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
		s += (ring[j].x - ring[i].x) * (ring[i].y + ring[j].y);
	return s;
}

/** The polygons of one MVT polygon feature, as WKT in tile coordinates. */
function polygonsWkt(rings: Pt[][]): string[] {
	const polys: Pt[][][] = [];
	for (const ring of rings) {
		const a = area(ring);
		if (a > 0 || !polys.length) polys.push([ring]);
		else polys[polys.length - 1].push(ring);
	}
	const ringWkt = (r: Pt[]) => {
		const pts = r.map((p) => `${p.x} ${p.y}`);
		// decoded rings are closed by the command, not by a repeated point
		if (r[0].x !== r[r.length - 1].x || r[0].y !== r[r.length - 1].y) pts.push(pts[0]);
		return `(${pts.join(',')})`;
	};
	return polys.map((p) => `POLYGON(${p.map(ringWkt).join(',')})`);
}

describe.each(testEngines())('boundary tiles on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('hold only valid polygons from zoom 4 to 11 over the fixture county', async () => {
		const ext = await sql<{ w: number; s: number; e: number; n: number }>`
			SELECT ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n
			FROM (SELECT ST_Extent(geom)::geometry AS g FROM admin_units
				WHERE code = rpad(${FIXTURE_AREA}, 12, '0')) x`.execute(d.db);
		const { w, s, e, n } = ext.rows[0];
		const wkts: { where: string; wkt: string }[] = [];
		for (let z = 4; z <= 11; z++) {
			const [x0, x1] = [Math.floor(lonToTileX(w, z)), Math.floor(lonToTileX(e, z))];
			const [y0, y1] = [Math.floor(latToTileY(n, z)), Math.floor(latToTileY(s, z))];
			// at the deepest zooms, a band across the county is enough
			const ys = z >= 10 ? [Math.floor((y0 + y1) / 2)] : range(y0, y1);
			for (let x = x0; x <= x1; x++)
				for (const y of ys) {
					const bytes = await renderTile(d.db, PROVINCE_SCOPE, 'admin', z, x, y);
					const layer = new VectorTile(new Protobuf(bytes)).layers.boundary;
					if (!layer) continue;
					for (let i = 0; i < layer.length; i++) {
						const f = layer.feature(i);
						expect(f.type).toBe(3);
						for (const wkt of polygonsWkt(f.loadGeometry()))
							wkts.push({ where: `${z}/${x}/${y} ${String(f.properties.name)}`, wkt });
					}
				}
		}
		expect(wkts.length).toBeGreaterThan(50);
		const r = await sql<{ i: number; reason: string }>`
			SELECT i::int AS i, ST_IsValidReason(ST_GeomFromText(w)) AS reason
			FROM unnest(${wkts.map((x) => x.wkt)}::text[]) WITH ORDINALITY AS t(w, i)
			WHERE NOT ST_IsValid(ST_GeomFromText(w))`.execute(d.db);
		const invalid = r.rows.map((x) => `${wkts[x.i - 1].where}: ${x.reason}`);
		expect(invalid).toEqual([]);
	});
});

function range(a: number, b: number): number[] {
	const out: number[] = [];
	for (let i = a; i <= b; i++) out.push(i);
	return out;
}
