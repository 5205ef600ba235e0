// The import's readers on the files real users bring, each written here by the test itself:
// GBK and BOM CSVs, Excel sheets with titles, merged headers, dates, scientific ids and
// full-width digits, GeoJSON with broken features, a shapefile in a projected CRS, phone
// coordinates (GCJ-02, BD-09) and swapped pairs. Then a fuzz: no reader crashes on bad input,
// and every row that cannot be imported is reported.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import proj4 from 'proj4';
import { distance } from '@turf/turf';
import { readCsv, detectEncoding } from '$lib/import/csv';
import { readXlsx } from '$lib/import/xlsx';
import { readGeoJson } from '$lib/import/geojson';
import { readShapefileZip } from '$lib/import/shapefile';
import { openFile, readFile, UnreadableFile } from '$lib/import/read';
import { guessMapping, mappingFor } from '$lib/import/kinds';
import { checkRows, type Checked } from '$lib/import/validate';
import { toWgs84 } from '$lib/import/coords';
import { lineShapefileZip, pointShapefileZip, wgsToGcj } from '../support/shapefile-writer';
import { handWrittenXlsx } from '../support/xlsx-writer';
import { translator } from '$lib/i18n';
import { problemText } from '$lib/import/messages';

const HOME_HEADER = '编号,儿童之家名称,村代码,面积（平方米）,状态,经度,纬度';
const meters = (a: [number, number], b: [number, number]) =>
	distance(a, b, { units: 'kilometers' }) * 1000;

