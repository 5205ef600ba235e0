import { describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
	contentDisposition,
	csvCell,
	fileNamePart,
	segmentFileName,
	segmentTable,
	sheetName,
	toCsv,
	toXlsx,
	xlsxStream,
	csvStream,
	geojsonStream,
	tableFeatures,
	type FourItem
} from '$lib/server/exports';
import type { SegmentListItem } from '$lib/server/services/waterways';
import { readXlsx, shownDateTime, unzip } from '../support/xlsx';

const checked = new Date('2026-05-15T01:00:00Z'); // 09:00 in Beijing
const lateNight = new Date('2026-12-31T20:30:00Z'); // already 1 January 2027 in Beijing

function segment(over: Partial<SegmentListItem>): SegmentListItem {
	return {
		id: 7,
		source_id: 'HH-7',
		kind: 'pond',
		name: '东湾塘',
		township_code: '421083100000',
		township_name: '峰口镇',
		length_m: 120.4,
		usable: 2,
		required: true,
		children_within: 12,
		nearest_m: 80,
		nearest_kind: 'village',
		near_kinds: ['village'],
		river_chief_id: 3,
		river_chief_name: '张三',
		last_checked: checked,
		completeness: 'partial',
		risk: 72,
		usable_items: ['sign', 'buoy'],
		bbox: [113.5, 29.8, 113.51, 29.81],
		mid: [113.505, 29.805],
		judged: true,
		...over
	};
}

const rows = [
	segment({}),
	segment({ id: 8, usable: 4, completeness: 'complete', risk: 0, last_checked: lateNight }),
	segment({ id: 9, usable: 0, completeness: 'none', children_within: 2, last_checked: null })
];
const missing = new Map<number, FourItem[]>([
	[7, ['rope', 'pole']],
	[8, []],
	[9, ['sign', 'buoy', 'rope', 'pole']]
]);

describe('segment table', () => {
	it('says how many of the four items are missing, and which, in words', () => {
		const zh = segmentTable(rows, missing, 'zh-CN');
		const count = zh.header.indexOf('缺少或不可用的项数（四个一）');
		const items = zh.header.indexOf('缺少或不可用的项目');
		expect(count).toBeGreaterThan(0);
		expect(items).toBe(count + 1);
		expect(zh.rows.map((r) => r[count])).toEqual([2, 0, 4]);
		expect(zh.rows.map((r) => r[items])).toEqual([
			'救生绳、救生杆',
			'无',
			'警示牌、救生圈、救生绳、救生杆'
		]);
		const en = segmentTable(rows, missing, 'en');
		expect(en.header).toContain('Items missing or unusable (of the four)');
		expect(en.rows[0][en.header.indexOf('Items missing or unusable')]).toBe(
			'Rescue rope, Rescue pole'
		);
	});

	it('keeps ISO 8601 at +08:00 in the CSV and says the times are Beijing time', () => {
		const csv = toCsv(segmentTable(rows, missing, 'zh-CN'));
		const lines = csv.slice(1).split('\r\n');
		expect(lines[0]).toContain('最近检查（北京时间）');
		expect(lines[1]).toContain(',2026-05-15T09:00:00+08:00');
		expect(lines[2]).toContain(',2027-01-01T04:30:00+08:00');
		expect(lines[2]).toContain(',是,');
		// the list of items is one field (a comma in English would be quoted)
		expect(csvCell(new Date('2026-05-15T01:00:00Z'))).toBe('2026-05-15T09:00:00+08:00');
		expect(toCsv(segmentTable(rows, missing, 'en'))).toContain(',"Rescue rope, Rescue pole",');
	});
});

