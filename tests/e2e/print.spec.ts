// Pages print whole: Chromium's own PDF of the county's segment list holds every row in scope,
// the dashboard's holds every heading, chart label and table row, and a segment page prints.
// The PDF's text is read with poppler's pdftotext, an outside reader, not with our own code.
// The dashboard's tables sort by any column, worst first, and export to XLSX (read with GDAL).
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	DEMO,
	expectPageNumbers,
	flat,
	guard,
	hydrated,
	PAGE_OF,
	printPdf,
	sheetsOf,
	signIn
} from './helpers';

// a whole county's list is some thirty sheets for Chromium to lay out and print
test.describe.configure({ timeout: 240_000 });

const dir = mkdtempSync(path.join(os.tmpdir(), 'tongan-print-'));
const printed = (page: Page, name: string) => printPdf(page, name);

test('the county segment list prints every row in scope, with the print header', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.planner);
	// every segment in scope, from the export (a separate path from the page)
	const csv = await page.request.get('/api/exports/segments?format=csv&mine=0');
	expect(csv.status()).toBe(200);
	const ids = csv
		.text()
		.then((t) =>
			t
				.replace(/^\uFEFF/, '')
				.trim()
				.split('\r\n')
				.slice(1)
		)
		.then((lines) => lines.map((l) => Number(l.split(',')[0])));
	const expected = await ids;
	// more than one page a screen used to show, so the test would fail on the old page
	expect(expected.length).toBeGreaterThan(100);

	await page.goto('/waterways?mine=0&all=1');
	await expect(page.getByTestId('segment-list').locator('tbody tr')).toHaveCount(expected.length);
	const list = await printed(page, 'list');
	const { text, pages } = list;
	const printedIds = new Set((text.match(/\b\d+\b/g) ?? []).map(Number));
	const missing = expected.filter((id) => !printedIds.has(id));
	expect(missing).toEqual([]);
	// a row a line or so: about 30 to a sheet, not one sheet cut at the screen's fold
	expect(pages).toBeGreaterThan(expected.length / 60);
	// the header: who printed, the area, the time, and that the data is a demonstration's
	const f = flat(text);
	expect(f).toContain('县规划人员');
	expect(f).toContain('洪湖市');
	expect(f).toContain('打印时间');
	expect(f).toContain('演示数据');
	// some thirty sheets, numbered at their foot: the first and the last say the total too, and
	// the header still heads the first
	expectPageNumbers(sheetsOf(list));
	expect(flat(list.sheet(1))).toContain('打印时间');
	// no controls on paper
	expect(f).not.toContain('我附近的河段');
	expect(f).not.toContain('导出Excel');
	expect(problems).toEqual([]);
});

test('the list’s rows are made once: cards on screen, the same rows as a table on paper', async ({
	page
}) => {
	await signIn(page, DEMO.planner);
	await page.goto('/waterways?mine=0');
	const list = page.getByTestId('segment-list');
	const rows = list.locator('tbody tr');
	const n = await rows.count();
	expect(n).toBeGreaterThan(1);
	// every listed segment once in the page, not once as a card and again as a printed row
	expect(await page.locator('main [data-id]').count()).toBe(n);
	const look = () =>
		list.evaluate((t) => ({
			head: getComputedStyle(t.querySelector('thead')!).display,
			row: getComputedStyle(t.querySelector('tbody tr')!).display
		}));
	// on screen: the rows are the cards, the head is for paper
	await expect(rows.first()).toBeVisible();
	expect(await look()).toEqual({ head: 'none', row: 'flex' });
	// on paper: a table whose head Chromium repeats on every sheet
	await page.emulateMedia({ media: 'print' });
	expect(await look()).toEqual({ head: 'table-header-group', row: 'table-row' });
});

test('the list’s print button opens the whole list and prints it', async ({ page }) => {
	await page.addInitScript(() => {
		(window as unknown as { __printed: number }).__printed = 0;
		window.print = () => void (window as unknown as { __printed: number }).__printed++;
	});
	await signIn(page, DEMO.planner);
	await page.goto('/waterways?mine=0&kind=pond');
	const total = Number(
		((await page.getByTestId('segment-count').textContent()) ?? '').replace(/\D/g, '')
	);
	await page.getByTestId('print-all').click();
	await expect(page).toHaveURL(/all=1/, { timeout: 60_000 });
	await expect(page).toHaveURL(/kind=pond/);
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed))
		.toBe(1);
	await expect(page.getByTestId('segment-list').locator('tbody tr')).toHaveCount(total);
});

