import { describe, expect, it } from 'vitest';
import { compareRisk, riskLevel, riskScore } from '$lib/domain/equipment';
import { csvCell, isoChina, toCsv } from '$lib/server/exports';

describe('risk ordering', () => {
	it('scores children × missing items × kind weight', () => {
		expect(riskScore('pond', 10, 2)).toBe(10 * 2 * 3);
		expect(riskScore('river', 10, 2)).toBe(20);
		expect(riskScore('pond', 10, 4)).toBe(0);
		expect(riskScore('ditch', 0, 0)).toBe(0);
	});
	it('puts a pond with many children and no items first, complete segments last', () => {
		const segs = [
			{ id: 1, kind: 'river' as const, childrenWithin: 30, usable: 2 },
			{ id: 2, kind: 'pond' as const, childrenWithin: 30, usable: 0 },
			{ id: 3, kind: 'pond' as const, childrenWithin: 50, usable: 4 },
			{ id: 4, kind: 'ditch' as const, childrenWithin: 30, usable: 0 }
		];
		expect(segs.sort(compareRisk).map((s) => s.id)).toEqual([2, 4, 1, 3]);
	});
});

describe('risk levels', () => {
	it('bands the score so that a small score (one child) is not shown as a number', () => {
		expect(riskLevel(0)).toBe('none');
		expect(riskLevel(3)).toBe('low');
		expect(riskLevel(20)).toBe('medium');
		expect(riskLevel(60)).toBe('high');
	});
});

describe('CSV export', () => {
	it('writes times in ISO 8601 at China’s offset, the same instant', () => {
		const d = new Date('2026-05-15T01:00:00.000Z');
		expect(isoChina(d)).toBe('2026-05-15T09:00:00+08:00');
		expect(Date.parse(isoChina(d))).toBe(d.getTime());
		expect(isoChina(new Date('2026-12-31T20:30:05Z'))).toBe('2027-01-01T04:30:05+08:00');
	});

	it('neutralises formulas and quotes separators', () => {
		expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
		expect(csvCell('+86 1')).toBe("'+86 1");
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell(-5)).toBe('-5');
		expect(csvCell(null)).toBe('');
	});
	it('starts with a UTF-8 BOM and uses CRLF', () => {
		const s = toCsv({ header: ['名称'], rows: [['洪湖']] });
		expect(s.charCodeAt(0)).toBe(0xfeff);
		expect(s).toBe('\uFEFF名称\r\n洪湖\r\n');
	});
});
