// The annual report (年度工作进展情况) prints: Chromium's own A4 PDF of the county's and the
// province's report, read page by page with poppler's pdftotext (an outside reader), holds every
// Chinese heading and every row of every table the page shows, and no sheet is blank. The
// dashboard links to it, and a bad year is a 400 in Chinese. Beside the PDF, its tables download
// as Excel (a sheet for each, as GDAL reads them) and CSV with the page's figures.
import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	DEMO,
	expectPageNumbers,
	flat,
	guard,
	printPdf,
	rowsNotPrinted,
	signIn,
	tableRows
} from './helpers';

test.describe.configure({ timeout: 180_000 });

const dir = mkdtempSync(path.join(os.tmpdir(), 'tongan-annual-'));

const HEADINGS = [
	'一、儿童情况（按类别和区划）',
	'二、儿童之家与阳光驿站',
	'儿童之家覆盖情况',
	'三、“四个一”配备情况',
	'四、汛期安全排查'
];

/** The PDF of the page, as the flattened text of each of its sheets. */
async function printedPages(page: Page, name: string): Promise<string[]> {
	const p = await printPdf(page, name, { layout: true });
	expect(p.info).toMatch(/Page size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)/);
	return Array.from({ length: p.pages }, (_, i) => p.sheet(i + 1));
}

/** Every table row on the page, as the texts of its cells (td). */
const reportRows = (page: Page) => tableRows(page, '.annual table', 'td');

async function checkReport(page: Page, url: string, name: string, title: RegExp) {
	const problems = guard(page);
	const res = await page.goto(url);
	expect(res?.status()).toBe(200);
	await expect(page.getByTestId('annual-title')).toHaveText(title);
	await expect(page.getByTestId('annual-year-compare')).toBeVisible();
	const rows = await reportRows(page);
	const sheets = await printedPages(page, name);
	expect(sheets.length).toBeGreaterThan(0);
	// no sheet is blank: each carries the print header and some of the report
	for (const [i, s] of sheets.entries()) {
		expect(flat(s).length, `sheet ${i + 1} of ${name}`).toBeGreaterThan(40);
	}
	// numbered at the foot of every sheet, the first under the print header
	expectPageNumbers(sheets);
	expect(flat(sheets[0])).toContain('打印时间');
	const all = sheets.map(flat).join('');
	for (const h of HEADINGS) expect(all, h).toContain(flat(h));
	expect(all).toContain(flat(await page.getByTestId('annual-title').innerText()));
	// every row prints whole on one line of one sheet: its cells in order, none cut off
	expect(rows.length).toBeGreaterThan(12);
	expect(rowsNotPrinted(rows, sheets), `rows missing from ${name}`).toEqual([]);
	expect(problems).toEqual([]);
	return { rows, sheets };
}

test('the county report prints every heading and row on A4, linked from the dashboard', async ({
	page
}) => {
	await signIn(page, DEMO.county);
	await page.goto('/dashboard');
	await page.getByTestId('dash-annual').click();
	await expect(page).toHaveURL(/\/reports\/annual\?code=421083000000/);
	const { rows } = await checkReport(
		page,
		'/reports/annual?code=421083000000',
		'county',
		/^洪湖市\d{4}年度工作进展情况$/
	);
	// the county's townships are listed with their released children
	expect(await page.getByTestId('children-row').count()).toBeGreaterThan(5);
	expect(rows.some((r) => r[0] === '儿童之家数量')).toBe(true);
});

test('each chart prints whole on one sheet with its heading, wherever the page above ends', async ({
	page
}) => {
	await signIn(page, DEMO.county);
	await page.goto('/reports/annual?code=421083000000');
	const items = page.getByTestId('annual-items-chart');
	await expect(items.locator('svg')).toBeVisible();
	const itemsHeading = flat(await items.locator('h3').innerText());
	// the bars' own labels ("35% (8/23)"): the table below writes its rates otherwise
	const labels = (await items.locator('svg text.val').allTextContents()).map(flat);
	expect(labels.length).toBeGreaterThan(5);
	const camp = page.getByTestId('annual-campaigns-chart');
	const campHeading = flat(await camp.locator('h3').innerText());
	const names = await camp.locator('svg text[text-anchor=end]').allTextContents();
	expect(names.length).toBe(6);
	// a block of growing height above the charts moves them down the sheets: at some height each
	// would fall across a sheet's end
	for (const px of [0, 150, 300, 450, 600, 750, 900]) {
		await page.evaluate((h) => {
			document.getElementById('e2e-spacer')?.remove();
			const spacer = document.createElement('div');
			spacer.id = 'e2e-spacer';
			spacer.style.height = `${h}px`;
			document.querySelector('[data-testid=annual-items-chart]')!.before(spacer);
		}, px);
		const p = await printPdf(page, `charts-${px}`);
		const sheets = Array.from({ length: p.pages }, (_, i) => flat(p.sheet(i + 1)));
		const at = sheets.findIndex((s) => s.includes(itemsHeading));
		expect(at, `items chart heading at ${px}px`).toBeGreaterThanOrEqual(0);
		const after = sheets[at].slice(sheets[at].indexOf(itemsHeading));
		for (const l of labels) expect(after, `${l} with its heading at ${px}px`).toContain(l);
		const c = sheets.findIndex((s) => s.includes(campHeading));
		expect(c, `campaign chart heading at ${px}px`).toBeGreaterThanOrEqual(0);
		const tail = sheets[c].slice(sheets[c].indexOf(campHeading));
		for (const n of names) expect(tail, `${n} with its heading at ${px}px`).toContain(flat(n));
	}
});

