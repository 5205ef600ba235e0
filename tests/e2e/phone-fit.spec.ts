// On a phone (390 px) the hazard list and a campaign's dashboard fit the screen: no page-wide
// sideways scroll, and no element of the page (a table, its caption, an export button, a card)
// reaching past the right edge. The hazard list and the dashboard's tables become cards.
import { test, expect, type Page } from '@playwright/test';
import { DEMO, guard, PHONE, signIn } from './helpers';
import { OVERDUE_CAMPAIGN } from './overdue-fixture';

test.use(PHONE);

/** What reaches past the viewport: the page's own scroll widths, and every element's right edge. */
async function overflow(page: Page) {
	return page.evaluate(() => {
		const vw = document.documentElement.clientWidth;
		const main = document.getElementById('main')!;
		const past = [...main.querySelectorAll<HTMLElement>('*')]
			.filter((el) => {
				const r = el.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && r.right > vw + 1;
			})
			// a map canvas or chart is drawn to the measured width; name what sticks out
			.map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.textContent?.slice(0, 30)}`);
		return {
			vw,
			doc: document.documentElement.scrollWidth,
			main: main.scrollWidth,
			past: past.slice(0, 10)
		};
	});
}

test('on a phone the hazard list and a campaign dashboard fit 390 px', async ({ page }) => {
	const problems = guard(page);
	await signIn(page, DEMO.township);
	await page.goto('/hazards');
	const list = page.getByTestId('hazard-list');
	const rows = list.getByTestId('hazard-row');
	await expect(rows.first()).toBeVisible();
	const o = await overflow(page);
	expect(o.vw).toBe(390);
	expect(o.doc).toBeLessThanOrEqual(o.vw);
	expect(o.main).toBeLessThanOrEqual(o.vw);
	expect(o.past).toEqual([]);
	// a card a hazard: each row within the screen, its view link on it, no one-character lines
	const first = await rows.first().boundingBox();
	expect(first!.x).toBeGreaterThanOrEqual(0);
	expect(first!.x + first!.width).toBeLessThanOrEqual(390);
	const link = await rows.first().getByTestId('hazard-link').boundingBox();
	expect(link!.x + link!.width).toBeLessThanOrEqual(390);
	const target = await rows.first().locator('td').nth(1).boundingBox();
	expect(target!.width).toBeGreaterThan(200);
	// each figure says what it is (the column heads are hidden on the card)
	const labels = await rows
		.first()
		.locator('td[data-label]')
		.evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
	expect(labels).toContain('"整改责任人："');

	// the campaign's dashboard: its tables, captions and export buttons
	const href = await list
		.locator('tr', { hasText: OVERDUE_CAMPAIGN })
		.first()
		.getByRole('link', { name: OVERDUE_CAMPAIGN })
		.getAttribute('href');
	await page.goto(`${href}/dashboard`);
	await expect(page.getByTestId('cd-title')).toBeVisible();
	await expect(
		page.locator('table[data-testid="cd-overdue"]').locator('tbody tr').first()
	).toBeVisible();
	const d = await overflow(page);
	expect(d.doc).toBeLessThanOrEqual(d.vw);
	expect(d.main).toBeLessThanOrEqual(d.vw);
	expect(d.past).toEqual([]);
	for (const id of ['cd-townships', 'cd-overdue', 'cd-townships-xlsx', 'cd-overdue-xlsx']) {
		const box = await page
			.locator(`table[data-testid="${id}"], a[data-testid="${id}"]`)
			.boundingBox();
		expect(box!.x + box!.width, id).toBeLessThanOrEqual(390);
	}
	// sorting still works on the phone: the heading buttons sit above the cards
	await page
		.getByTestId('cd-overdue')
		.getByRole('button', { name: /逾期天数/ })
		.click();
	await expect(
		page
			.locator('table[data-testid="cd-overdue"]')
			.locator('th[aria-sort="ascending"], th[aria-sort="descending"]')
	).toHaveCount(1);
	expect(problems).toEqual([]);
});

test('in English on a phone the campaign pages and the dashboard fit 390 px; tables scroll in their own box', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.township);
	await page.goto('/campaigns');
	const href = await page
		.getByRole('link', { name: OVERDUE_CAMPAIGN })
		.first()
		.getAttribute('href');
	// the dashboard's print button and its report link stand apart, in either language
	for (const lang of ['zh-CN', 'en']) {
		await page
			.context()
			.addCookies([{ name: 'lang', value: lang, url: new URL(page.url()).origin }]);
		await page.goto('/dashboard');
		await expect(page.locator('html')).toHaveAttribute('lang', lang);
		const print = (await page.getByTestId('dash-print').boundingBox())!;
		const annual = (await page.getByTestId('dash-annual').boundingBox())!;
		const apart =
			annual.y >= print.y + print.height // wrapped below
				? annual.y - (print.y + print.height)
				: annual.x - (print.x + print.width);
		expect(apart, lang).toBeGreaterThanOrEqual(8);
	}
	// English words are longer: the bulletin's summary table (in no section) ran off the screen
	for (const path of [href, `${href}/bulletin`, `${href}/dashboard`, '/campaigns/mine']) {
		await page.goto(path!);
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await page.waitForLoadState('networkidle');
		const o = await page.evaluate(() => ({
			vw: window.innerWidth,
			doc: document.documentElement.scrollWidth,
			// every table's own box (the table may be wider: it scrolls inside that box)
			// a box of the page's own, not the layout's main: the fixture's small figures let a
			// table fit that would not with a county's thousands of targets
			boxes: [...document.querySelectorAll('#main table')].map((t) => {
				let box: HTMLElement = t as HTMLElement;
				while (box.parentElement && getComputedStyle(box).overflowX !== 'auto')
					box = box.parentElement;
				const r = box.getBoundingClientRect();
				return {
					table: t.getAttribute('data-testid'),
					right: r.right,
					scrolls:
						box !== t &&
						box !== document.getElementById('main') &&
						document.getElementById('main')!.contains(box) &&
						getComputedStyle(box).overflowX === 'auto'
				};
			})
		}));
		expect(o.vw, path!).toBe(390);
		expect(o.doc, path!).toBeLessThanOrEqual(o.vw);
		for (const b of o.boxes) {
			expect(b.scrolls, `${path} ${b.table}`).toBe(true);
			expect(b.right, `${path} ${b.table}`).toBeLessThanOrEqual(o.vw);
		}
		if (path!.endsWith('/bulletin'))
			expect(o.boxes.map((b) => b.table)).toContain('bulletin-summary');
	}
	expect(problems).toEqual([]);
});
