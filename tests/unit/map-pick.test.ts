import { describe, expect, it } from 'vitest';
import { LAYER } from '$lib/map/ids';
import { pickFrom, unitCode, type Hit, type PickContext } from '$lib/map/pick';

const hit = (layer: string, id?: number, properties: Record<string, unknown> = {}): Hit => ({
	layer: { id: layer },
	id,
	properties
});
const county = (code: string) => hit(LAYER.adminFill, undefined, { level: 'county', code });
const township = (code: string) => hit(LAYER.adminFill, undefined, { level: 'township', code });
const base: PickContext = {
	drillLevel: 'township',
	unitUnderPointer: null,
	onResidence: false,
	tipFirst: false,
	shownTip: null
};

describe('pickFrom: what a click on the map picks', () => {
	it('takes a place over a segment over an area, whatever order the map returns them in', () => {
		const hits = [
			township('421083101000'),
			hit(LAYER.waterwaysHit, 55),
			hit(LAYER.institutions, 9),
			hit(LAYER.stations, 4)
		];
		expect(pickFrom(hits, base)?.pick).toEqual({ kind: 'station', id: 4 });
		expect(pickFrom(hits.slice(0, 3), base)?.pick).toEqual({ kind: 'institution', id: 9 });
		expect(pickFrom(hits.slice(0, 2), base)?.pick).toEqual({ kind: 'waterway', id: 55 });
		expect(pickFrom([hit(LAYER.homes, 3), hit(LAYER.waterwaysHit, 55)], base)?.pick).toEqual({
			kind: 'home',
			id: 3
		});
	});

	it('skips a feature without a number id (a merged river) and opens the unit under it', () => {
		const hits = [hit(LAYER.waterwaysHit), township('421083101000')];
		expect(pickFrom(hits, base)).toEqual({
			pick: { kind: 'area', code: '421083101000' },
			tipFirst: false
		});
	});

	it('opens a village from its count bubble', () => {
		const hits = [hit(LAYER.villageCounts, 1, { code: '421083101201' })];
		expect(pickFrom(hits, base)?.pick).toEqual({ kind: 'area', code: '421083101201' });
	});

	it('opens only a unit of the level a click drills into, preferring the one under the pointer', () => {
		const hits = [county('421083000000'), township('421083101000'), township('421083102000')];
		expect(pickFrom(hits, base)?.pick.code).toBe('421083101000');
		expect(pickFrom(hits, { ...base, unitUnderPointer: '421083102000' })?.pick.code).toBe(
			'421083102000'
		);
		expect(pickFrom([county('421083000000')], base)).toBeNull();
		expect(pickFrom([], base)).toBeNull();
	});

	it("does nothing on a child's exact home: it is not a way into the village around it", () => {
		expect(pickFrom([hit(LAYER.stations, 4)], { ...base, onResidence: true })).toBeNull();
	});

	it('on a touch screen with tips, a first tap on a unit asks for its tip, a second opens it', () => {
		const hits = [township('421083101000')];
		expect(pickFrom(hits, { ...base, tipFirst: true })?.tipFirst).toBe(true);
		expect(pickFrom(hits, { ...base, tipFirst: true, shownTip: '421083101000' })?.tipFirst).toBe(
			false
		);
		// a place is opened at once, tip or not
		expect(pickFrom([hit(LAYER.stations, 4)], { ...base, tipFirst: true })?.tipFirst).toBe(false);
	});
});

describe('unitCode', () => {
	it('finds the unit of the drill level among the hits', () => {
		expect(unitCode([county('421083000000'), township('421083101000')], 'township')).toBe(
			'421083101000'
		);
		expect(unitCode([county('421083000000')], 'township')).toBeNull();
		expect(unitCode([hit(LAYER.stations, 1, { level: 'township', code: 'x' })], 'township')).toBe(
			null
		);
	});
});
