// A 300,000-row roster (issue 14, "large files"): read whole, every row kept with its number,
// and read in slices, so the server goes on answering other users meanwhile. A timer that
// should fire every 5 ms measures the longest stretch the reader held the event loop.
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
	it('is read whole without holding the event loop for long', async () => {
		const bytes = roster();
		let longest = 0;
		let last = performance.now();
		const tick = setInterval(() => {
			const now = performance.now();
			longest = Math.max(longest, now - last);
			last = now;
		}, 5);
		try {
			const t = await readFile('roster.csv', bytes);
			await new Promise((r) => setTimeout(r, 20));
			expect(t.records).toHaveLength(ROWS);
			expect(t.records[0]).toMatchObject({ row: 2, cells: { 记录编号: 'C-0' } });
			expect(t.records[ROWS - 1]).toMatchObject({
				row: ROWS + 1,
				cells: { 记录编号: `C-${ROWS - 1}`, 类别: '留守儿童,困境儿童' }
			});
		} finally {
			clearInterval(tick);
		}
		// read in one stretch it holds the loop for seconds on this machine (and overflowed the
		// stack before); in slices, one slice at most
		expect(longest).toBeLessThan(500);
	}, 120_000);
});
