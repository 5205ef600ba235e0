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
import { areaSummary, feature } from '../../src/lib/server/services/map';
import { NotFoundError } from '../../src/lib/server/errors';
import { scopeFor, PROVINCE_SCOPE } from '../../src/lib/server/auth/scope';
import { MIN_ZOOM, renderTile } from '../../src/lib/server/tiles/sources';
import { tileBounds, tileOf } from '../../src/lib/geo/tiles';
import { MAX_DEVIATION } from '../../src/lib/domain/disclosure';
import { releasedPerUnit } from '../support/released';

const countyCode = FIXTURE_AREA.padEnd(12, '0');

describe.each(testEngines())('map services on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('summarises an area with counts equal to independent SQL', async () => {
		const s = await areaSummary(d.db, PROVINCE_SCOPE, countyCode);
		expect(s.unit.level).toBe('county');
		expect(s.ancestors.map((a) => a.level)).toEqual(['province', 'prefecture']);
		const q = await sql<{
			segs: number;
			complete: number;
			homes: number;
			small: number;
			kids: number;
			stations: number;
			inst: number;
		}>`
			SELECT
				(SELECT count(*) FROM waterways)::int AS segs,
				(SELECT count(*) FROM waterways w WHERE (SELECT count(*) FROM safety_equipment e
					WHERE e.waterway_id = w.id AND e.item IN ('sign','buoy','rope','pole') AND e.status = 'present') = 4)::int AS complete,
				(SELECT count(*) FROM children_homes)::int AS homes,
				(SELECT count(*) FROM children_homes WHERE area_m2 < 30)::int AS small,
				(SELECT count(*) FROM children)::int AS kids,
				(SELECT count(*) FROM sunshine_stations)::int AS stations,
				(SELECT count(*) FROM institutions)::int AS inst`.execute(d.db);
		const e = q.rows[0];
		expect(s.counts.waterways.total).toBe(e.segs);
		expect(s.counts.waterways.complete).toBe(e.complete);
		expect(s.counts.waterways.complete + s.counts.waterways.partial + s.counts.waterways.none).toBe(
			e.segs
		);
		expect(s.counts.childrenHomes).toEqual({ total: e.homes, undersized: e.small });
		// the children: the released count of all of them, recomputed independently
		const ids = await sql<{ id: number }>`SELECT id FROM children`.execute(d.db);
		const released = await releasedPerUnit(
			d.db,
			ids.rows.map((r) => Number(r.id)),
			FIXTURE_AREA
		);
		expect(s.counts.children.total).toBe(released.get(FIXTURE_AREA));
		expect(Math.abs(s.counts.children.total - e.kids)).toBeLessThanOrEqual(MAX_DEVIATION);
		expect(s.counts.sunshineStations).toBe(e.stations);
		expect(Object.values(s.counts.institutions).reduce((a, b) => a + b, 0)).toBe(e.inst);
		expect(s.children.length).toBeGreaterThan(5);
		expect(s.children.every((c) => c.level === 'township')).toBe(true);
	});

	it('gives each viewer their own summary: no ancestors above their jurisdiction', async () => {
		const mine = await areaSummary(d.db, scopeFor(countyCode), countyCode);
		expect(mine.ancestors).toEqual([]);
		const province = await areaSummary(d.db, PROVINCE_SCOPE, countyCode);
		expect(province.ancestors.map((a) => a.level)).toEqual(['province', 'prefecture']);
	});

	it('releases every subdivision as the independent recomputation: perturbed, never hidden', async () => {
		const ids = (await sql<{ id: number }>`SELECT id FROM children`.execute(d.db)).rows.map((r) =>
			Number(r.id)
		);
		const released = await releasedPerUnit(d.db, ids, FIXTURE_AREA);
		const townships = (await areaSummary(d.db, PROVINCE_SCOPE, countyCode)).children;
		let small = 0;
		for (const township of townships) {
			expect(township.children).toBe(released.get(township.code.slice(0, 9)) ?? 0);
			const s = await areaSummary(d.db, PROVINCE_SCOPE, township.code);
			// a township's figure is the same on its own page as in its county's list
			expect(s.counts.children.total).toBe(township.children);
			const real = new Map(
				(
					await sql<{ code: string; n: number }>`
						SELECT village_code AS code, count(*)::int AS n FROM children
						WHERE village_code LIKE ${township.code.slice(0, 9) + '%'}
						GROUP BY village_code`.execute(d.db)
				).rows.map((r) => [r.code, r.n])
			);
			for (const v of s.children) {
				const n = real.get(v.code) ?? 0;
				expect(v.children).toBe(released.get(v.code) ?? 0);
				// 0 is exact; any other count is released as 1 or more, within ±3 of the truth
				if (n === 0) expect(v.children).toBe(0);
				else {
					expect(v.children).toBeGreaterThanOrEqual(1);
					expect(Math.abs(v.children - n)).toBeLessThanOrEqual(MAX_DEVIATION);
				}
				if (n > 0 && n < 5) small++;
			}
		}
		// the fixture has small villages, released as numbers like any other
		expect(small).toBeGreaterThan(0);
	});

	it('refuses areas and features outside the viewer’s jurisdiction', async () => {
		const other = scopeFor('420100000000'); // 武汉市: the fixture county is not inside
		await expect(areaSummary(d.db, other, countyCode)).rejects.toBeInstanceOf(NotFoundError);
		const seg = await d.db.selectFrom('waterways').select('id').executeTakeFirstOrThrow();
		await expect(feature(d.db, other, 'waterway', seg.id)).rejects.toBeInstanceOf(NotFoundError);
		const mine = await feature(d.db, scopeFor(countyCode), 'waterway', seg.id);
		expect(mine.layer).toBe('waterway');
		if (mine.layer === 'waterway')
			expect(mine.slots.map((s) => s.item)).toEqual(['sign', 'buoy', 'rope', 'pole', 'barrier']);
	});

	it('serves tiles whose features match the database', async () => {
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${countyCode}`.execute(
			d.db
		);
		const { lon, lat } = c.rows[0];
		const z = 10;
		const { x, y } = tileOf(lon, lat, z);
		const water = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'water', z, x, y))
		);
		expect(water.layers.waterways.length).toBeGreaterThan(0);
		const ids = new Set<number>();
		for (let i = 0; i < water.layers.waterways.length; i++)
			ids.add(water.layers.waterways.feature(i).id);
		const inDb = await sql<{ id: number; usable: number }>`
			SELECT w.id, (SELECT count(*) FROM safety_equipment e WHERE e.waterway_id = w.id AND e.status = 'present' AND e.item <> 'barrier')::int AS usable
			FROM waterways w WHERE id = ANY(${[...ids]}::bigint[])`.execute(d.db);
		expect(inDb.rows.length).toBe(ids.size);
		const f = water.layers.waterways.feature(0);
		const row = inDb.rows.find((r) => r.id === f.id)!;
		expect(f.properties.usable).toBe(row.usable);
		expect(f.properties.completeness).toBe(
			row.usable === 4 ? 'complete' : row.usable > 0 ? 'partial' : 'none'
		);

		const sites = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'sites', z, x, y))
		);
		expect(Object.keys(sites.layers)).toEqual(expect.arrayContaining(['homes', 'institutions']));
		const admin = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'admin', z, x, y))
		);
		expect(admin.layers.boundary.length).toBeGreaterThan(0);
		expect(admin.layers.label.length).toBeGreaterThan(0);
	});

	it('joins segments into whole rivers below the segment zoom, counting every segment once', async () => {
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${countyCode}`.execute(
			d.db
		);
		const z = MIN_ZOOM.waterwaySegments - 1;
		const { x, y } = tileOf(c.rows[0].lon, c.rows[0].lat, z);
		const layer = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'water', z, x, y))
		).layers.waterways;
		expect(layer.length).toBeGreaterThan(0);
		const b = tileBounds(z, x, y, 64 / 4096);
		const env = sql`ST_MakeEnvelope(${b.west}, ${b.south}, ${b.east}, ${b.north}, 4326)`;
		const inDb = await sql<{ name: string; kind: string; usable: number; inside: boolean }>`
			SELECT w.name, w.kind, ST_Intersects(w.geom, ${env}) AS inside,
				(SELECT count(*) FROM safety_equipment e WHERE e.waterway_id = w.id
					AND e.status = 'present' AND e.item <> 'barrier')::int AS usable
			FROM waterways w WHERE w.kind IN ('river', 'lake_shore') AND w.geom && ${env}`.execute(d.db);
		// segments per river, shore and state of the four items, as the database has them
		const expected = new Map<string, { n: number; inside: boolean }>();
		for (const r of inDb.rows) {
			const k = `${r.kind}|${r.name}|${r.usable >= 4 ? 'complete' : r.usable > 0 ? 'partial' : 'none'}`;
			const e = expected.get(k) ?? { n: 0, inside: false };
			expected.set(k, { n: e.n + 1, inside: e.inside || r.inside });
		}
		const got = new Map<string, number>();
		for (let i = 0; i < layer.length; i++) {
			const f = layer.feature(i);
			// a joined river is no segment: nothing to open or filter by id
			expect(f.id).toBeFalsy();
			expect(f.type).toBe(2);
			const p = f.properties;
			const k = `${p.kind}|${p.name}|${p.completeness}`;
			expect(got.has(k)).toBe(false);
			got.set(k, Number(p.segments));
		}
		// every river that reaches into the tile is there once, counting each of its segments
		for (const [k, e] of expected) {
			if (got.has(k)) expect(got.get(k)).toBe(e.n);
			else expect(e.inside).toBe(false);
		}
		for (const k of got.keys()) expect(expected.has(k)).toBe(true);
		// from the segment zoom on, one feature per segment again, with its id
		const zs = MIN_ZOOM.waterwaySegments;
		const t = tileOf(c.rows[0].lon, c.rows[0].lat, zs);
		const segs = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'water', zs, t.x, t.y))
		).layers.waterways;
		expect(segs.length).toBeGreaterThan(0);
		for (let i = 0; i < segs.length; i++) expect(segs.feature(i).id).toBeGreaterThan(0);
	});

	it('puts only counts in child tiles: cells and village centres, never a residence', async () => {
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${countyCode}`.execute(
			d.db
		);
		for (const z of [8, 12]) {
			const { x, y } = tileOf(c.rows[0].lon, c.rows[0].lat, z);
			const vt = new VectorTile(
				new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'children', z, x, y))
			);
			expect(vt.layers.cells.length).toBeGreaterThan(0);
			for (let i = 0; i < vt.layers.cells.length; i++) {
				const p = vt.layers.cells.feature(i).properties;
				// a released count: at least 1 (empty cells are not drawn), its own label
				expect(Number(p.total)).toBeGreaterThanOrEqual(1);
				expect(p.label).toBe(Number(p.total).toLocaleString('en-US'));
				expect(p.suppressed).toBeUndefined();
			}
			if (z >= 11) {
				const villages = vt.layers.villages;
				expect(villages.length).toBeGreaterThan(0);
				const residences = await sql<{ lon: number; lat: number }>`
					SELECT ST_X(residence) AS lon, ST_Y(residence) AS lat FROM children`.execute(d.db);
				const homes = new Set(
					residences.rows.map((r) => `${r.lon.toFixed(5)},${r.lat.toFixed(5)}`)
				);
				for (let i = 0; i < villages.length; i++) {
					const g = villages.feature(i).toGeoJSON(x, y, z).geometry as GeoJSON.Point;
					const code = String(villages.feature(i).properties.code);
					const centre = await sql<{ lon: number; lat: number }>`
						SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${code}`.execute(
						d.db
					);
					expect(g.coordinates[0]).toBeCloseTo(centre.rows[0].lon, 3);
					expect(homes.has(`${g.coordinates[0].toFixed(5)},${g.coordinates[1].toFixed(5)}`)).toBe(
						false
					);
				}
			}
		}
	});

	it('labels villages on the map with the counts the panel shows', async () => {
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${countyCode}`.execute(
			d.db
		);
		const z = 12;
		const { x, y } = tileOf(c.rows[0].lon, c.rows[0].lat, z);
		const villages = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'children', z, x, y))
		).layers.villages;
		expect(villages.length).toBeGreaterThan(0);
		for (let i = 0; i < villages.length; i++) {
			const p = villages.feature(i).properties;
			const code = String(p.code);
			const panel = await areaSummary(d.db, PROVINCE_SCOPE, `${code.slice(0, 9)}000`);
			expect(Number(p.total)).toBe(panel.children.find((v) => v.code === code)!.children);
		}
	});

	it('releases grid cells within ±3 of the truth, the same children as the same number at every zoom', async () => {
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${countyCode}`.execute(
			d.db
		);
		const cellsAt = async (z: number, x: number, y: number) => {
			const layer = new VectorTile(
				new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'children', z, x, y))
			).layers.cells;
			const out = new Map<string, number>();
			for (let i = 0; i < (layer?.length ?? 0); i++) {
				const f = layer.feature(i);
				// the cell's centre, in its tile's pixel grid: enough to name the cell
				const g = f.loadGeometry()[0];
				const cx = (Math.min(...g.map((p) => p.x)) + Math.max(...g.map((p) => p.x))) / 2;
				const cy = (Math.min(...g.map((p) => p.y)) + Math.max(...g.map((p) => p.y))) / 2;
				const per = 2 ** 4;
				const level = z + 4;
				const cellX = x * per + Math.floor((cx / 4096) * per);
				const cellY = y * per + Math.floor((cy / 4096) * per);
				out.set(`${level}/${cellX}/${cellY}`, Number(f.properties.total));
			}
			return out;
		};
		const z = 11;
		const t = tileOf(c.rows[0].lon, c.rows[0].lat, z);
		const coarse = await cellsAt(z, t.x, t.y);
		const fine = new Map<string, number>();
		for (const [dx, dy] of [
			[0, 0],
			[1, 0],
			[0, 1],
			[1, 1]
		])
			for (const [k, v] of await cellsAt(z + 1, t.x * 2 + dx, t.y * 2 + dy)) fine.set(k, v);
		expect(coarse.size).toBeGreaterThan(10);
		// true counts of the cells of both levels
		const truth = await sql<{ level: number; x: number; y: number; n: number }>`
			SELECT level, x, y, sum(total)::int AS n FROM child_cells
			WHERE level IN (${z + 4}, ${z + 5}) GROUP BY level, x, y`.execute(d.db);
		const trueCount = new Map(truth.rows.map((r) => [`${r.level}/${r.x}/${r.y}`, r.n]));
		let sameChildren = 0;
		for (const [k, v] of [...coarse, ...fine]) {
			const n = trueCount.get(k)!;
			expect(n).toBeGreaterThan(0);
			expect(Math.abs(v - n)).toBeLessThanOrEqual(MAX_DEVIATION);
		}
		for (const [k, v] of coarse) {
			const [level, x, y] = k.split('/').map(Number);
			const parts = [0, 1, 2, 3]
				.map((i) => `${level + 1}/${x * 2 + (i & 1)}/${y * 2 + (i >> 1)}`)
				.filter((p) => trueCount.has(p));
			// a cell whose children all live in one sub-cell: the same children, the same number
			if (parts.length === 1) {
				expect(fine.get(parts[0])).toBe(v);
				sameChildren++;
			}
		}
		expect(sameChildren).toBeGreaterThan(0);
	});
});
