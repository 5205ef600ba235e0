// A campaign's dashboard as the county sees it: every table's export links give a file (one
// format each), and its township table starts "most in need first", in the same order as the
// bulletin's.
import { test, expect, type Page } from '@playwright/test';
import { DEMO, guard, signIn } from './helpers';
import { OVERDUE_CAMPAIGN } from './overdue-fixture';

async function openDashboard(page: Page): Promise<string> {
	await page.goto('/campaigns');
	const href = await page
		.getByRole('link', { name: OVERDUE_CAMPAIGN })
		.first()
		.getAttribute('href');
	await page.goto(`${href}/dashboard`);
	await expect(page.getByTestId('cd-title')).toBeVisible();
	return href!;
}

test('campaign dashboard: every export link of both tables gives a file', async ({ page }) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await openDashboard(page);
	for (const table of ['cd-townships', 'cd-overdue']) {
		const caption = page.locator(`table[data-testid="${table}"] caption`);
		// one link per format, no second CSV button
		await expect(caption.getByRole('link')).toHaveCount(3);
		for (const f of ['xlsx', 'csv', 'geojson']) {
			const href = await page.getByTestId(`${table}-${f}`).getAttribute('href');
			const url = new URL(href!, page.url());
			expect(url.searchParams.getAll('format').length, href!).toBeLessThanOrEqual(1);
			const res = await page.request.get(url.toString());
			expect(res.status(), `${href}: ${await res.text().catch(() => '')}`).toBe(200);
			expect(res.headers()['content-disposition']).toContain(`.${f}`);
			if (f === 'geojson') {
				const fc = (await res.json()) as { type: string; features: unknown[] };
				expect(fc.type).toBe('FeatureCollection');
				expect(fc.features.length).toBeGreaterThan(0);
			}
		}
	}
	expect(problems).toEqual([]);
});

test('campaign dashboard and bulletin list townships most in need first, alike', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	const href = await openDashboard(page);
	const rows = page.locator('table[data-testid="cd-townships"] tbody tr');
	await expect(rows.first()).toBeVisible();
	// name, targets, visited, share, found, fixed, closed, open, overdue
	const cells = await rows.evaluateAll((trs) =>
		trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim()))
	);
	const shown = cells.map((c) => ({
		name: c[0],
		share: Number(c[2]) / Math.max(1, Number(c[1])),
		open: Number(c[7]),
		overdue: Number(c[8])
	}));
	expect(shown.some((r) => r.open > 0)).toBe(true);
	// each row needs attention at least as much as the next
	for (let i = 1; i < shown.length; i++) {
		const [a, b] = [shown[i - 1], shown[i]];
		const key = (r: typeof a) => [-r.overdue, -r.open, r.share];
		const [ka, kb] = [key(a), key(b)];
		const j = ka.findIndex((x, k) => x !== kb[k]);
		if (j >= 0) expect(ka[j], `${a.name} before ${b.name}`).toBeLessThan(kb[j]);
	}
	await page.goto(`${href}/bulletin`);
	const names = await page
		.locator('table[data-testid="bulletin-townships"] tbody tr')
		.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td, th')!.textContent!.trim()));
	expect(names).toEqual(shown.map((r) => r.name));
	expect(problems).toEqual([]);
});

test("on a campaign's first day each township's small chart says there is no trend yet", async ({
	page
}) => {
	test.setTimeout(120_000);
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/campaigns');
	await page.getByTestId('create-campaign').getByLabel('行动名称').fill(`首日看板 ${Date.now()}`);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	await page.goto(`${new URL(page.url()).pathname}/dashboard`);
	const boxes = page.getByTestId('visits-township');
	await expect(boxes.first()).toBeVisible();
	const n = await boxes.count();
	await expect(page.getByTestId('visits-nodata')).toHaveCount(n);
	await expect(page.getByTestId('visits-nodata').first()).toHaveText(
		'暂无数据：趋势从行动第二天起显示'
	);
	// the county's own units (county-level institutions, whose area is the county) are labelled so
	// and follow the townships, in the table, its file and the bulletin; the county's bare name
	// read as if it were a township (QA bug 6c: "洪湖市 2")
	const DIRECT = '县级（直属）单位 · 洪湖市';
	const names = (testid: string) =>
		page
			.locator(`table[data-testid="${testid}"] tbody tr`)
			.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td, th')!.textContent!.trim()));
	const onScreen = await names('cd-townships');
	expect(onScreen.length).toBeGreaterThan(1);
	expect(onScreen.at(-1)).toBe(DIRECT);
	expect(onScreen).not.toContain('洪湖市');
	await expect(boxes.last()).toContainText(DIRECT);
	const csv = await page.request.get(
		(await page.getByTestId('cd-townships-csv').getAttribute('href'))!
	);
	const lines = (await csv.text()).trim().split(/\r?\n/);
	expect(lines.at(-1)!.startsWith(DIRECT)).toBe(true);
	await page.goto(`${new URL(page.url()).pathname.replace(/dashboard$/, 'bulletin')}`);
	expect(await names('bulletin-townships')).toEqual(onScreen);
	expect(problems).toEqual([]);
});
