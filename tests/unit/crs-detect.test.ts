// The coordinate system's vote (lib/import/crs-detect.ts): a point votes for the system that puts
// it nearest its claim when that is clearly nearer; the winner needs twice the runner-up's votes
// and enough decisive points, else the column names decide, and the dry run's line says which.
import { describe, expect, it } from 'vitest';
import {
	decideCrs,
	detectionText,
	MIN_DECISIVE,
	sampleStride,
	tally,
	type Misfits
} from '../../src/lib/import/crs-detect';
import { translator } from '../../src/lib/i18n';

const near = (best: 'wgs84' | 'gcj02' | 'bd09', n: number): Misfits[] =>
	Array.from({ length: n }, () => ({
		wgs84: best === 'wgs84' ? 80 : 700,
		gcj02: best === 'gcj02' ? 80 : 650,
		bd09: best === 'bd09' ? 80 : 1300
	}));

describe('coordinate system detection', () => {
	it('samples at most 300 rows spread through the file', () => {
		expect(sampleStride(50)).toBe(1);
		expect(sampleStride(300)).toBe(1);
		expect(sampleStride(301)).toBe(2);
		expect(Math.ceil(300_000 / sampleStride(300_000))).toBeLessThanOrEqual(300);
	});

	it('counts only the points one system puts clearly nearer, and the medians of all', () => {
		const e = tally('unit', [
			...near('gcj02', 12),
			// inside the unit's outline under every system: says nothing
			{ wgs84: 0, gcj02: 0, bd09: 0 },
			// unmeasured (no such unit in the jurisdiction): left out
			{ wgs84: null, gcj02: 10, bd09: 10 }
		]);
		expect(e).toMatchObject({
			points: 13,
			decisive: 12,
			votes: { wgs84: 0, gcj02: 12, bd09: 0 },
			medianM: { gcj02: 80, wgs84: 700 }
		});
	});

	it('chooses a clear winner, and keeps the names when the votes are close or few', () => {
		const clear = tally('unit', [...near('gcj02', 20), ...near('wgs84', 9)]);
		expect(decideCrs('wgs84', 29, null, clear)).toMatchObject({
			crs: 'gcj02',
			decidedBy: 'content'
		});
		const close = tally('unit', [...near('gcj02', 20), ...near('wgs84', 11)]);
		expect(decideCrs('wgs84', 31, null, close)).toMatchObject({
			crs: 'wgs84',
			decidedBy: 'unclear'
		});
		const few = tally('unit', near('bd09', MIN_DECISIVE - 1));
		expect(decideCrs('gcj02', 9, null, few)).toMatchObject({ crs: 'gcj02', decidedBy: 'thin' });
		// CGCS2000 named by the columns is WGS84 at map scale: the names' word is kept
		expect(decideCrs('cgcs2000', 20, null, tally('unit', near('wgs84', 20))).crs).toBe('cgcs2000');
	});

	it('asks a re-import’s own records first', () => {
		const d = decideCrs(
			'wgs84',
			40,
			tally('record', near('bd09', 15)),
			tally('unit', near('gcj02', 40))
		);
		expect(d).toMatchObject({ crs: 'bd09', evidence: { basis: 'record' } });
	});

	it('says which system, on what evidence, in Chinese first', () => {
		const zh = translator('zh-CN');
		const d = decideCrs(
			'wgs84',
			50,
			null,
			tally('unit', [...near('gcj02', 47), ...near('wgs84', 3)])
		);
		expect(detectionText(zh, d)).toBe(
			'坐标系识别为 GCJ-02，依据所填村（乡镇）的位置：GCJ-02 下 47/50 个点最贴近（中位距离 80 米）、' +
				'WGS84 下 3/50 个点最贴近（中位距离 700 米）、BD-09 下 0/50 个点最贴近（中位距离 1300 米）。' +
				'如不对，请在上方选择坐标系后重新预检。'
		);
		const thin = decideCrs('wgs84', 4, null, tally('unit', near('gcj02', 4)));
		expect(detectionText(zh, thin)).toContain(
			'能判断坐标系的行太少（抽查 4 行，只有 4 行能区分），按列名采用 WGS84'
		);
		expect(detectionText(translator('en'), d)).toContain('Coordinate system detected as GCJ-02');
	});
});
