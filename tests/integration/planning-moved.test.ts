// A scenario with a dragged site, on both engines: the planner runs k = 5, drags the first site
// to uncovered demand and saves through the route. The saved scenario and its CSV, XLSX and
// GeoJSON (each read by GDAL) no longer give that site the name or code of the village centre
// it left, and every site's gain is the released children it adds in the moved configuration,
// measured independently by PostGIS on the released cells.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { principalOf, testEngines } from '../support/template';
import { useTestDatabase } from '../support/app-database';
import { postgisCovered } from '../support/planning-reference';
import { ogrinfo } from '../support/ogr';
import { readXlsx } from '../support/xlsx';
import { fakeEvent } from '../support/auditor/collect';
import type { Principal } from '../../src/lib/server/auth/policy';
import { getScenario, planningBase, runSiting } from '../../src/lib/server/services/planning';
import { haversineMeters } from '../../src/lib/geo/distance';
import { REACHES, type Scenario } from '../../src/lib/domain/planning';
import { POST as savePOST } from '../../src/routes/api/planning/scenarios/+server';
import { GET as exportGET } from '../../src/routes/api/exports/planning/+server';

vi.mock('$lib/server/db', () => import('../support/app-database'));

const RADIUS_M = 1000;

function withBody(who: Principal, url: string, body: unknown) {
	return {
		...(fakeEvent(who, url) as Record<string, unknown>),
		request: new Request(new URL(url, 'http://localhost'), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body)
		})
	} as never;
}

async function download(who: Principal, id: number, format: string): Promise<Buffer> {
	const res = await exportGET(
		fakeEvent(who, `/api/exports/planning?scenario=${id}&format=${format}`) as never
	);
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

describe.each(testEngines())('a scenario with a moved site on %s', (engine) => {
	const held = useTestDatabase(engine);
	let planner: Principal;
	beforeAll(async () => {
		planner = (await principalOf(held.d.db, 'planner')) as Principal;
	});

	it('is saved and exported as a planned point of its own, with gains of the moved configuration', async () => {
		const db = held.d.db;
		const answer = await runSiting(db, planner, { k: 5, radiusM: RADIUS_M });
		const first = answer.sites[0];
		expect(first.kind).toBe('village');
		// to released demand no existing site reaches even at 2 km, and away from the other four
		const base = await planningBase(db, planner);
		const target = base.uncovered
			.filter((c) => c.from === REACHES.length)
			.filter((c) =>
				answer.sites.every((s) => haversineMeters([s.lon, s.lat], [c.lon, c.lat]) > 3 * RADIUS_M)
			)
			.sort((a, b) => b.n - a.n)[0];
		expect(target).toBeDefined();
		const moved = { lon: target.lon + 0.0001, lat: target.lat };
		const sites = answer.sites.map(({ gain: _gain, ...s }, i) =>
			i === 0 ? { ...s, ...moved } : s
		);

		const res = await savePOST(
			withBody(planner, '/api/planning/scenarios', {
				name: 'QA五处',
				k: 5,
				radiusM: RADIUS_M,
				sites
			})
		);
		expect(res.status).toBe(201);
		const { id } = (await res.json()) as { id: number };
		const s: Scenario = await getScenario(db, planner, id);

		// gains in order, by PostGIS: what each site adds to the existing ones and those before it
		const want: number[] = [];
		let before = await postgisCovered(db, base.cells, base.fixed, RADIUS_M);
		for (let i = 0; i < sites.length; i++) {
			const now = await postgisCovered(
				db,
				base.cells,
				[...base.fixed, ...sites.slice(0, i + 1)],
				RADIUS_M
			);
			want.push(now - before);
			before = now;
		}
		expect(want[0]).toBeGreaterThan(0);
		expect(s.sites.map((x) => x.gain)).toEqual(want);
		expect(s.summary.total).toBe(before);

		expect(s.sites[0]).toMatchObject({ kind: 'moved', ref: '', name: '', ...moved });
		// the others are untouched: the server's own names and codes
		expect(s.sites.slice(1).map((x) => [x.kind, x.ref, x.name])).toEqual(
			answer.sites.slice(1).map((x) => [x.kind, x.ref, x.name])
		);

		// CSV (zh-CN): order, site, kind, ref, lon, lat, radius, gain
		const csv = (await download(planner, id, 'csv'))
			.toString('utf8')
			.replace(/^\uFEFF/, '')
			.trim()
			.split(/\r?\n/)
			.map((r) => r.split(','));
		expect(csv).toHaveLength(6);
		const row = csv[1];
		expect(row[1]).toBe('规划点（已移动）');
		expect(row[1]).not.toBe(first.name);
		expect(row[3]).toBe('');
		expect(csv.slice(1).map((r) => Number(r[7]))).toEqual(want);
		expect(csv.slice(2).map((r) => r[1])).toEqual(answer.sites.slice(1).map((x) => x.name));

		const xlsxBytes = await download(planner, id, 'xlsx');
		expect(ogrinfo(xlsxBytes, 'xlsx').count).toBe(5);
		const book = readXlsx(xlsxBytes);
		expect(book.rows[1][1]?.value).toBe('规划点（已移动）');
		expect(book.rows[1][3]?.value ?? '').toBe('');
		expect(book.rows.slice(1).map((r) => r[7]?.value)).toEqual(want);

		const geoBytes = await download(planner, id, 'geojson');
		expect(ogrinfo(geoBytes, 'geojson').count).toBe(5);
		const geo = JSON.parse(geoBytes.toString('utf8')) as {
			features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[];
		};
		// named as the CSV's headings (zh-CN): site, kind, ref, gain
		expect(geo.features[0].properties).toMatchObject({
			站点: '规划点（已移动）',
			类型: '拖动后的规划点',
			编号: '',
			新增覆盖儿童: want[0]
		});
		expect(geo.features[0].geometry.coordinates).toEqual([
			Number(moved.lon.toFixed(6)),
			Number(moved.lat.toFixed(6))
		]);
		expect(geo.features.map((f) => f.properties['新增覆盖儿童'])).toEqual(want);
	});
});