test('the province report prints every heading and row on A4', async ({ page }) => {
	await signIn(page, DEMO.province);
	await checkReport(
		page,
		'/reports/annual?code=420000000000&year=2026',
		'province',
		/^湖北省2026年度工作进展情况$/
	);
	// the province and each of its prefecture-level units (the fixture's: those seeded), the
	// same units as the four-item table's
	const subunits = await page.getByTestId('items-row').count();
	expect(subunits).toBeGreaterThan(0);
	await expect(page.getByTestId('children-row')).toHaveCount(subunits + 1);
	await expect(page.getByTestId('children-row').first()).toContainText('湖北省');
});

test('a bad year is refused in Chinese, and an area outside is not found', async ({ page }) => {
	await signIn(page, DEMO.county);
	const bad = await page.goto('/reports/annual?year=20x6');
	expect(bad?.status()).toBe(400);
	await expect(page.locator('body')).toContainText('年度须为四位年份（如 2026）');
	// a year with no figures yet (or before the plan) is refused, not shown with today's figures
	const later = await page.goto('/reports/annual?year=2099');
	expect(later?.status()).toBe(400);
	await expect(page.locator('body')).toContainText(
		'年度须在 2024 年（行动计划的第一年）至今年之间'
	);
	await expect(page.locator('body')).not.toContainText('2099年度');
	const outside = await page.goto('/reports/annual?code=420102000000');
	expect(outside?.status()).toBe(404);
});

test('下载 PDF gives the server-written A4 PDF with every row the page shows; bad input is a 400', async ({
	page
}) => {
	await signIn(page, DEMO.county);
	const res = await page.goto('/reports/annual?code=421083000000&year=2026');
	expect(res?.status()).toBe(200);
	const rows = await reportRows(page);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('annual-pdf').click()
	]);
	// named for the area, the report, the day and the user
	expect(download.suggestedFilename()).toMatch(
		/^洪湖市-2026年度工作进展情况-\d{4}-\d{2}-\d{2}-\d{4}-county\.admin\.pdf$/
	);
	const file = path.join(dir, 'server.pdf');
	await download.saveAs(file);
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	expect(info).toMatch(/Page size:\s+595(\.\d+)? x 841(\.\d+)? pts \(A4\)/);
	const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-'], {
		encoding: 'utf8'
	});
	const all = flat(text);
	for (const h of HEADINGS) expect(all, h).toContain(flat(h));
	// every row of every table of the page, its cells in order on one line
	expect(rows.length).toBeGreaterThan(12);
	expect(rowsNotPrinted(rows, [text])).toEqual([]);

	const bad = await page.request.get('/api/exports/annual-report?code=421083000000&year=20x6');
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('年度须为四位年份（如 2026）');
	const later = await page.request.get('/api/exports/annual-report?code=421083000000&year=2099');
	expect(later.status()).toBe(400);
	const outside = await page.request.get('/api/exports/annual-report?code=420102000000');
	expect(outside.status()).toBe(404);
});

test('Excel and CSV beside the PDF hold the page’s tables: a sheet for each, the same figures', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/reports/annual?code=421083000000&year=2026');
	await expect(page.getByTestId('annual-xlsx')).toHaveText('下载 Excel');
	await expect(page.getByTestId('annual-csv')).toHaveText('下载 CSV');
	// the children table as the page shows it: code, name and three counts (or "—")
	const children = await page
		.getByTestId('children-row')
		.evaluateAll((rows) =>
			rows.map((r) =>
				[r.getAttribute('data-code'), ...[...r.querySelectorAll('td')].map((td) => td.textContent)]
					.map((s) => (s ?? '').trim().replace(/,/g, ''))
					.join(',')
			)
		);
	expect(children.length).toBeGreaterThan(5);

	const [xlsx] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('annual-xlsx').click()
	]);
	expect(xlsx.suggestedFilename()).toMatch(
		/^洪湖市-2026年度工作进展情况-\d{4}-\d{2}-\d{2}-\d{4}-county\.admin\.xlsx$/
	);
	const file = path.join(dir, 'report.xlsx');
	await xlsx.saveAs(file);
	// GDAL, the outside reader: a layer for each table, the children's one row per page row
	const info = execFileSync(
		'ogrinfo',
		['-ro', '-al', '-so', '--config', 'OGR_XLSX_HEADERS', 'FORCE', file],
		{ encoding: 'utf8' }
	);
	const layers = [...info.matchAll(/^Layer name: (.+)$/gm)].map((m) => m[1].trim());
	expect(layers).toEqual([
		'报告说明',
		...HEADINGS.filter((h) => h !== '儿童之家覆盖情况'),
		'四、各次排查活动',
		'五、主要指标与上年比较'
	]);
	const block = info.split('Layer name: ')[2];
	expect(Number(/Feature Count: (\d+)/.exec(block)![1])).toBe(children.length);

	const [csv] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('annual-csv').click()
	]);
	expect(csv.suggestedFilename()).toMatch(/-county\.admin\.csv$/);
	const chunks: Buffer[] = [];
	for await (const c of await csv.createReadStream()) chunks.push(c as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	expect(text.charCodeAt(0)).toBe(0xfeff);
	const lines = text.slice(1).split('\r\n');
	expect(lines[0]).toBe('洪湖市2026年度工作进展情况');
	for (const row of children) expect(lines, row).toContain(row);

	const bad = await page.request.get('/api/exports/annual-report?code=421083000000&format=docx');
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toMatch(/[\u4e00-\u9fff]/);
	const outside = await page.request.get(
		'/api/exports/annual-report?code=420102000000&format=xlsx'
	);
	expect(outside.status()).toBe(404);
	expect(problems).toEqual([]);
});