async function xlsxBytes(build: (ws: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
	const wb = new ExcelJS.Workbook();
	build(wb.addWorksheet('台账'));
	return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Every record is either imported or named in a problem, never both, never neither. */
function accountsForEveryRecord(records: { row: number }[], c: Checked) {
	const ok = new Set(c.rows.map((r) => r.row));
	const bad = new Set(c.problems.map((p) => p.row));
	for (const r of records) expect(ok.has(r.row) !== bad.has(r.row)).toBe(true);
	expect(c.rows.length + bad.size).toBe(records.length);
}

const opts = { crs: 'wgs84' as const, swap: false };

describe('CSV', () => {
	const body = [
		HOME_HEADER,
		'A-001,新堤街道儿童之家,421083001001,45.5,开放,113.45,29.82',
		'A-002,峰口镇儿童之家,421083101001,28,暂停,113.6,29.9'
	].join('\r\n');

	it('reads GBK (GB18030) bytes, detected without being told', async () => {
		const bytes = new Uint8Array(iconv.encode(body, 'gbk'));
		expect(detectEncoding(bytes)).toBe('gb18030');
		const t = await readCsv(bytes);
		expect(t.headers[1]).toBe('儿童之家名称');
		expect(t.records[0].cells['儿童之家名称']).toBe('新堤街道儿童之家');
		// read as UTF-8 when the user overrides, the Chinese is garbled: the override is used
		expect((await readCsv(bytes, 'utf-8')).headers[1]).not.toBe('儿童之家名称');
	});

	it('reads a short GBK roster that chardet ranks Big5 and GB18030 equal as GB18030', async () => {
		// chardet: EUC-KR 52, Big5 37, GB18030 37; taking Big5 (first in its order) garbled
		// every header, and the import page could guess no column (the e2e import failed so)
		const short = [
			'编号,单位,村代码,面积（平方米）,状态,经度,纬度',
			'E2E-x-1,导入测试甲,420102001001,４５,开放,114.1,30.5',
			'E2E-x-2,导入测试乙,420102001002,22.5,,114.2,30.6',
			'E2E-x-3,导入测试界外,420102001002,30,,115,31'
		].join('\r\n');
		const bytes = new Uint8Array(iconv.encode(short, 'gbk'));
		expect(detectEncoding(bytes)).toBe('gb18030');
		const t = await readCsv(bytes);
		expect(t.headers).toEqual(['编号', '单位', '村代码', '面积（平方米）', '状态', '经度', '纬度']);
		expect(t.records[2].cells['单位']).toBe('导入测试界外');
	});

	it('reads UTF-8 with a BOM and without one alike', async () => {
		const plain = new TextEncoder().encode(body);
		const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...plain]);
		const a = await readCsv(plain);
		const b = await readCsv(bom);
		expect(b.encoding).toBe('utf-8');
		expect(b.headers).toEqual(a.headers);
		expect(b.headers[0]).toBe('编号');
		expect(b.records).toEqual(a.records);
	});

	it('reads UTF-16 with its BOM (Excel\'s "Unicode text", tab-separated) in either byte order', async () => {
		const tabbed = body.replace(/,/g, '\t');
		const le = new Uint8Array([0xff, 0xfe, ...iconv.encode(tabbed, 'utf-16le')]);
		const be = new Uint8Array([0xfe, 0xff, ...iconv.encode(tabbed, 'utf-16be')]);
		expect(detectEncoding(le)).toBe('utf-16le');
		expect(detectEncoding(be)).toBe('utf-16be');
		const utf8 = await readCsv(new TextEncoder().encode(body));
		for (const bytes of [le, be]) {
			const t = await readCsv(bytes);
			expect(t.headers).toEqual(utf8.headers);
			expect(t.records).toEqual(utf8.records);
		}
		expect((await readCsv(le)).encoding).toBe('utf-16le');
	});

	it('reads Big5 with traditional characters, detected, and can be told the encoding', async () => {
		const traditional = [
			'編號,兒童之家名稱,村代碼,面積,狀態',
			'T-001,新堤街道兒童之家,421083001001,45.5,開放',
			'T-002,峰口鎮兒童之家,421083101001,28,開放'
		].join('\r\n');
		const bytes = new Uint8Array(iconv.encode(traditional, 'big5'));
		expect(detectEncoding(bytes)).toBe('big5');
		const t = await readCsv(bytes);
		expect(t.encoding).toBe('big5');
		expect(t.headers[1]).toBe('兒童之家名稱');
		expect(t.records[1].cells['兒童之家名稱']).toBe('峰口鎮兒童之家');
		// the user's choice wins over the detection: read as GB18030 the names are garbled
		const told = await readCsv(bytes, 'gb18030');
		expect(told.encoding).toBe('gb18030');
		expect(told.headers[1]).not.toBe('兒童之家名稱');
		// and a GBK file the detector ranks Korean first is still read as GBK
		const gbk = new Uint8Array(iconv.encode(body, 'gbk'));
		expect(detectEncoding(gbk)).toBe('gb18030');
		expect((await readCsv(gbk, 'auto')).records[1].cells['儿童之家名称']).toBe('峰口镇儿童之家');
	});

	it('folds full-width digits, and skips a title and blank rows', async () => {
		const text = [
			'洪湖市儿童之家台账,,,,,,',
			',,,,,,',
			HOME_HEADER,
			'4.21083123456E+11,新堤,４２１０８３００１００１,１２０．５,,１１３．４５,２９．８２'
		].join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		expect(t.headerRow).toBe(3);
		expect(t.records[0].row).toBe(4);
		const m = guessMapping('children_homes', t.headers);
		const c = checkRows('children_homes', t, m, opts);
		expect(c.problems).toEqual([]);
		expect(c.rows[0]).toMatchObject({
			// every digit of the id is in the scientific notation: read, and noted
			sourceId: '421083123456',
			villageCode: '421083001001',
			area_m2: 120.5,
			status: 'open',
			lon: 113.45,
			lat: 29.82
		});
		const note = c.notes.find((n) => n.key === 'scientific');
		expect(note).toMatchObject({ row: 4, field: 'sourceId', column: '编号' });
		expect(problemText(translator('zh-CN'), note!)).toBe(
			'第 4 行，编号（列“编号”）：以科学计数法保存（“4.21083123456E+11”），位数完整，已读作“421083123456”'
		);
	});

	it('refuses an id or code whose digits Excel dropped in scientific notation, naming the fix', async () => {
		// Excel writes the id it shows as 4.21083E+11 to the CSV as that text: the last six
		// digits are gone, and 421083000000 would be an id made up (it was imported as such)
		const text = [
			HOME_HEADER,
			'4.21083E+11,新堤,421083001001,30,,113.45,29.82',
			'A-2,峰口,4.21083E+11,30,,113.45,29.82',
			'A-3,汊河,421083001001,1.2E+02,,113.45,29.82'
		].join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		accountsForEveryRecord(t.records, c);
		expect(c.problems.map((p) => [p.row, p.field, p.key])).toEqual([
			[2, 'sourceId', 'scientificLost'],
			[3, 'villageCode', 'scientificLost']
		]);
		// a measurement in scientific notation is a number like any other
		expect(c.rows).toMatchObject([{ sourceId: 'A-3', area_m2: 120 }]);
		expect(problemText(translator('zh-CN'), c.problems[0])).toBe(
			'第 2 行，编号（列“编号”）：以科学计数法保存（“4.21083E+11”），已丢失位数：请在 Excel 中将该列设为“文本”格式后重新导出'
		);
		expect(problemText(translator('en'), c.problems[1])).toBe(
			'Row 3, Village code (column "村代码"): saved in scientific notation ("4.21083E+11"), so its last digits are lost: format the column as Text in Excel and export the file again'
		);
		// the same in a GeoJSON's properties
		const g = readGeoJson(
			JSON.stringify({
				type: 'FeatureCollection',
				features: [
					{
						type: 'Feature',
						properties: { 编号: '4.21083E+11', 名称: '甲', 村代码: '421083001001', 面积: 30 },
						geometry: { type: 'Point', coordinates: [113.45, 29.82] }
					}
				]
			})
		);
		const gc = checkRows('children_homes', g, guessMapping('children_homes', g.headers), opts);
		expect(gc.problems.map((p) => [p.row, p.field, p.key])).toEqual([
			[1, 'sourceId', 'scientificLost']
		]);
	});
});

