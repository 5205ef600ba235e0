// A household visit's label on the phone: its village and a short code that names the visit
// aloud, the same every time, different for every target, and made of nothing about a child.
import { describe, expect, it } from 'vitest';
import { householdCode, householdLabel } from '$lib/domain/campaign';

describe('household visit label', () => {
	it('is the village and a stable five-letter code without look-alike letters', () => {
		expect(householdLabel('塘边村', 42)).toBe(`塘边村 · ${householdCode(42)}`);
		expect(householdCode(42)).toBe(householdCode(42));
		for (const id of [1, 2, 3, 999, 123456, 2 ** 31])
			expect(householdCode(id)).toMatch(/^[2-9A-HJ-NP-Z]{5}$/);
	});

	it('differs for every target id (a bijection on the low 25 bits), and neighbours do not read alike', () => {
		const seen = new Set<string>();
		for (let id = 1; id <= 200_000; id++) seen.add(householdCode(id));
		expect(seen.size).toBe(200_000);
		const a = householdCode(1000);
		const b = householdCode(1001);
		const same = [...a].filter((c, i) => b[i] === c).length;
		expect(same).toBeLessThan(4);
	});
});
