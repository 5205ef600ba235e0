// A large CSV is read a piece at a time (issue 14, "large files"): its rows come out while the
// rest of the file is still bytes, and the records are read again for each pass instead of
// being held. The pieces must not change what is read: a row, a quoted field with a line break
// or a GBK character cut by a piece's end reads as papaparse reads the whole text.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { csvRows } from '$lib/import/csv';
import { openFile, readFile } from '$lib/import/read';
import { surveyRows, type SourceRecord } from '$lib/import/table';

const ROWS = 300_000;

function roster(): Uint8Array {
	const lines = ['记录编号,村代码,出生日期,类别,居住地经度,居住地纬度'];
	for (let i = 0; i < ROWS; i++)
		lines.push(`C-${i},4210831${String(i % 1000).padStart(5, '0')},2015-03-01,留守儿童,113.4,29.8`);
	return new TextEncoder().encode(lines.join('\r\n'));
}

async function all<T>(it: AsyncIterable<T[]>): Promise<T[]> {
	const out: T[] = [];
	for await (const part of it) out.push(...part);
	return out;
}

describe('a large CSV', () => {
	it('gives its first rows before the rest of the file is decoded', async () => {
		const bytes = roster();
		const rows = csvRows(bytes, 'utf-8');
		const first = await rows.next();
		expect(first.done).toBe(false);
		const got = first.value as string[][];
		expect(got[0]).toEqual(['记录编号', '村代码', '出生日期', '类别', '居住地经度', '居住地纬度']);
		expect(got[1][0]).toBe('C-0');
		// a piece of the file, not the file
		expect(got.length).toBeGreaterThan(100);
		expect(got.length).toBeLessThan(ROWS / 10);
		await rows.return(undefined);
	});

	it('is opened with its header, count and sample, and its records read in batches again for each pass', async () => {
		const bytes = roster();
		const t = await openFile('roster.csv', bytes);
		expect(t).toMatchObject({ format: 'csv', encoding: 'utf-8', count: ROWS, headerRow: 1 });
		expect('records' in t).toBe(false);
		expect(t.sample.map((r) => r.row)).toEqual([2, 3, 4, 5, 6]);
		for (let pass = 0; pass < 2; pass++) {
			let n = 0;
			let batches = 0;
			for await (const batch of t.batches(2000)) {
				expect(batch.length).toBeLessThanOrEqual(2000);
				expect(batch[0].row).toBe(n + 2);
				n += batch.length;
				batches++;
			}
			expect(n).toBe(ROWS);
			expect(batches).toBe(ROWS / 2000);
		}
	}, 120_000);

	it('is UTF-8 when its first megabyte ends inside a character', async () => {
		const line = '儿童之家,留守儿童\r\n';
		const body = new TextEncoder().encode(line.repeat(80_000));
		// a header padded so that the mark falls inside a three-byte character
		const cut = (pad: number) => new TextEncoder().encode(`名称${'x'.repeat(pad)},类别\r\n`);
		const pad = [0, 1, 2].find((k) => (body[(1 << 20) - cut(k).length] & 0xc0) === 0x80)!;
		const head = cut(pad);
		const bytes = new Uint8Array(head.length + body.length);
		bytes.set(head);
		bytes.set(body, head.length);
		expect(bytes[1 << 20] & 0xc0).toBe(0x80);
		const t = await openFile('homes.csv', bytes);
		expect(t).toMatchObject({
			encoding: 'utf-8',
			headers: [`名称${'x'.repeat(pad)}`, '类别'],
			count: 80_000
		});
		expect(t.sample[0].cells['类别']).toBe('留守儿童');
	});

	it('reads the rows of a batch without reading the rest of the file', async () => {
		let pulled = 0;
		const chunks = async function* () {
			for (let k = 0; k < 100; k++) {
				pulled++;
				yield Array.from({ length: 100 }, (_, j) => [`R-${k * 100 + j}`, 'x']);
			}
		};
		const header = async function* () {
			yield [['编号', '名称']];
			yield* chunks();
		};
		const t = await surveyRows(header);
		expect(t.count).toBe(10_000);
		pulled = 0;
		const it = t.batches(50);
		const first = await it.next();
		expect((first.value as SourceRecord[]).map((r) => r.cells['编号'])).toEqual(
			Array.from({ length: 50 }, (_, j) => `R-${j}`)
		);
		expect(pulled).toBe(1);
		await it.return(undefined);
	});
});

/** A last line break leaves an empty last row: a blank row, read or not. */
function trimmed(rows: string[][]): string[][] {
	const last = rows[rows.length - 1];
	return last && last.length === 1 && last[0] === '' ? rows.slice(0, -1) : rows;
}

/** Rows papaparse reads from the whole text, as the reader read them before it read in pieces. */
const wholeParse = (text: string) =>
	trimmed(Papa.parse<string[]>(text.replace(/^\ufeff/, '')).data);

const cell = fc.oneof(
	fc.constantFrom('', '河流（洪湖市）', '留守儿童,困境儿童', '"引号"', 'a\r\nb', '１２３', 'x'),
	fc.string({ maxLength: 6 }),
	fc.stringMatching(/^[\u4e00-\u4e2f0-9,"\r\n]{0,8}$/)
);
const quoted = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const csvText = fc
	.tuple(
		fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
		fc.constantFrom('\r\n', '\n'),
		fc.boolean()
	)
	.map(
		([rows, eol, bom]) => (bom ? '\ufeff' : '') + rows.map((r) => r.map(quoted).join(',')).join(eol)
	);

describe('pieces never change what is read', () => {
	it('UTF-8 and GB18030, cut anywhere, quoted line breaks and all', async () => {
		await fc.assert(
			fc.asyncProperty(
				csvText,
				fc.constantFrom('utf-8', 'gb18030') as fc.Arbitrary<'utf-8' | 'gb18030'>,
				fc.integer({ min: 1, max: 64 }),
				async (text, enc, piece) => {
					const bytes = new Uint8Array(iconv.encode(text, enc));
					const got = await all(csvRows(bytes, enc, piece));
					expect(trimmed(got)).toEqual(wholeParse(text));
				}
			),
			{ numRuns: 300 }
		);
	});

	it('a malformed file reads as papaparse reads it whole (an unclosed quote, a stray quote)', async () => {
		for (const text of ['a,b\n1,"2\n3,4', 'a,b\n1,x"y\n"3",4', 'a;b\n1;2\n3;4', 'a\tb\r\n1\t2']) {
			const bytes = new TextEncoder().encode(text);
			for (const piece of [1, 2, 3, 5, 1024])
				expect(
					await all(csvRows(bytes, 'utf-8', piece)),
					`${JSON.stringify(text)} / ${piece}`
				).toEqual(wholeParse(text));
		}
	});

	it('the whole table read through the pieces is the one the file holds', async () => {
		const text = '花名册\r\n\r\n编号,名称,面积\r\nH-1,"一号\r\n之家",３５\r\n\r\nH-2,二号,40\r\n';
		const bytes = new Uint8Array(iconv.encode(text, 'gb18030'));
		const t = await readFile('homes.csv', bytes);
		expect(t).toMatchObject({
			encoding: 'gb18030',
			headers: ['编号', '名称', '面积'],
			headerRow: 3
		});
		expect(t.records).toEqual([
			{ row: 4, cells: { 编号: 'H-1', 名称: '一号 之家', 面积: '35' }, widened: ['面积'] },
			{ row: 6, cells: { 编号: 'H-2', 名称: '二号', 面积: '40' } }
		]);
	});
});
