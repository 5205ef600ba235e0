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
import {
	areaSummary,
	feature,
	NotFoundError,
	scopeFor,
	PROVINCE_SCOPE
} from '../../src/lib/server/services/map';
import { MIN_ZOOM, renderTile } from '../../src/lib/server/tiles/sources';
import { tileBounds, tileOf } from '../../src/lib/geo/tiles';

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
		expect(s.counts.children.total).toEqual({ suppressed: false, count: e.kids });
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

	it('suppresses small child counts in subdivisions, and none can be had by subtraction', async () => {
		const townships = (await areaSummary(d.db, PROVINCE_SCOPE, countyCode)).children;
		let protectedMore = 0;
		for (const township of townships) {
			const s = await areaSummary(d.db, PROVINCE_SCOPE, township.code);
			const real = new Map(
				(
					await sql<{ code: string; n: number }>`
						SELECT village_code AS code, count(*)::int AS n FROM children
						WHERE village_code LIKE ${township.code.slice(0, 9) + '%'}
						GROUP BY village_code`.execute(d.db)
				).rows.map((r) => [r.code, r.n])
			);
			const hidden = s.children.filter((v) => v.children.suppressed);
			for (const v of s.children) {
				const n = real.get(v.code) ?? 0;
				// every small count is hidden as "<5"; a shown one is the true count; one of 5 or
				// more hidden to protect a small one says so (shown "—", not "<5")
				if (n < 5) expect(v.children).toEqual({ suppressed: true });
				else if (!v.children.suppressed) expect(v.children.count).toBe(n);
				else {
					expect(v.children).toEqual({ suppressed: true, protects: true });
					protectedMore++;
				}
			}
			// the township's total minus the shown villages never pins down a single village,
			// nor 1 to 4 children among the hidden ones
			if (hidden.length > 0 && hidden.length < s.children.length) {
				expect(hidden.length).toBeGreaterThanOrEqual(2);
				const rest = hidden.reduce((a, v) => a + (real.get(v.code) ?? 0), 0);
				expect(rest === 0 || rest >= 5).toBe(true);
			}
		}
		// the fixture has townships where one small village alone would have been hidden
		expect(protectedMore).toBeGreaterThan(0);
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
				if (p.suppressed) {
					expect(p.total).toBeUndefined();
					expect(p.label).toBe('<5');
				} else expect(Number(p.total)).toBeGreaterThanOrEqual(5);
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

	it('hides on the map a village count the panel hides to protect a smaller one', async () => {
		// a village with 5 or more children, hidden so that a small neighbour cannot be had by
		// subtraction from the township's total
		let target: string | undefined;
		for (const t of (await areaSummary(d.db, PROVINCE_SCOPE, countyCode)).children) {
			const panel = await areaSummary(d.db, PROVINCE_SCOPE, t.code);
			for (const v of panel.children) {
				if (!v.children.suppressed) continue;
				const n = await sql<{ n: number }>`
					SELECT count(*)::int AS n FROM children WHERE village_code = ${v.code}`.execute(d.db);
				if (n.rows[0].n >= 5) target = v.code;
			}
			if (target) break;
		}
		expect(target).toBeDefined();
		const c = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(center) AS lon, ST_Y(center) AS lat FROM admin_units WHERE code = ${target!}`.execute(
			d.db
		);
		const z = 12;
		const { x, y } = tileOf(c.rows[0].lon, c.rows[0].lat, z);
		const villages = new VectorTile(
			new Protobuf(await renderTile(d.db, PROVINCE_SCOPE, 'children', z, x, y))
		).layers.villages;
		const labels = new Map<string, Record<string, unknown>>();
		for (let i = 0; i < villages.length; i++) {
			const p = villages.feature(i).properties;
			labels.set(String(p.code), p);
		}
		// not "<5": the village has 5 or more children; never the number either
		expect(labels.get(target!)).toMatchObject({ suppressed: true, protects: true, label: '—' });
		expect(labels.get(target!)!.total).toBeUndefined();
		// and every label in the tile shows what the township's panel shows
		for (const [code, p] of labels) {
			const panel = await areaSummary(d.db, PROVINCE_SCOPE, `${code.slice(0, 9)}000`);
			const shown = panel.children.find((v) => v.code === code)!.children;
			expect(p.suppressed).toBe(shown.suppressed);
			if (!shown.suppressed) expect(Number(p.total)).toBe(shown.count);
			else {
				expect(p.total).toBeUndefined();
				expect(p.label).toBe(shown.protects ? '—' : '<5');
				expect(Boolean(p.protects)).toBe(Boolean(shown.protects));
			}
		}
	});
});