describe('XLSX', () => {
	it('reads a title row, merged two-row header, Excel dates, scientific ids, full-width digits', async () => {
		const bytes = await xlsxBytes((ws) => {
			ws.getCell('A1').value = '洪湖市儿童之家台账（2026年）';
			ws.mergeCells('A1:H1');
			// row 2 blank; rows 3-4 the header, 坐标 merged over 经度 | 纬度
			const top = ['编号', '名称', '村代码', '面积', '状态', '坐标', '坐标', '建成日期'];
			top.forEach((v, i) => (ws.getRow(3).getCell(i + 1).value = v));
			ws.mergeCells('F3:G3');
			for (const col of ['A', 'B', 'C', 'D', 'E', 'H']) ws.mergeCells(`${col}3:${col}4`);
			ws.getCell('F4').value = '经度';
			ws.getCell('G4').value = '纬度';
			const r = ws.getRow(5);
			r.getCell(1).value = 421083100000123;
			r.getCell(1).numFmt = '0.00E+00';
			r.getCell(2).value = '峰口镇儿童之家';
			r.getCell(3).value = '４２１０８３１０１００１';
			r.getCell(4).value = 36.5;
			r.getCell(5).value = '开放';
			r.getCell(6).value = 113.6;
			r.getCell(7).value = 29.9;
			r.getCell(8).value = new Date(Date.UTC(2024, 4, 1));
			r.getCell(8).numFmt = 'yyyy-mm-dd';
		});
		const t = await readXlsx(bytes);
		expect(t.headers).toEqual([
			'编号',
			'名称',
			'村代码',
			'面积',
			'状态',
			'经度',
			'纬度',
			'建成日期'
		]);
		expect(t.records).toHaveLength(1);
		expect(t.records[0].row).toBe(5);
		expect(t.records[0].cells['建成日期']).toBe('2024-05-01');
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		expect(c.problems).toEqual([]);
		expect(c.rows[0]).toMatchObject({
			sourceId: '421083100000123',
			villageCode: '421083101001',
			area_m2: 36.5
		});
	});

	it('refuses an id typed into a number cell past the 15 digits Excel keeps', async () => {
		// 18 digits typed into a General cell: Excel keeps 421083123456789000 and shows
		// 4.21083E+17; the file holds that number, whose last three digits are made up
		const bytes = await xlsxBytes((ws) => {
			HOME_HEADER.split(',').forEach((h, i) => (ws.getRow(1).getCell(i + 1).value = h));
			const row = (r: number, id: number | string, village: number) => {
				const x = ws.getRow(r);
				[id, `儿童之家${r}`, village, 30, '开放', 113.45, 29.82].forEach(
					(v, i) => (x.getCell(i + 1).value = v)
				);
			};
			row(2, 421083123456789000, 421083001001);
			// 15 digits: every one kept
			row(3, 421083100000123, 421083001001);
			row(4, 'A-4', 421083001001);
		});
		const t = await readXlsx(bytes);
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		accountsForEveryRecord(t.records, c);
		expect(c.problems.map((p) => [p.row, p.field, p.key])).toEqual([
			[2, 'sourceId', 'scientificLost']
		]);
		expect(problemText(translator('zh-CN'), c.problems[0])).toBe(
			'第 2 行，编号（列“编号”）：以科学计数法保存（“4.21083123456789E+17”），已丢失位数：请在 Excel 中将该列设为“文本”格式后重新导出'
		);
		expect(c.rows.map((r) => r.sourceId)).toEqual(['421083100000123', 'A-4']);
		// a number past 15 digits in a field that is no id is the number it is
		expect(t.records[0].cells['面积（平方米）']).toBe('30');
	});

	it('reads dates saved in the built-in Chinese formats of Excel on Chinese Windows', async () => {
		// 42125 is 2015-05-01; the file names only the format's id (31 = yyyy"年"m"月"d"日"), as
		// Excel writes it, so the reader must know the id is a date (it read 42125)
		const day = 42125;
		const bytes = handWrittenXlsx([
			[
				'记录编号',
				'村代码',
				'出生日期',
				'类别',
				'经度',
				'纬度',
				'登记月份',
				'生日',
				'登记时间',
				'数量',
				'文本'
			],
			[
				'C-1',
				'421083001001',
				{ n: day, fmtId: 31 },
				'留守儿童',
				'113.45',
				'29.82',
				{ n: day, fmtId: 57 },
				{ n: day, fmtId: 58 },
				{ n: 0.375, fmtId: 32 },
				{ n: 12, fmtId: 1 },
				{ n: 7, fmtId: 49 }
			],
			// every zh-CN date id (27–31, 36, 50–54, 57, 58) and a date with a time
			...[27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58].map((id) => [
				`C-${id}`,
				'421083001001',
				{ n: day + (id === 30 ? 0.5 : 0), fmtId: id },
				'孤儿',
				'113.45',
				'29.82'
			])
		]);
		const t = await readXlsx(bytes);
		expect(t.records[0].cells).toMatchObject({
			出生日期: '2015-05-01',
			登记月份: '2015-05-01',
			生日: '2015-05-01',
			// a time alone is the time, not a day in 1899
			登记时间: '09:00',
			// the number formats stay numbers
			数量: '12',
			文本: '7'
		});
		expect(t.records.slice(1).map((r) => r.cells['出生日期'])).toEqual([
			...Array(3).fill('2015-05-01'),
			'2015-05-01 12:00',
			...Array(9).fill('2015-05-01')
		]);
		const c = checkRows('children', t, guessMapping('children', t.headers), {
			...opts,
			today: '2026-12-01'
		});
		expect(c.problems).toEqual([]);
		expect(c.rows[0]).toMatchObject({ sourceId: 'C-1', birthDate: '2015-05-01' });
		expect(c.rows[4]).toMatchObject({ sourceId: 'C-30', birthDate: '2015-05-01 12:00' });
	});

	it('a file that is not a workbook is refused as unreadable', async () => {
		await expect(readFile('台账.xlsx', new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(
			UnreadableFile
		);
	});
});

describe('coordinates', () => {
	// places in Hubei whose WGS84 position is known (set here), captured as AMap would give them
	const known: [number, number][] = [
		[113.4521, 29.8133],
		[114.3055, 30.5928],
		[110.7982, 32.6292],
		[111.2865, 30.6919]
	];

	it('GCJ-02 points come back within 5 m of their WGS84 position', () => {
		for (const wgs of known) {
			const gcj = wgsToGcj(wgs[0], wgs[1]);
			expect(meters(gcj, wgs)).toBeGreaterThan(100); // the offset is real
			expect(meters(toWgs84(gcj[0], gcj[1], 'gcj02'), wgs)).toBeLessThan(5);
		}
	});

	it('detects GCJ-02 from the column names and converts each row', async () => {
		const text =
			'编号,名称,村代码,面积,高德经度,高德纬度\n' +
			known
				.map((w, i) => `G${i},名${i},421083001001,30,${wgsToGcj(w[0], w[1]).join(',')}`)
				.join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), {
			crs: 'auto',
			swap: false
		});
		expect(c.crs).toBe('gcj02');
		c.rows.forEach((r, i) => expect(meters([r.lon, r.lat], known[i])).toBeLessThan(5));
	});

	it('BD-09 is converted too (hundreds of metres off before)', () => {
		const wgs: [number, number] = [114.3055, 30.5928];
		// Baidu's offset is GCJ-02 plus its own: from the GCJ point, the published BD formula
		const [gx, gy] = wgsToGcj(...wgs);
		const z = Math.sqrt(gx * gx + gy * gy) + 0.00002 * Math.sin((gy * Math.PI * 3000) / 180);
		const th = Math.atan2(gy, gx) + 0.000003 * Math.cos((gx * Math.PI * 3000) / 180);
		const bd: [number, number] = [z * Math.cos(th) + 0.0065, z * Math.sin(th) + 0.006];
		expect(meters(bd, wgs)).toBeGreaterThan(300);
		expect(meters(toWgs84(bd[0], bd[1], 'bd09'), wgs)).toBeLessThan(5);
	});

	it('swapped lat/lon is reported, and fixed when the correction is accepted', async () => {
		const text = `${HOME_HEADER}\nS1,甲,421083001001,30,,29.82,113.45\nS2,乙,421083001001,30,,113.5,29.9`;
		const t = await readCsv(new TextEncoder().encode(text));
		const m = guessMapping('children_homes', t.headers);
		const asIs = checkRows('children_homes', t, m, opts);
		expect(asIs.swapped).toBe(1);
		expect(asIs.problems).toMatchObject([{ row: 2, field: 'lon', key: 'swapped' }]);
		const fixed = checkRows('children_homes', t, m, { ...opts, swap: true });
		expect(fixed.problems).toEqual([]);
		expect(fixed.rows[0]).toMatchObject({ lon: 113.45, lat: 29.82 });
	});
});

