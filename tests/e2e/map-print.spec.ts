// The map page on paper: Chromium's PDF of it is one A4 page with a title and date, a picture
// of the current view (not the blank a WebGL canvas prints) and the legend of what is shown.
// The smaller maps print their picture too: the bulletin's hazards printed from a phone, the
// planner's map from a desk. Read with poppler (pdfinfo, pdftotext, pdftoppm), outside readers
// of the printed file.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DEMO, guard, mapIdle, PHONE, printPdf, signIn } from './helpers';
import { OVERDUE_CAMPAIGN } from './overdue-fixture';

let dir: string;
test.beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'tongan-map-print-'));
});
test.afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
});

/** Share of the pixels in rows [from, to) (fractions of the page's height) that are not white. */
function inkShare(png: PNG, from: number, to: number): { ink: number; colours: number } {
	let ink = 0;
	let all = 0;
	const colours = new Set<number>();
	for (let y = Math.floor(png.height * from); y < Math.floor(png.height * to); y++) {
		for (let x = 0; x < png.width; x++) {
			const i = (y * png.width + x) * 4;
			const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
			all++;
			if (Math.min(r, g, b) < 245) ink++;
			colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
		}
	}
	return { ink: ink / all, colours: colours.size };
}

test('the map page prints the current view, its title, date and legend on one A4 page', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.province);
	await page.goto('/');
	await mapIdle(page);
	await expect(page.getByTestId('map')).not.toHaveAttribute('data-rendered-waterways', '0');
	// the picture of the settled view has been taken
	await expect(page.getByTestId('map-print')).not.toHaveAttribute('data-taken', '0');
	const pdf = join(dir, 'map.pdf');
	writeFileSync(pdf, await page.pdf({ format: 'A4' }));

	const info = execFileSync('pdfinfo', [pdf]).toString();
	expect(info).toMatch(/^Pages:\s+1$/m);
	const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
	expect(text).toContain('湖北省 · 地图');
	expect(text).toContain('打印于');
	expect(text).toContain('“四个一”齐全');
	expect(text).toContain('阳光驿站');

	execFileSync('pdftoppm', ['-png', '-r', '40', '-singlefile', pdf, join(dir, 'page')]);
	const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
	// the picture sits under the header, in the upper part of the page: the map's beige
	// ground, its rivers, units and counts fill it (blank paper: no ink, one colour)
	const map = inkShare(png, 0.12, 0.45);
	expect(map.ink).toBeGreaterThan(0.5);
	expect(map.colours).toBeGreaterThan(20);
	expect(problems).toEqual([]);
});

/** The lines of a PDF's text with their page and place (pt), as poppler lays them out. */
function textLines(pdf: string): { page: number; yMin: number; yMax: number; text: string }[] {
	const xml = execFileSync('pdftotext', ['-enc', 'UTF-8', '-bbox-layout', pdf, '-']).toString();
	const out: { page: number; yMin: number; yMax: number; text: string }[] = [];
	let page = 0;
	for (const m of xml.matchAll(
		/<page\b|<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([\s\S]*?)<\/line>/g
	)) {
		if (m[0] === '<page') page++;
		else
			out.push({
				page,
				yMin: Number(m[1]),
				yMax: Number(m[2]),
				text: [...m[3].matchAll(/>([^<]*)<\/word>/g)].map((w) => w[1]).join('')
			});
	}
	return out;
}

/**
 * The printed picture between two lines of text (the map's heading or what is above it, and its
 * legend below): its height on paper (mm) and its ink, rendered by poppler.
 */
function pictureBetween(pdf: string, above: RegExp, below: RegExp) {
	const lines = textLines(pdf);
	const low = lines.find((l) => below.test(l.text));
	expect(low, `a line ${below}`).toBeDefined();
	// the map may start a new sheet: then it runs from the top of that sheet
	const tops = lines.filter(
		(l) => l.page === low!.page && l.yMax <= low!.yMin && above.test(l.text)
	);
	const top = tops.length ? Math.max(...tops.map((l) => l.yMax)) : 0;
	const info = execFileSync('pdfinfo', [
		'-f',
		`${low!.page}`,
		'-l',
		`${low!.page}`,
		pdf
	]).toString();
	const pageHeight = Number(/Page\s+\d+ size:\s+[\d.]+ x ([\d.]+)/.exec(info)![1]);
	const base = join(dir, `sheet-${Date.now()}`);
	execFileSync('pdftoppm', [
		'-png',
		'-r',
		'40',
		'-singlefile',
		'-f',
		`${low!.page}`,
		'-l',
		`${low!.page}`,
		pdf,
		base
	]);
	const png = PNG.sync.read(readFileSync(`${base}.png`));
	return {
		heightMm: ((low!.yMin - top) * 25.4) / 72,
		...inkShare(png, top / pageHeight + 0.005, low!.yMin / pageHeight - 0.005)
	};
}

