// The phone's test of a field find against its worker's area: what it does with the boundary the
// page brought, and with none (the parity with PostGIS is in tests/integration/field-find-area).
import { describe, expect, it } from 'vitest';
import { insideFindArea, parseFindArea } from '$lib/geo/find-area';

const square = JSON.stringify({
	type: 'MultiPolygon',
	coordinates: [
		[
			[
				[113, 29],
				[114, 29],
				[114, 30],
				[113, 30],
				[113, 29]
			]
		]
	]
});

describe('a field find against the area on the phone', () => {
	it('is inside, on the boundary (as ST_Intersects has it) or outside', () => {
		const area = parseFindArea(square);
		expect(insideFindArea([113.5, 29.5], area)).toBe(true);
		expect(insideFindArea([114, 29.5], area)).toBe(true);
		expect(insideFindArea([114.0001, 29.5], area)).toBe(false);
		expect(insideFindArea([29.5, 113.5], area)).toBe(false);
	});

	it('does not judge without a usable boundary: the server does', () => {
		for (const bad of [
			null,
			undefined,
			'',
			'not json',
			'{"type":"Point","coordinates":[1,2]}',
			'[]'
		])
			expect(insideFindArea([113.5, 29.5], parseFindArea(bad))).toBeNull();
	});
});