describe('row checks', () => {
	it('names the row, the field and what is wrong, in Chinese; duplicates name the first row', async () => {
		const text = [
			HOME_HEADER,
			'D1,甲,421083001001,30,开放,113.4,29.8',
			',乙,42108,-3,不明,abc,29.8',
			'D1,丙,421083001001,30,,113.4,29.8'
		].join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		accountsForEveryRecord(t.records, c);
		const zh = translator('zh-CN');
		const lines = c.problems.map((p) => problemText(zh, p));
		expect(lines).toContain('第 3 行，编号（列“编号”）：必填，但为空');
		expect(lines).toContain('第 3 行，村代码（列“村代码”）：应为 12 位行政区划代码');
		expect(lines).toContain('第 3 行，面积（列“面积（平方米）”）：应大于 0（“-3”）');
		expect(lines).toContain('第 3 行，状态（列“状态”）：无法识别“不明”，应为 开放、暂停 或 关闭');
		expect(lines.some((l) => l.startsWith('第 3 行，经度'))).toBe(true);
		expect(lines).toContain('第 4 行，编号（列“编号”）：“D1”与第 2 行重复');
		expect(problemText(translator('en'), c.problems[0])).toMatch(/^Row 3, /);
	});

	it('notes full-width digits row by row, converted and still imported', async () => {
		const text = [
			HOME_HEADER,
			'F1,甲,４２１０８３００１００１,４５,开放,113.4,29.8',
			'F2,乙,421083001001,30,开放,113.4,29.8'
		].join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		expect(c.problems).toEqual([]);
		expect(c.rows[0]).toMatchObject({ villageCode: '421083001001', area_m2: 45 });
		expect(c.notes.map((n) => [n.row, n.field, n.key])).toEqual([
			[2, 'villageCode', 'fullWidth'],
			[2, 'area', 'fullWidth']
		]);
		expect(problemText(translator('zh-CN'), c.notes[1])).toBe(
			'第 2 行，面积（列“面积（平方米）”）：全角数字已转换为半角（“45”）'
		);
		expect(problemText(translator('en'), c.notes[1])).toBe(
			'Row 2, Area (column "面积（平方米）"): full-width digits were converted to ordinary digits ("45")'
		);
	});

	it('reports a coordinate out of range under its own field, with the range it must lie in', async () => {
		const text = [
			HOME_HEADER,
			'R1,甲,421083001001,30,开放,200,29.8',
			'R2,乙,421083001001,30,开放,113.4,-200',
			'R3,丙,421083001001,30,开放,-190,95'
		].join('\n');
		const t = await readCsv(new TextEncoder().encode(text));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		accountsForEveryRecord(t.records, c);
		expect(c.problems.map((p) => [p.row, p.field, p.key])).toEqual([
			[2, 'lon', 'lonRange'],
			[3, 'lat', 'latRange'],
			// both of R3's coordinates are wrong: each is named (the latitude of 95 was not,
			// QA walk 3)
			[4, 'lon', 'lonRange'],
			[4, 'lat', 'latRange']
		]);
		const zh = translator('zh-CN');
		expect(problemText(zh, c.problems[0])).toBe(
			'第 2 行，经度（列“经度”）：经度“200”超出范围：经度应在 -180 到 180 之间'
		);
		expect(problemText(zh, c.problems[1])).toBe(
			'第 3 行，纬度（列“纬度”）：纬度“-200”超出范围：纬度应在 -90 到 90 之间'
		);
		expect(problemText(translator('en'), c.problems[0])).toBe(
			'Row 2, Longitude (column "经度"): longitude "200" is out of range: a longitude lies between -180 and 180'
		);
		// a latitude past 90 that is no longitude either (the pair cannot be swapped) is the latitude's
		const lat = checkRows(
			'children_homes',
			await readCsv(
				new TextEncoder().encode(`${HOME_HEADER}\nR4,丁,421083001001,30,开放,113.4,95`)
			),
			guessMapping('children_homes', t.headers),
			opts
		);
		expect(lat.problems.map((p) => [p.row, p.field, p.key])).toEqual([[2, 'lat', 'latRange']]);
	});

	it('remembers a mapping where its columns still exist and guesses the rest', () => {
		const headers = ['ID号', '名字', '村代码', '面积', '经度', '纬度'];
		const m = mappingFor('children_homes', headers, {
			sourceId: 'ID号',
			name: '名字',
			area: '旧列'
		});
		expect(m).toMatchObject({
			sourceId: 'ID号',
			name: '名字',
			area: '面积',
			villageCode: '村代码'
		});
	});
});

