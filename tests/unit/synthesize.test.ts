import { describe, expect, it } from 'vitest';
import {
	pickSunshineTownships,
	synthChildren,
	synthEquipment,
	synthHome,
	DEMO_REFERENCE_DATE,
	SUNSHINE_STATION_COUNT
} from '$lib/server/seed/synthesize';
import type { GeoAdminUnit } from '$lib/server/seed/geodata';
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
