// A row of a messy spreadsheet is reported whole: every problem the file shows, each under its
// field, and the row as far as it could be read so the database's checks (an unknown village,
// a point outside the county) can be added in the same dry run. The page groups a row's
// problems under its number.
import { describe, expect, it } from 'vitest';
import { checkRows } from '$lib/import/validate';
import { guessMapping } from '$lib/import/kinds';
import { groupByRow, rejectedRow } from '$lib/import/messages';
import { translator } from '$lib/i18n';
import type { SourceTable } from '$lib/import/table';

const table = (headers: string[], rows: string[][]): SourceTable =>
	({
		format: 'csv',
		encoding: 'utf-8',
		headerRow: 1,
		headers,
		records: rows.map((r, i) => ({
			row: i + 2,
			cells: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? '']))
		}))
	}) as unknown as SourceTable;

const opts = { crs: 'wgs84' as const, swap: false, today: '2026-06-01' };

describe('every problem of a row', () => {
	it('a child with a bad longitude, no birth date and an unknown category: all three, one row', () => {
		const h = ['记录编号', '村代码', '出生日期', '类别', '经度', '纬度'];
		const t = table(h, [
			['C-1', '421083100201', '', '留守儿童、外星儿童', '200', '29.8'],
			['C-2', '421083100201', '2015-03-08', '孤儿', '113.5', '29.8']
		]);
		const c = checkRows('children', t, guessMapping('children', h), opts);
		expect(c.problems.map((p) => `${p.row} ${p.field} ${p.key}`).sort()).toEqual([
			'2 birthDate required',
			'2 categories category',
			'2 lon lonRange'
		]);
		expect(c.problems.find((p) => p.key === 'category')?.params).toEqual({ value: '外星儿童' });
		expect(c.rows.map((r) => r.row)).toEqual([3]);
		// the rejected row is held as far as it was read, for the database's checks: its village
		// code (valid), no location (the longitude failed), and which fields failed
		expect(c.held).toHaveLength(1);
		expect(c.held[0].row).toMatchObject({ row: 2, sourceId: 'C-1', villageCode: '421083100201' });
		expect(Number.isNaN(c.held[0].row.lon)).toBe(true);
		expect(c.held[0].failed.sort()).toEqual(['birthDate', 'categories', 'lon']);
	});

	it('a child listed in a category the plan does not allow at their age is refused with the rule', () => {
		const h = ['记录编号', '村代码', '出生日期', '类别', '经度', '纬度'];
		const t = table(h, [
			// 21 years old as 留守儿童: an adult counted in every released figure
			['C-1', '421083100201', '2005-01-01', '留守儿童', '113.5', '29.8'],
			// 16 on the day: too old to be left-behind, young enough to be an orphan
			['C-2', '421083100201', '2010-06-01', '孤儿、留守儿童', '113.5', '29.8'],
			// 15, the day before the birthday: still left-behind
			['C-3', '421083100201', '2010-06-02', '留守儿童', '113.5', '29.8'],
			// 18: no longer a child in difficulty
			['C-4', '421083100201', '2008-05-31', '孤儿', '113.5', '29.8']
		]);
		const c = checkRows('children', t, guessMapping('children', h), opts);
		expect(c.problems.map((p) => [p.row, p.field, p.key, p.params?.value, p.params?.age])).toEqual([
			[2, 'categories', 'outOfAge', '留守儿童', 21],
			[3, 'categories', 'outOfAge', '留守儿童', 16],
			[5, 'categories', 'outOfAge', '孤儿', 18]
		]);
		expect(c.rows.map((r) => r.row)).toEqual([4]);
		expect(rejectedRow(translator('zh-CN'), c.problems[0]).reason).toBe(
			'出生日期 2005-01-01，已满 21 周岁，不能列为“留守儿童”：留守儿童须未满 16 周岁，困境儿童须未满 18 周岁'
		);
	});

	it('a home whose only fault is its name keeps its location for the database checks', () => {
		const h = ['编号', '名称', '村代码', '面积', '状态', '经度', '纬度'];
		const c = checkRows(
			'children_homes',
			table(h, [['H-1', '', '421083100201', '40', '开放', '113.5', '29.8']]),
			guessMapping('children_homes', h),
			opts
		);
		expect(c.problems.map((p) => p.key)).toEqual(['required']);
		expect(c.held[0].failed).toEqual(['name']);
		expect(c.held[0].row).toMatchObject({ lon: 113.5, lat: 29.8, area_m2: 40 });
	});

	it('the page and its CSV keep a row together, in both languages', () => {
		for (const locale of ['zh-CN', 'en'] as const) {
			const t = translator(locale);
			const rows = [
				{ row: 2, field: 'name', column: '名称', key: 'required' as const },
				{ row: 2, field: 'lon', column: '经度', key: 'lonRange' as const, params: { value: 200 } },
				{ row: 5, field: 'area', column: '面积', key: 'number' as const, params: { value: 'x' } }
			].map((p) => rejectedRow(t, p));
			const groups = groupByRow(rows);
			expect(groups.map((g) => [g.row, g.problems.length])).toEqual([
				[2, 2],
				[5, 1]
			]);
			expect(groups[0].problems.map((p) => p.field)).toEqual([t('imp.f.name'), t('imp.f.lon')]);
			expect(t('imp.rejects.rowProblems', { n: 2 })).toMatch(/2/);
		}
	});
});

describe('numbers and coordinates the QA walk found passed (walk 3, bug 11)', () => {
	const h = ['编号', '名称', '村代码', '面积', '状态', '经度', '纬度'];
	const home = (area: string, lon = '113.5', lat = '29.8') =>
		checkRows(
			'children_homes',
			table(h, [['H-1', '儿童之家', '421083100201', area, '开放', lon, lat]]),
			guessMapping('children_homes', h),
			opts
		);

	it('an area of "1,20" is a problem of the area, not 120', () => {
		const c = home('1,20');
		expect(c.rows).toEqual([]);
		expect(c.problems.map((p) => `${p.field} ${p.key}`)).toEqual(['area comma']);
		expect(c.problems[0].params).toEqual({ value: '1,20' });
		const zh = translator('zh-CN');
		const en = translator('en');
		expect(zh('imp.p.comma', { value: '1,20' })).toContain('1,20');
		expect(en('imp.p.comma', { value: '1,20' })).toContain('1,20');
	});

	it('an area grouped in thousands is still read', () => {
		expect(home('1,200').held).toEqual([]);
		expect(home('1,200').rows[0]).toMatchObject({ area_m2: 1200 });
		expect(home('12,345.5').rows[0]).toMatchObject({ area_m2: 12345.5 });
		for (const bad of ['12,34', '1,2345', ',120', '1,,200'])
			expect(
				home(bad).problems.map((p) => p.key),
				bad
			).toEqual(['comma']);
	});

	it('a longitude of 200 and a latitude of 95 are both named', () => {
		const c = home('40', '200', '95');
		expect(c.problems.map((p) => `${p.field} ${p.key}`).sort()).toEqual([
			'lat latRange',
			'lon lonRange'
		]);
	});

	it('a latitude of 95 beside a good longitude is named once', () => {
		const c = home('40', '113.5', '95');
		expect(c.problems.map((p) => `${p.field} ${p.key}`)).toEqual(['lat latRange']);
	});
});