describe('GeoJSON and shapefiles', () => {
	it('reports broken and self-intersecting geometries by feature number and keeps the rest', () => {
		const props = { 编号: 'X', 名称: '甲', 村代码: '421083001001', 面积: '30' };
		const f = (id: string, geometry: unknown) => ({
			type: 'Feature',
			properties: { ...props, 编号: id },
			geometry
		});
		const doc = {
			type: 'FeatureCollection',
			features: [
				f('G1', { type: 'Point', coordinates: [113.4, 29.8] }),
				f('G2', { type: 'Point', coordinates: ['a', 29.8] }),
				f('G3', {
					type: 'Polygon',
					coordinates: [
						[
							[113, 29],
							[114, 30],
							[114, 29],
							[113, 30],
							[113, 29]
						]
					]
				}),
				f('G4', null),
				'not a feature',
				f('G6', {
					type: 'Polygon',
					coordinates: [
						[
							[113, 29],
							[114, 30],
							[114, 29]
						]
					]
				})
			]
		};
		const t = readGeoJson(JSON.stringify(doc));
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		accountsForEveryRecord(t.records, c);
		expect(c.rows.map((r) => r.sourceId)).toEqual(['G1']);
		const keyOf = (row: number) => c.problems.find((p) => p.row === row)?.key;
		expect([keyOf(2), keyOf(3), keyOf(4), keyOf(5), keyOf(6)]).toEqual([
			'coordinates',
			'selfIntersection',
			'missing',
			'feature',
			'ring'
		]);
		expect(() => readGeoJson('{"type":"Feat')).toThrow(UnreadableFile);
	});

	it('reprojects a shapefile in CGCS2000 / 3-degree Gauss-Kruger (CM 114E) to lon/lat', async () => {
		const prj =
			'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",' +
			'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],' +
			'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],' +
			'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],' +
			'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
		const gk = '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m';
		const places: [number, number][] = [
			[113.4521, 29.8133],
			[114.3055, 30.5928]
		];
		const points = places.map((p, i) => {
			const [x, y] = proj4('WGS84', gk, p);
			return {
				x,
				y,
				attrs: { ID: `SHP${i}`, NAME: `儿童之家${i}`, CODE: '421083001001', AREA: '40' }
			};
		});
		expect(points[0].x).toBeGreaterThan(400000); // metres, not degrees
		const t = await readShapefileZip(pointShapefileZip('homes', points, prj));
		expect(t.records).toHaveLength(2);
		expect(t.records[1].cells.NAME).toBe('儿童之家1');
		t.records.forEach((r, i) => {
			const c = (r.geometry as GeoJSON.Point).coordinates as [number, number];
			expect(meters(c, places[i])).toBeLessThan(1);
		});
	});

	const WGS84_PRJ =
		'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
		'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

	it('reads a GBK attribute table without a .cpg, as Chinese GIS tools write it', async () => {
		const points = [
			{
				x: 113.45,
				y: 29.82,
				attrs: { 编号: 'G-1', 名称: '新堤街道儿童之家', 村代码: '421083001001', 面积: '45.5' }
			},
			{
				x: 113.6,
				y: 29.9,
				attrs: { 编号: 'G-2', 名称: '峰口镇儿童之家', 村代码: '421083101001', 面积: '28' }
			}
		];
		const t = await readShapefileZip(
			pointShapefileZip('儿童之家', points, WGS84_PRJ, { encoding: 'gbk', cpg: null })
		);
		expect(t.headers).toEqual(['编号', '名称', '村代码', '面积']);
		expect(t.records.map((r) => r.cells['名称'])).toEqual(['新堤街道儿童之家', '峰口镇儿童之家']);
		const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
		expect(c.problems).toEqual([]);
		expect(c.rows[1]).toMatchObject({ sourceId: 'G-2', name: '峰口镇儿童之家', lon: 113.6 });
		// a .cpg is honoured, also as a Windows code page (936 is GBK), and a wrong guess cannot
		// override it: the same GBK table with a .cpg saying so, and a UTF-8 one saying UTF-8
		const read = async (o: Parameters<typeof pointShapefileZip>[3]) =>
			(await readShapefileZip(pointShapefileZip('a', points, WGS84_PRJ, o))).records[0].cells;
		expect(await read({ encoding: 'gbk', cpg: '936' })).toMatchObject({ 名称: '新堤街道儿童之家' });
		expect(await read({ encoding: 'gbk', cpg: 'GBK' })).toMatchObject({ 名称: '新堤街道儿童之家' });
		expect(await read({ encoding: 'utf-8', cpg: 'UTF-8' })).toMatchObject({
			名称: '新堤街道儿童之家'
		});
		expect(await read({ encoding: 'utf-8', cpg: null })).toMatchObject({
			名称: '新堤街道儿童之家'
		});
		// Big5 without a .cpg is detected too
		const big5 = await readShapefileZip(
			pointShapefileZip(
				'b',
				[{ x: 113.45, y: 29.82, attrs: { 編號: 'B-1', 名稱: '新堤街道兒童之家' } }],
				WGS84_PRJ,
				{ encoding: 'big5', cpg: null }
			)
		);
		expect(big5.records[0].cells).toEqual({ 編號: 'B-1', 名稱: '新堤街道兒童之家' });
	});

	it('reads a line shapefile (GBK, no .cpg) as waterway segments', async () => {
		const lines = [
			{
				coords: [
					[113.4, 29.8],
					[113.41, 29.81],
					[113.43, 29.81]
				] as [number, number][],
				attrs: { 河段编号: 'HD-1', 名称: '内荆河新堤段', 类型: '河流', 乡镇代码: '421083001000' }
			},
			{
				coords: [
					[113.5, 29.9],
					[113.52, 29.92]
				] as [number, number][],
				attrs: { 河段编号: 'HD-2', 名称: '洪排河峰口段', 类型: '渠道', 乡镇代码: '421083101000' }
			}
		];
		const t = await readShapefileZip(
			lineShapefileZip('河段', lines, WGS84_PRJ, { encoding: 'gbk', cpg: null })
		);
		expect(t.headers).toEqual(['河段编号', '名称', '类型', '乡镇代码']);
		const c = checkRows('waterways', t, guessMapping('waterways', t.headers), opts);
		expect(c.problems).toEqual([]);
		expect(c.rows).toMatchObject([
			{ sourceId: 'HD-1', name: '内荆河新堤段', kind: 'river', townshipCode: '421083001000' },
			{ sourceId: 'HD-2', name: '洪排河峰口段', kind: 'canal', townshipCode: '421083101000' }
		]);
		// the vertices, through proj4 from the .prj's WGS84 (to a few nanodegrees)
		c.rows.forEach((r, i) =>
			r.line!.forEach((p, k) => {
				expect(p[0]).toBeCloseTo(lines[i].coords[k][0], 9);
				expect(p[1]).toBeCloseTo(lines[i].coords[k][1], 9);
			})
		);
	});
});