describe('XLSX export', () => {
	it('writes dates as date cells that show Beijing wall time, numbers as numbers', async () => {
		const table = segmentTable(rows, missing, 'zh-CN');
		const x = readXlsx(await toXlsx(table, '河段'));
		expect(x.sheets).toEqual(['河段']);
		const header = x.rows[0].map((c) => c?.value);
		expect(header).toEqual(table.header);
		const at = header.indexOf('最近检查（北京时间）');
		const [first, second, third] = [x.rows[1], x.rows[2], x.rows[3]];
		expect(first[at]).toMatchObject({ t: 'n', format: 'yyyy-mm-dd hh:mm' });
		expect(shownDateTime(first[at]!.value as number)).toBe('2026-05-15 09:00');
		expect(shownDateTime(second[at]!.value as number)).toBe('2027-01-01 04:30');
		expect(third[at]).toBeUndefined();
		// id, length, children (released, perturbed counts) and the missing count are numbers
		for (const name of ['编号', '长度 (m)', '周边儿童', '缺少或不可用的项数（四个一）'])
			expect(first[header.indexOf(name)]).toMatchObject({ t: 'n', format: 'General' });
		expect(first[header.indexOf('长度 (m)')]!.value).toBe(120);
		expect(third[header.indexOf('周边儿童')]).toMatchObject({ t: 'n', value: 2 });
		const none = segmentTable([{ ...rows[0], children_within: 0 }], missing, 'zh-CN');
		expect(none.rows[0][none.header.indexOf('周边儿童')]).toBe(0);
		expect(first[header.indexOf('需配备“四个一”')]).toMatchObject({ t: 's', value: '是' });
		expect(first[header.indexOf('缺少或不可用的项目')]).toMatchObject({ value: '救生绳、救生杆' });
	});

	it('streams: the first bytes leave before the last rows are made, and a whole file opens', async () => {
		// chunks that need no query (kept rows, as a province's export has them): nothing but
		// microtasks between them, so only the writer itself can let bytes out between chunks
		const CHUNKS = 12;
		let made = 0;
		async function* chunks() {
			for (let c = 0; c < CHUNKS; c++) {
				made++;
				yield Array.from({ length: 2000 }, (_, i) => [
					c * 2000 + i,
					`第${c}块第${i}行`,
					(i * 7919) % 1000,
					checked
				]);
			}
		}
		const header = ['ID', '名称', '数', '时间'];
		const file = xlsxStream(header, chunks(), '河段', { user: 'tester', at: checked }, 'zh-CN');
		const reader = file.getReader();
		const parts: Uint8Array[] = [];
		let madeAtFirstByte = -1;
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			if (madeAtFirstByte < 0) madeAtFirstByte = made;
			parts.push(value);
		}
		expect(madeAtFirstByte).toBeGreaterThan(0);
		expect(madeAtFirstByte).toBeLessThan(CHUNKS);
		const x = readXlsx(Buffer.concat(parts));
		expect(x.rows.length).toBe(CHUNKS * 2000 + 1);
		expect(x.rows[CHUNKS * 2000][1]?.value).toBe(`第${CHUNKS - 1}块第1999行`);
	});

	it('streams a sheet with one style a kind of cell, not one worked out per cell', async () => {
		// exceljs recognises a style object it has seen; a new object per cell had its XML
		// rendered to find its id (a quarter of a province file's time). Count those look-ups.
		const { createRequire } = await import('node:module');
		const exceljsMain = createRequire(import.meta.url).resolve('exceljs');
		const StylesXform = createRequire(exceljsMain)('./lib/xlsx/xform/style/styles-xform.js');
		const spy = vi.spyOn(StylesXform.prototype, '_addStyle');
		try {
			const ROWS = 500;
			async function* chunks() {
				yield Array.from({ length: ROWS }, (_, i) => [i, `第${i}行`, i % 4, checked]);
			}
			const file = xlsxStream(
				['ID', '名称', '数', '时间'],
				chunks(),
				'河段',
				{
					user: 'tester',
					at: checked
				},
				'zh-CN'
			);
			const bytes = Buffer.from(await new Response(file).arrayBuffer());
			const x = readXlsx(bytes);
			expect(x.rows.length).toBe(ROWS + 1);
			// the dates are still dates in their format
			expect(shownDateTime(x.rows[ROWS][3]!.value as number)).toBe('2026-05-15 09:00');
			// a handful (the defaults, the header's bold cells, plain, date), not one per cell
			// and row: 2,500 cells and 500 rows here
			expect(spy.mock.calls.length).toBeLessThan(20);
		} finally {
			spy.mockRestore();
		}
	});

	it('streams a CSV and a GeoJSON over HTTP: their first rows arrive before the last are made', async () => {
		// chunks with nothing but microtasks between them (kept rows): without a turn of the
		// event loop between chunks, the socket is not written until the whole file is made
		const CHUNKS = 12;
		for (const format of ['csv', 'geojson'] as const) {
			let made = 0;
			async function* rowChunks() {
				for (let c = 0; c < CHUNKS; c++) {
					made++;
					yield Array.from({ length: 2000 }, (_, i) => [c * 2000 + i, `第${c}块`, 113.5, 29.8]);
				}
			}
			async function* featureChunks() {
				for await (const rows of rowChunks())
					yield tableFeatures({ header: ['ID', '名称', 'lon', 'lat'], rows }, 2, 3);
			}
			const server = createServer((_req, res) => {
				const file =
					format === 'csv'
						? csvStream(['ID', '名称', 'lon', 'lat'], rowChunks())
						: geojsonStream(featureChunks(), { user: 'tester', at: checked });
				Readable.fromWeb(file as import('node:stream/web').ReadableStream).pipe(res);
			});
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
			try {
				const { port } = server.address() as AddressInfo;
				const r = await fetch(`http://127.0.0.1:${port}/`);
				const reader = r.body!.getReader();
				let madeAtFirstRows = -1;
				let bytes = 0;
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					bytes += value.byteLength;
					// past the header: rows have arrived
					if (madeAtFirstRows < 0 && bytes > 1000) madeAtFirstRows = made;
				}
				expect(madeAtFirstRows, format).toBeGreaterThan(0);
				expect(madeAtFirstRows, format).toBeLessThan(CHUNKS);
			} finally {
				await new Promise((r) => server.close(r));
			}
		}
	});

	it('makes the date column wide enough not to show ####', async () => {
		const table = segmentTable(rows, missing, 'en');
		const files = unzip(await toXlsx(table, 'Segments'));
		const sheet = files.get('xl/worksheets/sheet1.xml')!.toString('utf8');
		// <col min max width>: a run of columns of one width may share one element
		const widths: number[] = [];
		for (const m of sheet.matchAll(/<col\b[^>]*>/g)) {
			const a = (k: string) => Number(new RegExp(`${k}="([\\d.]+)"`).exec(m[0])![1]);
			for (let i = a('min'); i <= a('max'); i++) widths[i - 1] = a('width');
		}
		expect(widths).toHaveLength(table.header.length);
		expect(widths[table.header.indexOf('Last checked (Beijing time)')]).toBeGreaterThanOrEqual(16);
		expect(readXlsx(await toXlsx({ header: ['a'], rows: [] }, 'Segments')).sheets).toEqual([
			'Segments'
		]);
	});

	it('names sheets as Excel allows', () => {
		expect(sheetName('河段')).toBe('河段');
		expect(sheetName('a/b:c[1]')).toBe('a b c 1');
		expect(Array.from(sheetName('长'.repeat(40)))).toHaveLength(31);
		expect(sheetName(' ? ')).toBe('Sheet1');
	});
});