test.describe('on a phone', () => {
	test.use(PHONE);
	test('the bulletin printed from a phone carries the picture of its hazards map', async ({
		page
	}) => {
		const problems = guard(page);
		await signIn(page, DEMO.county);
		await page.goto('/campaigns');
		await page.getByRole('link', { name: OVERDUE_CAMPAIGN }).first().click();
		await expect(page).toHaveURL(/\/campaigns\/\d+$/);
		await page.goto(`${new URL(page.url()).pathname}/bulletin`);
		await expect(page.getByTestId('bulletin-map')).toHaveAttribute('data-points', '3');
		await expect(page.getByTestId('bulletin-map')).not.toHaveAttribute('data-taken', '0');
		const printed = await printPdf(page, 'bulletin-phone');
		// under the heading and above the legend: the county's ground, its outline and rivers
		const map = pictureBetween(printed.file, /^未销号隐患分布/, /^重大隐患/);
		expect(map.heightMm).toBeGreaterThan(60);
		expect(map.ink).toBeGreaterThan(0.5);
		expect(map.colours).toBeGreaterThan(20);
		// each sheet says its number and the total at its foot, under the print header
		for (let n = 1; n <= printed.pages; n++)
			expect(printed.sheet(n).replace(/\s+/g, '')).toContain(`第${n}页/共${printed.pages}页`);
		expect(printed.sheet(1).replace(/\s+/g, '')).toContain('打印时间');
		expect(problems).toEqual([]);
	});
});

test('the planning page printed from a desk carries the picture of its map', async ({ page }) => {
	test.setTimeout(180_000);
	const problems = guard(page);
	await page.setViewportSize({ width: 1366, height: 900 });
	await signIn(page, DEMO.planner);
	await page.goto('/planning', { timeout: 90_000 });
	await expect(page.getByTestId('plan-now-1000')).toHaveText(/\d+ \/ \d+/);
	// the picture of the settled view has been taken
	await expect(page.locator('.plan-map')).not.toHaveAttribute('data-taken', '0');
	const printed = await printPdf(page, 'planning-desk');
	// between the coverage table and the map's key: the county, its children cells and homes
	const map = pictureBetween(printed.file, /^覆盖儿童/, /^显示未覆盖的儿童/);
	expect(map.heightMm).toBeGreaterThan(60);
	expect(map.ink).toBeGreaterThan(0.5);
	expect(map.colours).toBeGreaterThan(20);
	expect(problems).toEqual([]);
});

// Printed at once: the PDF is made right after the page is opened, before the live map has
// settled (or drawn at all), and the map still prints (QA: printed within seconds, it was blank).
for (const [where, testid] of [
	['dashboard', 'hazard-map'],
	['bulletin', 'bulletin-map']
] as const) {
	test(`the campaign ${where} printed at once after opening carries its map`, async ({ page }) => {
		const problems = guard(page);
		await signIn(page, DEMO.county);
		await page.goto('/campaigns');
		const href = await page
			.getByRole('link', { name: OVERDUE_CAMPAIGN })
			.first()
			.getAttribute('href');
		await page.goto(`${href}/${where}`);
		const printed = await printPdf(page, `${where}-at-once`);
		// under the map's heading (and its note) and above its legend
		const map = pictureBetween(printed.file, /^未销号隐患分布|^圆点为/, /^重大隐患/);
		expect(map.heightMm).toBeGreaterThan(60);
		expect(map.ink).toBeGreaterThan(0.5);
		expect(map.colours).toBeGreaterThan(20);
		await expect(page.getByTestId(testid)).toBeAttached();
		expect(problems).toEqual([]);
	});
}
