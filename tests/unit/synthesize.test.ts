import { describe, expect, it } from 'vitest';
import { booleanPointInPolygon } from '@turf/turf';
import {
	pickSunshineTownships,
	placeInside,
	synthCountyInstitutions,
	synthStation,
	synthTownshipInstitutions,
	synthChildren,
	synthEquipment,
	synthHome,
	DEMO_REFERENCE_DATE,
	SUNSHINE_STATION_COUNT
} from '$lib/server/seed/synthesize';
import { loadAdminUnits, type GeoAdminUnit } from '$lib/server/seed/geodata';
import { categoriesOutOfAge, isChildCategory } from '$lib/domain/children';
import { haversineMeters } from '$lib/geo/distance';

function village(code: string, center: [number, number] = [113.5, 29.8]): GeoAdminUnit {
	return {
		code,
		level: 'village',
		name: `村${code.slice(-3)}`,
		parent: code.slice(0, 9) + '000',
		geom: null,
		center
	};
}

describe('synthetic demo data', () => {
	it('is deterministic per village', () => {
		expect(synthChildren(village('421083001201'))).toEqual(synthChildren(village('421083001201')));
		expect(synthChildren(village('421083001201'))).not.toEqual(
			synthChildren(village('421083001202'))
		);
	});

	it('gives children valid categories within the plan’s age limits', () => {
		let n = 0;
		for (let i = 200; i < 260; i++) {
			for (const c of synthChildren(village(`421083001${i}`))) {
				n++;
				expect(c.categories.length).toBeGreaterThan(0);
				expect(c.categories.every(isChildCategory)).toBe(true);
				expect(
					categoriesOutOfAge(c.categories, new Date(c.birthDate), DEMO_REFERENCE_DATE)
				).toEqual([]);
			}
		}
		expect(n).toBeGreaterThan(300);
	});

	it('places homes near their village', () => {
		const v = village('421083001230', [113.5, 29.8]);
		for (const c of synthChildren(v))
			expect(haversineMeters(v.center, [c.lon, c.lat])).toBeLessThan(8000);
	});

	it('makes some children’s homes smaller than 30 m²', () => {
		const areas = Array.from({ length: 600 }, (_, i) =>
			synthHome(village(`4210830${String(10000 + i).slice(1)}`))
		)
			.filter((h) => h !== null)
			.map((h) => h!.areaM2);
		expect(areas.some((a) => a < 30)).toBe(true);
		expect(areas.filter((a) => a < 30).length / areas.length).toBeLessThan(0.15);
	});

	it('chooses exactly 60 Sunshine Stations, in every prefecture', () => {
		const units: GeoAdminUnit[] = [];
		for (const pref of ['4201', '4202', '4228', '4290']) {
			for (let t = 1; t <= 40 + Number(pref.slice(2)); t++) {
				units.push({
					code: `${pref}01${String(t).padStart(3, '0')}000`,
					level: 'township',
					name: 't',
					parent: `${pref}01000000`,
					geom: null,
					center: [113, 30]
				});
			}
		}
		const picked = pickSunshineTownships(units);
		expect(picked.length).toBe(SUNSHINE_STATION_COUNT);
		expect(new Set(picked).size).toBe(SUNSHINE_STATION_COUNT);
		for (const pref of ['4201', '4202', '4228', '4290'])
			expect(picked.some((c) => c.startsWith(pref))).toBe(true);
	});

	it('leaves realistic gaps in the four items', () => {
		const states = Array.from({ length: 400 }, (_, i) =>
			synthEquipment({
				kind: 'pond',
				name: 'p',
				county: 'c',
				township: 't',
				synthetic: true,
				geom: [
					[113 + i / 1000, 30],
					[113.001 + i / 1000, 30]
				]
			})
		);
		const complete = states.filter((s) =>
			['sign', 'buoy', 'rope', 'pole'].every((k) => s[k as 'sign'] === 'present')
		).length;
		expect(complete / states.length).toBeGreaterThan(0.3);
		expect(complete / states.length).toBeLessThan(0.5);
	});
});

describe('synthetic points stay inside their own unit', () => {
	const units = loadAdminUnits(process.cwd());
	const byCode = new Map(units.map((u) => [u.code, u]));
	const strictlyIn = (p: readonly [number, number], u: GeoAdminUnit) =>
		booleanPointInPolygon([p[0], p[1]], u.geom!, { ignoreBoundary: true });

	it('pulls a point that falls outside back towards its anchor, and leaves one inside alone', () => {
		const square: GeoJSON.Polygon = {
			type: 'Polygon',
			coordinates: [
				[
					[113, 30],
					[113.01, 30],
					[113.01, 30.01],
					[113, 30.01],
					[113, 30]
				]
			]
		};
		const anchor: [number, number] = [113.005, 30.005];
		// 2 km east leaves the ~1 km square; a quarter of it stays in
		const p = placeInside(anchor, 2000, 0, square);
		expect(booleanPointInPolygon(p, square, { ignoreBoundary: true })).toBe(true);
		expect(p[0]).toBeGreaterThan(anchor[0]);
		expect(p[1]).toBe(anchor[1]);
		expect(placeInside(anchor, 100, -100, square)).toEqual(placeInside(anchor, 100, -100, null));
	});

	it('keeps the fixture county’s children, homes and schools inside their township', () => {
		const townships = units.filter((u) => u.level === 'township' && u.code.startsWith('421083'));
		let points = 0;
		let outsideUnconstrained = 0;
		for (const t of townships) {
			const villages = units.filter((u) => u.level === 'village' && u.parent === t.code);
			for (const v of villages) {
				for (const c of synthChildren(v, t.geom)) {
					points++;
					expect(strictlyIn([c.lon, c.lat], t), c.pseudonym).toBe(true);
				}
				// the same children scattered without their township: some fall outside it, as
				// they did before
				for (const c of synthChildren(v))
					if (!strictlyIn([c.lon, c.lat], t)) outsideUnconstrained++;
				const h = synthHome(v, t.geom);
				if (h) expect(strictlyIn([h.lon, h.lat], t), h.name).toBe(true);
			}
			for (const i of synthTownshipInstitutions(t, villages))
				expect(strictlyIn([i.lon, i.lat], t), i.name).toBe(true);
		}
		expect(points).toBeGreaterThan(1000);
		expect(outsideUnconstrained).toBeGreaterThan(0);
	});

	it('keeps all 60 Sunshine Stations in their township and county institutions in their county', () => {
		const stations = pickSunshineTownships(units).map((c) => byCode.get(c)!);
		expect(stations).toHaveLength(SUNSHINE_STATION_COUNT);
		for (const t of stations) {
			const s = synthStation(t);
			expect(strictlyIn([s.lon, s.lat], t), s.name).toBe(true);
		}
		for (const c of units.filter((u) => u.level === 'county'))
			for (const i of synthCountyInstitutions(c))
				expect(strictlyIn([i.lon, i.lat], c), i.name).toBe(true);
	});
});
