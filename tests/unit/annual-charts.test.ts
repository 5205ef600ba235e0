// The annual report's charts on paper: the server's PDF keeps each chart whole on one sheet
// with its heading, wherever the tables before it end (read back with poppler's pdftotext), and
// the year-on-year chart draws each figure on its own scale, so a handful of campaigns beside
// thousands of targets is a bar one can see, with its value written beside it.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { annualReportPdf } from '../../src/lib/server/exports-annual-pdf';
import type { AnnualReport } from '../../src/lib/server/services/annual-report';
import { MIN_BAR_PX, pairBarLengths } from '../../src/lib/charts/scales';
import { translator } from '../../src/lib/i18n';
import { formatRatePct } from '../../src/lib/charts/rate';

const dir = mkdtempSync(path.join(tmpdir(), 'tongan-annual-charts-'));
const flat = (s: string) => s.replace(/\s+/g, '');

/** A county report with `fill` townships in the children's table and 20 in the four items'. */
function report(fill: number): AnnualReport {
	const year = { campaigns: 2, targets: 3000, visited: 2900, found: 40, fixed: 35, closed: 30 };
	return {
		year: 2026,
		at: '2026-12-01T02:00:00.000Z',
		area: { code: '421083000000', name: '洪湖市', level: 'county' },
		sitesArea: { code: '421083000000', name: '洪湖市' },
		children: {
			area: {
				code: '421083000000',
				name: '洪湖市',
				total: 3449,
				leftBehind: 2027,
				inDifficulty: 1662
			},
			bySubunit: Array.from({ length: fill }, (_, i) => ({
				code: `4210831${String(i).padStart(2, '0')}000`,
				name: `儿童表乡${i}`,
				total: 100 + i,
				leftBehind: 50,
				inDifficulty: 40
			}))
		},
		homes: { total: 272, large: 254, largeShare: 254 / 272 },
		stations: 3,
		items: {
			required: 596,
			complete: 224,
			share: 224 / 596,
			bySubunit: Array.from({ length: 20 }, (_, i) => ({
				code: `4210832${String(i).padStart(2, '0')}000`,
				name: `图表${i}镇`,
				required: 30,
				complete: i
			}))
		},
		coverage: { radiusM: 1000, villages: 300, covered: 258, share: 0.86 },
		campaigns: { year: 2026, campaigns: [], totals: year },
		lastYear: {
			year: 2025,
			campaigns: [],
			totals: { campaigns: 1, targets: 2500, visited: 2400, found: 3, fixed: 1, closed: 0 }
		},
		stockFrom: { source: 'live', at: '2026-12-01T02:00:00.000Z' },
		stockChanges: [],
		lastYearAt: null,
		ms: 0
	};
}

async function sheets(r: AnnualReport, name: string): Promise<string[]> {
	const file = path.join(dir, `${name}.pdf`);
	writeFileSync(
		file,
		await annualReportPdf(r, {
			locale: 'zh-CN',
			mark: { user: '测试', at: new Date('2026-12-01T02:00:00Z') },
			projectRoot: process.cwd()
		})
	);
	const pages = Number(
		/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]
	);
	return Array.from({ length: pages }, (_, i) =>
		flat(
			execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', `${i + 1}`, '-l', `${i + 1}`, file, '-'], {
				encoding: 'utf8'
			})
		)
	);
}

describe('the annual report PDF', () => {
	const t = translator('zh-CN');
	it('keeps each chart whole, with its heading, on one sheet wherever the tables end', async () => {
		// the children's table grows a few rows at a time: the charts fall at every height of a sheet
		for (let fill = 0; fill <= 48; fill += 4) {
			const r = report(fill);
			const got = await sheets(r, `fill-${fill}`);
			const items = flat(t('annual.itemsChart'));
			const at = got.findIndex((s) => s.includes(items));
			expect(at, `items chart heading, fill ${fill}`).toBeGreaterThanOrEqual(0);
			for (const s of r.items.bySubunit)
				expect(got[at], `${s.name} on the chart's sheet, fill ${fill}`).toContain(s.name);
			const camp = flat(t('annual.campaignsChart', { year: 2026, last: 2025 }));
			const cat = got.findIndex((s) => s.includes(camp));
			expect(cat, `campaign chart heading, fill ${fill}`).toBeGreaterThanOrEqual(0);
			for (const k of ['campaignsCount', 'targets', 'visited', 'found', 'fixed', 'closed'] as const)
				for (const y of [2026, 2025])
					expect(got[cat], `${k} ${y}, fill ${fill}`).toContain(flat(`${t(`annual.${k}`)} ${y}`));
		}
	}, 120_000);
});

describe("the annual report PDF's rates", () => {
	it('are written as the page writes them, also where toFixed rounds the other way', async () => {
		// 23 of 80 is 28.75 % and 29 of 400 7.25 %: toFixed on the share × 100 (28.749…, 7.249… in
		// binary) wrote 28.7 % and 7.2 %, the page (formatRatePct) 28.8 % and 7.3 %
		const r = report(0);
		r.homes = { total: 80, large: 23, largeShare: 23 / 80 };
		r.coverage = { radiusM: 1000, villages: 400, covered: 29, share: 29 / 400 };
		r.items = {
			required: 80,
			complete: 23,
			share: 23 / 80,
			bySubunit: [{ code: '421083200000', name: '半数镇', required: 400, complete: 29 }]
		};
		const shown = [formatRatePct(23 / 80), formatRatePct(29 / 400)];
		const fixed = [`${((23 / 80) * 100).toFixed(1)}%`, `${((29 / 400) * 100).toFixed(1)}%`];
		// the cases are the ones where the two roundings part
		expect(shown).toEqual(['28.8%', '7.3%']);
		expect(fixed).not.toContain(shown[0]);
		expect(fixed).not.toContain(shown[1]);
		const text = (await sheets(r, 'rates')).join('');
		const count = (s: string) => text.split(s).length - 1;
		// homes' share and the items' share; the coverage share, the township's bar and its row
		expect(count(shown[0])).toBe(2);
		expect(count(shown[1])).toBe(3);
		for (const f of fixed) expect(text).not.toContain(f);
	}, 60_000);
});

describe('year-on-year bars', () => {
	it('give each figure its own scale, and a small figure a visible bar', () => {
		const rows = [
			{ now: 2, before: 1 },
			{ now: 3000, before: 2500 },
			{ now: 0, before: 3 },
			{ now: 0, before: 0 }
		];
		const l = pairBarLengths(rows, 400);
		// the larger year of each figure fills the row, whatever the other figures
		expect(l[0].now).toBe(400);
		expect(l[0].before).toBe(200);
		expect(l[1].now).toBe(400);
		expect(l[1].before).toBeCloseTo((2500 / 3000) * 400);
		expect(l[2]).toEqual({ now: 0, before: 400 });
		expect(l[3]).toEqual({ now: 0, before: 0 });
		// a value far below its pair still shows
		expect(pairBarLengths([{ now: 1, before: 100_000 }], 300)[0].now).toBe(MIN_BAR_PX);
	});
});