describe('fuzz: no crash, every bad row reported', () => {
	const cell = fc.oneof(
		fc.string({ maxLength: 12 }),
		fc.constantFrom('', '4.2E+11', '１２', '-1', '113.4', '29.8', '421083001001', '"', ',', '\n'),
		fc.double().map(String)
	);
	const grid = fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 12 });

	it('CSV in either encoding', async () => {
		await fc.assert(
			fc.asyncProperty(grid, fc.boolean(), async (rows, gbk) => {
				const text = [
					HOME_HEADER,
					...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))
				].join('\n');
				const bytes = gbk
					? new Uint8Array(iconv.encode(text, 'gb18030'))
					: new TextEncoder().encode(text);
				const t = await readCsv(bytes);
				const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
				accountsForEveryRecord(t.records, c);
			}),
			{ numRuns: 150 }
		);
	});

	it('XLSX, written by exceljs or by hand (inline strings, built-in number and date formats)', async () => {
		// a hand-written workbook is quick to make (no compression), so most runs use one: 25
		// runs of exceljs's alone took about as long as these 100
		const handCell = fc.oneof(
			cell,
			fc.record({
				n: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
				fmtId: fc.constantFrom(0, 1, 2, 11, 14, 22, 27, 31, 32, 49, 57, 58)
			})
		);
		const handGrid = fc.array(fc.array(handCell, { minLength: 1, maxLength: 8 }), {
			maxLength: 12
		});
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(
					grid.map((g) => ({ g, hand: false })),
					handGrid.map((g) => ({ g, hand: true }))
				),
				async ({ g, hand }) => {
					const bytes = hand
						? handWrittenXlsx([HOME_HEADER.split(','), ...g])
						: await xlsxBytes((ws) => {
								ws.addRow(HOME_HEADER.split(','));
								for (const r of g) ws.addRow(r as string[]);
							});
					const t = await readXlsx(bytes);
					const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
					accountsForEveryRecord(t.records, c);
				}
			),
			{ numRuns: 100 }
		);
	});

	it("a date serial outside Excel's calendar reads as ###### (as Excel shows it), not a crash", async () => {
		const t = await readXlsx(
			handWrittenXlsx([
				['记录编号', '出生日期'],
				['C-1', { n: -99974432, fmtId: 31 }]
			])
		);
		expect(t.records[0].cells['出生日期']).toBe('######');
	});

	it('GeoJSON', () => {
		const feature = fc.oneof(
			fc.anything(),
			fc.record({
				type: fc.constant('Feature'),
				properties: fc.oneof(
					fc.constant(null),
					fc.dictionary(fc.constantFrom('编号', '名称', '村代码', '面积', 'x'), cell)
				),
				geometry: fc.oneof(
					fc.anything(),
					fc.record({
						type: fc.constantFrom('Point', 'LineString', 'Polygon', 'Nope'),
						coordinates: fc.anything()
					})
				)
			})
		);
		fc.assert(
			fc.property(fc.array(feature, { maxLength: 10 }), (features) => {
				const t = readGeoJson(JSON.stringify({ type: 'FeatureCollection', features }));
				const c = checkRows('children_homes', t, guessMapping('children_homes', t.headers), opts);
				accountsForEveryRecord(t.records, c);
			}),
			{ numRuns: 200 }
		);
	});
});