test('the dashboard prints every heading, chart and table row', async ({ page }) => {
	const problems = guard(page);
	await signIn(page, DEMO.planner);
	await page.goto('/dashboard');
	await expect(page.getByTestId('exposure-table')).toBeVisible();
	// each heading's own words: a caption's export links (XLSX, CSV, GeoJSON) do not print
	const headings = await page
		.locator('main h1, main h2, main h3, main caption')
		.evaluateAll((els) =>
			els.map((el) => {
				const copy = el.cloneNode(true) as HTMLElement;
				copy.querySelectorAll('a.btn').forEach((a) => a.remove());
				return copy.textContent ?? '';
			})
		);
	const barLabels = await page.getByTestId('completion-bars').locator('text.val').allTextContents();
	const areas = await page.getByTestId('completion-table').locator('tbody th').allTextContents();
	expect(barLabels.length).toBeGreaterThan(5);
	const dash = await printed(page, 'dashboard');
	const f = flat(dash.text);
	// every heading
	for (const h of headings) expect(f).toContain(flat(h));
	// the last bar of the chart is on paper too: the chart is not cut at the first sheet
	for (const l of barLabels) expect(f).toContain(flat(l));
	for (const a of areas) expect(f).toContain(flat(a));
	expect(f).toContain('演示数据');
	// every sheet numbered at its foot, under the header on the first
	expect(dash.pages).toBeGreaterThan(1);
	expectPageNumbers(sheetsOf(dash));
	expect(flat(dash.sheet(1))).toContain('打印时间');
	expect(problems).toEqual([]);
});

test('a segment page prints its items and history without the check form', async ({ page }) => {
	await signIn(page, DEMO.township);
	await page.goto('/waterways?mine=0');
	const first = page.getByTestId('segment-list').locator('tr.card').first();
	const id = await first.getAttribute('data-id');
	await page.goto(`/waterways/${id}`);
	const name = (await page.getByTestId('segment-name').textContent())!;
	await expect(page.getByTestId('check-form')).toBeVisible();
	const { text, pages } = await printed(page, 'segment');
	const f = flat(text);
	expect(f).toContain(flat(name));
	expect(f).toContain('“四个一”');
	expect(f).toContain('变更记录');
	expect(f).toContain('打印时间');
	// the form to record a check is for the screen
	expect(f).not.toContain(flat(await page.getByTestId('check-save').innerText()));
	expect(pages).toBeGreaterThanOrEqual(1);
});

test('the dashboard tables sort by any column, worst first, and export to XLSX', async ({
	page
}) => {
	await signIn(page, DEMO.planner);
	await page.goto('/dashboard');
	const table = page.getByTestId('completion-table');
	const rate = table.locator('thead th').nth(4);
	// worst first: the lowest completion rate at the top
	await expect(rate).toHaveAttribute('aria-sort', 'ascending');
	const rates = async () =>
		(await table.locator('tbody tr td:nth-child(5)').allTextContents()).map((s) =>
			s === '—' ? Infinity : Number(s.replace('%', ''))
		);
	const r0 = await rates();
	expect(r0.length).toBeGreaterThan(5);
	expect(r0).toEqual([...r0].sort((a, b) => a - b));
	// by keyboard: the heading's button takes Enter, once the page has hydrated (a key pressed
	// before does nothing: the clean-clone CI saw the order stay ascending)
	await hydrated(page);
	await rate.getByRole('button').focus();
	await page.keyboard.press('Enter');
	await expect(rate).toHaveAttribute('aria-sort', 'descending');
	const r1 = (await rates()).filter((x) => x !== Infinity);
	expect(r1).toEqual([...r1].sort((a, b) => b - a));
	// another column: its worst first (most segments still missing items)
	const incomplete = table.locator('thead th').nth(3);
	await incomplete.getByRole('button').click();
	await expect(incomplete).toHaveAttribute('aria-sort', 'descending');
	await expect(rate).toHaveAttribute('aria-sort', 'none');
	const shown = await table.locator('tbody th').allTextContents();

	// the file holds the rows in the order shown
	const href = await page.getByTestId('completion-table-xlsx').getAttribute('href');
	expect(href).toContain('sort=incomplete');
	const res = await page.request.get(href!);
	expect(res.status()).toBe(200);
	expect(res.headers()['content-type']).toContain('spreadsheetml');
	const file = path.join(dir, 'completion.xlsx');
	writeFileSync(file, await res.body());
	const csv = execFileSync('ogr2ogr', ['-f', 'CSV', '/vsistdout/', file], {
		encoding: 'utf8',
		env: { ...process.env, OGR_XLSX_HEADERS: 'FORCE' }
	});
	const names = csv
		.trim()
		.split(/\r?\n/)
		.slice(1)
		.map((l) => l.split(',')[0].replace(/"/g, ''));
	expect(names).toEqual(shown.map((s) => s.trim()));

	// outside the user's area: refused, not a file
	const other = await page.request.get('/api/exports/dashboard?table=completion&area=420100000000');
	expect(other.status()).toBeGreaterThanOrEqual(400);
	expect(other.status()).toBeLessThan(500);
	const bad = await page.request.get('/api/exports/dashboard?table=nope');
	expect(bad.status()).toBe(400);
});

test('the hazard list prints its rows on numbered sheets, in the page’s language', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/hazards');
	const rows = page.getByTestId('hazard-row');
	await expect(rows.first()).toBeVisible();
	const zh = await printed(page, 'hazards-zh');
	expectPageNumbers(sheetsOf(zh));
	expect(flat(zh.sheet(1))).toContain('打印时间');
	// the same list in English says "Page N of M", not the Chinese words
	await page.context().addCookies([{ name: 'lang', value: 'en', url: new URL(page.url()).origin }]);
	await page.goto('/hazards');
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	const en = await printed(page, 'hazards-en');
	expectPageNumbers(sheetsOf(en), PAGE_OF.en);
	expect(en.text).not.toContain('第 1 页');
	expect(problems).toEqual([]);
});
