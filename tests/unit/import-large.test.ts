// A 300,000-row roster (issue 14, "large files"): read whole, every row kept with its number,
// (the widest row found by a loop: spreading 300,000 lengths into Math.max overflowed the
// stack, a 500 for the user). How long the reader holds the event loop meanwhile is a figure for
// `npm run bench -- --only imports` (other users' pages during an import), not a timed test.
import { describe, expect, it } from 'vitest';
import { readFile } from '$lib/import/read';

const ROWS = 300_000;

function roster(): Uint8Array {
	const lines = ['记录编号,村代码,出生日期,类别,居住地经度,居住地纬度'];
	for (let i = 0; i < ROWS; i++)
		lines.push(
			`C-${i},4210831${String(i % 1000).padStart(5, '0')},2015-03-0${1 + (i % 9)},"留守儿童,困境儿童",113.${400000 + (i % 99991)},29.${800000 + (i % 77773)}`
		);
	return new TextEncoder().encode(lines.join('\r\n'));
}

describe('a 300,000-row CSV', () => {
	it('is read whole, every row with its number', async () => {
		const bytes = roster();
		const t = await readFile('roster.csv', bytes);
		expect(t.records).toHaveLength(ROWS);
		expect(t.records[0]).toMatchObject({ row: 2, cells: { 记录编号: 'C-0' } });
		expect(t.records[ROWS - 1]).toMatchObject({
			row: ROWS + 1,
			cells: { 记录编号: `C-${ROWS - 1}`, 类别: '留守儿童,困境儿童' }
		});
	}, 120_000);
});