describe('fuzz: a corrupt file is refused as unreadable, never a crash', () => {
	// A good file of each format, then cut short, with bytes overwritten or inserted, or random
	// bytes under its name. Whatever comes in, the reader either reads it (and every record it
	// gives can be checked) or refuses the whole file as unreadable: the route answers that with a
	// 400 in the user's language. Any other error would escape as a 500.
	const homes = [
		{
			x: 113.45,
			y: 29.82,
			attrs: { 编号: 'G-1', 名称: '新堤街道儿童之家', 村代码: '421083001001' }
		},
		{ x: 113.6, y: 29.9, attrs: { 编号: 'G-2', 名称: '峰口镇儿童之家', 村代码: '421083101001' } }
	];
	const prj =
		'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]';
	const csvText = [HOME_HEADER, 'A-1,新堤,421083001001,45.5,开放,113.45,29.82'].join('\r\n');
	const geojsonText = JSON.stringify({
		type: 'FeatureCollection',
		features: homes.map((h) => ({
			type: 'Feature',
			properties: h.attrs,
			geometry: { type: 'Point', coordinates: [h.x, h.y] }
		}))
	});

	const mutation = fc.oneof(
		fc.record({ cut: fc.double({ min: 0, max: 1, noNaN: true }) }),
		fc.record({
			set: fc.array(
				fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })),
				{
					minLength: 1,
					maxLength: 16
				}
			)
		}),
		fc.record({
			at: fc.double({ min: 0, max: 1, noNaN: true }),
			insert: fc.uint8Array({ minLength: 1, maxLength: 64 })
		}),
		fc.record({ random: fc.uint8Array({ maxLength: 4096 }) })
	);
	type Mutation =
		| { cut: number }
		| { set: [number, number][] }
		| { at: number; insert: Uint8Array }
		| { random: Uint8Array };

	function mutate(good: Uint8Array, m: Mutation): Uint8Array {
		const pos = (f: number) => Math.min(good.length - 1, Math.floor(f * good.length));
		if ('cut' in m) return good.slice(0, pos(m.cut));
		if ('set' in m) {
			const out = good.slice();
			for (const [f, b] of m.set) out[pos(f)] = b;
			return out;
		}
		if ('insert' in m)
			return new Uint8Array([
				...good.subarray(0, pos(m.at)),
				...m.insert,
				...good.subarray(pos(m.at))
			]);
		return m.random;
	}

	async function readsOrRefuses(name: string, bytes: Uint8Array) {
		try {
			const file = await openFile(name, bytes);
			const mapping = guessMapping('children_homes', file.headers);
			for await (const records of file.batches(500)) {
				const t = { headers: file.headers, records, headerRow: file.headerRow };
				accountsForEveryRecord(records, checkRows('children_homes', t, mapping, opts));
			}
		} catch (e) {
			if (!(e instanceof UnreadableFile)) throw e;
		}
	}

	it('any column name, mapped to any field (also __proto__ and constructor)', async () => {
		const name = fc.oneof(
			fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '编号', ''),
			fc.string({ maxLength: 8 })
		);
		const kinds = ['children_homes', 'waterways', 'equipment'] as const;
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(name, { minLength: 1, maxLength: 6 }),
				fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }), { maxLength: 4 }),
				fc.constantFrom(...kinds),
				fc.nat(),
				async (header, rows, kind, pick) => {
					const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
					const csv = [header, ...rows].map((r) => r.map(quote).join(',')).join('\n');
					const features = rows.map((r) => ({
						type: 'Feature',
						properties: Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])),
						geometry: null
					}));
					for (const t of [
						await readCsv(new TextEncoder().encode(csv)),
						readGeoJson(JSON.stringify({ type: 'FeatureCollection', features }))
					]) {
						// every field mapped to one of the file's columns
						const mapping = Object.fromEntries(
							Object.keys(guessMapping(kind, t.headers)).map((f, k) => [
								f,
								t.headers[(pick + k) % Math.max(1, t.headers.length)] ?? ''
							])
						);
						accountsForEveryRecord(t.records, checkRows(kind, t, mapping, opts));
					}
				}
			),
			{ numRuns: 150 }
		);
	});

	const formats: [string, () => Promise<Uint8Array>, number][] = [
		['台账.csv', async () => new Uint8Array(iconv.encode(csvText, 'gbk')), 150],
		[
			'台账.xlsx',
			() =>
				xlsxBytes((ws) => {
					ws.addRow(HOME_HEADER.split(','));
					ws.addRow(['A-1', '新堤', '421083001001', 45.5, '开放', 113.45, 29.82]);
				}),
			150
		],
		['台账.geojson', async () => new TextEncoder().encode(geojsonText), 150],
		[
			'儿童之家.zip',
			async () => pointShapefileZip('儿童之家', homes, prj, { encoding: 'gbk', cpg: null }),
			150
		]
	];
	for (const [name, make, numRuns] of formats)
		it(name.split('.')[1], async () => {
			const good = await make();
			await readsOrRefuses(name, good);
			await fc.assert(
				fc.asyncProperty(mutation, (m) => readsOrRefuses(name, mutate(good, m as Mutation))),
				// IMPORT_FUZZ_RUNS searches longer (e.g. 2000 runs a format, about a minute)
				{ numRuns: Number(process.env.IMPORT_FUZZ_RUNS ?? numRuns) }
			);
		});
});