describe('export file name', () => {
	const now = new Date('2026-11-28T17:00:00Z'); // 29 November in Beijing
	const scope = {
		areaCode: '421083000000',
		areaName: '洪湖市',
		mine: false,
		requiredOnly: false
	};

	it('names the area and the filters in the user’s language, with the Beijing date', () => {
		expect(
			segmentFileName({ ...scope, kind: 'pond', completeness: 'partial' }, 'zh-CN', 'xlsx', now)
		).toEqual({
			name: '洪湖市-河段-坑塘-部分缺失-2026-11-29.xlsx',
			ascii: 'segments-421083000000-pond-partial-2026-11-29.xlsx'
		});
		expect(segmentFileName(scope, 'en', 'csv', now).name).toBe('洪湖市-Segments-2026-11-29.csv');
		const all = segmentFileName(
			{
				...scope,
				township: { code: '421083100000', name: '峰口镇' },
				chief: { id: 12, name: '张三' },
				kind: 'ditch',
				completeness: 'none',
				requiredOnly: true
			},
			'zh-CN',
			'csv',
			now
		);
		expect(all.name).toBe(
			'洪湖市-峰口镇-河段-河长张三-沟渠-全部缺失或未检查-需配备-2026-11-29.csv'
		);
		expect(all.ascii).toBe(
			'segments-421083000000-421083100000-chief12-ditch-none-required-2026-11-29.csv'
		);
		const mine = segmentFileName(
			{ ...scope, mine: true, chief: { id: 1, name: 'x' } },
			'zh-CN',
			'csv',
			now
		);
		expect(mine.name).toBe('洪湖市-我的河段-2026-11-29.csv');
		expect(mine.ascii).toBe('segments-421083000000-mine-2026-11-29.csv');
	});

	it('leaves out filter values it does not know, and sanitises names', () => {
		const odd = segmentFileName(
			{
				...scope,
				areaName: '../洪湖*市\u202Eslx.exe',
				kind: 'lava',
				completeness: "x'; rm",
				chief: { id: 5, name: 'a/b "c"' }
			},
			'zh-CN',
			'csv',
			now
		);
		expect(odd.name).toBe('洪湖 市 slx.exe-河段-河长a b c-2026-11-29.csv');
		expect(odd.ascii).toBe('segments-421083000000-chief5-2026-11-29.csv');
		expect(fileNamePart(' ..a\u0000b.. ')).toBe('a b');
		const long = segmentFileName(
			{ ...scope, chief: { id: 1, name: '长'.repeat(200) } },
			'zh-CN',
			'xlsx',
			now
		).name;
		expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
		expect(long.endsWith('长-2026-11-29.xlsx')).toBe(true);
	});

	it('sends the name as RFC 5987 filename* with an ASCII filename fallback', () => {
		const h = contentDisposition(
			"洪湖市-河段-“四个一”齐全-it's (1)*.xlsx",
			'segments-421083000000-complete-2026-11-29.xlsx'
		);
		expect(h).toBe(
			'attachment; filename="segments-421083000000-complete-2026-11-29.xlsx"; ' +
				"filename*=UTF-8''%E6%B4%AA%E6%B9%96%E5%B8%82-%E6%B2%B3%E6%AE%B5-%E2%80%9C%E5%9B%9B%E4%B8%AA%E4%B8%80%E2%80%9D%E9%BD%90%E5%85%A8-it%27s%20%281%29%2A.xlsx"
		);
		const star = /filename\*=UTF-8''([^;]+)/.exec(h)![1];
		expect(decodeURIComponent(star)).toBe("洪湖市-河段-“四个一”齐全-it's (1)*.xlsx");
		expect(star).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
		expect(contentDisposition('a', 'x"y\\z%.csv')).toContain('filename="x_y_z_.csv"');
	});
});
