// The province's bar charts (QA walk 3, bug 3): every name and value lies inside the drawing, on
// a desktop and on a phone, on the dashboard and in the annual report. Fixed margins cut
// "39% (1,533/3,895)" and 恩施土家族苗族自治州. Measured with the browser's own font (getBBox).
import { test, expect, type Page } from '@playwright/test';
import { DEMO, guard, PHONE, signIn } from './helpers';

test.describe.configure({ timeout: 120_000 });

/** The texts of each chart on the page that reach outside its viewBox (empty when all fit). */
async function outside(page: Page, testid: string) {
	const chart = page.getByTestId(testid).first();
	await expect(chart).toBeVisible();
	return chart.evaluate((svg) => {
		const vb = (svg as SVGSVGElement).viewBox.baseVal;
		const texts = [...svg.querySelectorAll('text')] as SVGTextElement[];
		return {
			count: texts.length,
			out: texts
				.map((t) => ({ t: t.textContent ?? '', b: t.getBBox() }))
				.filter(
					({ b }) =>
						b.x < vb.x - 0.5 ||
						b.y < vb.y - 0.5 ||
						b.x + b.width > vb.x + vb.width + 0.5 ||
						b.y + b.height > vb.y + vb.height + 0.5
				)
				.map(({ t, b }) => `${t} [${Math.round(b.x)}..${Math.round(b.x + b.width)}]`)
		};
	});
}

async function check(page: Page) {
	const problems = guard(page);
	await signIn(page, DEMO.province);
	for (const [url, ids] of [
		['/dashboard', ['completion-bars']],
		['/reports/annual', ['completion-bars']]
	] as const) {
		await page.goto(url);
		for (const id of ids) {
			const r = await outside(page, id);
			// the e2e seed has fewer areas than the demo: a name and a value at least
			expect(r.count, `${url} ${id}`).toBeGreaterThanOrEqual(2);
			expect(r.out, `${url} ${id}`).toEqual([]);
		}
	}
	expect(problems).toEqual([]);
}

test('the province charts keep their labels inside on a desktop', async ({ page }) => {
	await page.setViewportSize({ width: 1366, height: 900 });
	await check(page);
});

test.describe('on a phone', () => {
	test.use(PHONE);
	test('the province charts keep their labels inside at 390 px', async ({ page }) => {
		await check(page);
	});
});

// QA walk 3, bug 6: the province's 配齐率 read 40% on the dashboard and 39.6% in the annual report
test('the dashboard and the annual report write the same rate the same way', async ({ page }) => {
	await signIn(page, DEMO.province);
	await page.goto('/dashboard');
	const dash = (await page.getByTestId('dash-rate').innerText()).trim();
	expect(dash).toMatch(/^\d{1,3}\.\d%$/);
	await page.goto('/reports/annual');
	await expect(page.getByTestId('a-items-share')).toHaveText(dash);
	// and each bar's value is written as its table's rate (one decimal)
	const vals = await page.getByTestId('completion-bars').locator('text.val').allTextContents();
	for (const v of vals) expect(v).toMatch(/^\d{1,3}\.\d% \(/);
});

// QA walk 3, bug 12: English is drawn by a Latin face (a Chinese one drew "campaign’ s")
test('English pages use a Latin face first', async ({ page }) => {
	await signIn(page, DEMO.province);
	await page.context().addCookies([{ name: 'lang', value: 'en', url: new URL(page.url()).origin }]);
	await page.goto('/dashboard');
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
	expect(font.split(',')[0]).not.toMatch(/PingFang|YaHei|CJK/);
});
