// A planner sites ten new children's homes in the county: runs k = 10 at 1 km, sees the sites
// in order and on the map, drags one and sees the coverage change at once, saves the scenario,
// saves another, compares the two side by side and exports the sites. Other count-only roles
// are not offered the page.
import { test, expect } from '@playwright/test';
import { DEMO, guard, signIn } from './helpers';

test('a planner runs k = 10, drags a site, saves, compares two scenarios and exports', async ({
	page
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);
	await signIn(page, DEMO.planner);
	await page.getByTestId('user-menu').click();
	await expect(page.getByTestId('nav-planning')).toHaveAttribute('href', '/planning');
	// straight there, not behind the map page's tiles on a busy machine
	const t0 = Date.now();
	await page.goto('/planning', { timeout: 90_000 });
	await expect(page.getByRole('heading', { level: 1 })).toContainText('儿童之家选址规划');
	console.log(`[planning e2e] page loaded in ${Date.now() - t0} ms`);
	// coverage now at each reach, as released sums
	await expect(page.getByTestId('plan-now-1000')).toHaveText(/\d+ \/ \d+/);
	// coverage by township and category, the villages no site reaches, the director flags
	await expect(page.getByTestId('plan-by-area').locator('tbody tr').first()).toContainText('%');
	await expect(page.getByTestId('plan-uncovered').locator('tbody tr').first()).toBeVisible();
	await expect(page.getByTestId('plan-flags')).toContainText('需增设儿童主任');

	await page.getByTestId('plan-k').fill('10');
	await page.getByTestId('plan-radius').fill('1000');
	await page.getByTestId('plan-run').click();
	await expect(page.getByTestId('plan-site')).toHaveCount(10, { timeout: 60_000 });
	await expect(page.getByTestId('plan-total')).toContainText('建成后覆盖');
	await expect(page.getByTestId('plan-marker')).toHaveCount(10);
	await expect(page.getByTestId('plan-curve').locator('circle')).toHaveCount(11);
	// every gain is a whole number, the first the largest
	const gains = (await page.getByTestId('plan-site').locator('td.num').allInnerTexts()).map((s) =>
		Number(s.replace(/[^\d]/g, ''))
	);
	expect(gains[0]).toBeGreaterThan(0);
	expect(gains[0]).toBeGreaterThanOrEqual(gains[9]);

	// the what-if: drag the first site far away, the figure changes in the browser
	const whatIf = page.getByTestId('plan-whatif');
	const firstRow = page.getByTestId('plan-site').first();
	const firstName = await firstRow.locator('td').nth(1).innerText();
	expect(firstName).not.toBe('规划点（已移动）');
	await expect(whatIf).toContainText('相差 0');
	const marker = page.getByTestId('plan-marker').first();
	await page.getByTestId('plan-map').scrollIntoViewIfNeeded();
	const box = (await marker.boundingBox())!;
	const map = (await page.getByTestId('plan-map').boundingBox())!;
	// towards the far corner of the map, staying inside it (a drag is followed on the map only)
	const to = {
		x: box.x < map.x + map.width / 2 ? map.x + map.width - 30 : map.x + 30,
		y: box.y < map.y + map.height / 2 ? map.y + map.height - 30 : map.y + 30
	};
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(to.x, to.y, { steps: 12 });
	await page.mouse.up();
	await expect(whatIf).not.toContainText('相差 0');
	// the table follows: the moved site is no longer the village centre it left, and its gain
	// is what it adds where it is now (the table's gains add up to the what-if's total change)
	await expect(firstRow.locator('td').nth(1)).toHaveText('规划点（已移动）');
	const movedGains = (await page.getByTestId('plan-site').locator('td.num').allInnerTexts()).map(
		(s) => Number(s.replace(/[^\d]/g, ''))
	);
	const delta = Number(/相差 (-?[\d,]+)/.exec(await whatIf.innerText())![1].replace(/,/g, ''));
	expect(movedGains.reduce((a, b) => a + b, 0) - gains.reduce((a, b) => a + b, 0)).toBe(delta);

	// save it, then a second scenario
	await page.getByTestId('plan-name').fill('十处新站·拖动后');
	await page.getByTestId('plan-save').click();
	await expect(
		page.getByTestId('plan-scenario').filter({ hasText: '十处新站·拖动后' })
	).toHaveCount(1);
	await page.getByTestId('plan-k').fill('5');
	await page.getByTestId('plan-radius').fill('500');
	await page.getByTestId('plan-run').click();
	await expect(page.getByTestId('plan-site')).toHaveCount(5, { timeout: 60_000 });
	await page.getByTestId('plan-name').fill('五处·500米');
	await page.getByTestId('plan-save').click();
	await expect(page.getByTestId('plan-scenario').filter({ hasText: '五处·500米' })).toHaveCount(1);

	// compare the two
	for (const name of ['十处新站·拖动后', '五处·500米'])
		await page
			.getByTestId('plan-scenario')
			.filter({ hasText: name })
			.getByTestId('plan-pick')
			.check();
	await page.getByTestId('plan-compare-go').click();
	const compare = page.getByTestId('plan-compare');
	await expect(compare).toContainText('十处新站·拖动后');
	await expect(compare).toContainText('五处·500米');
	await expect(compare.locator('tbody tr')).toHaveCount(6);

	// export the first as CSV and GeoJSON
	const row = page.getByTestId('plan-scenario').filter({ hasText: '十处新站·拖动后' });
	const href = await row.getByRole('link', { name: 'CSV' }).getAttribute('href');
	const csv = await page.request.get(href!);
	expect(csv.status()).toBe(200);
	const text = await csv.text();
	expect(text).toContain('序号');
	expect(text.trim().split('\n')).toHaveLength(11);
	// the saved scenario agrees with the table: the dragged site by its new name, no code
	expect(text.trim().split('\n')[1].split(',').slice(1, 4)).toEqual([
		'规划点（已移动）',
		'拖动后的规划点',
		''
	]);
	const geo = await page.request.get(href!.replace('format=csv', 'format=geojson'));
	expect((await geo.json()).features).toHaveLength(10);
	const xlsx = await page.request.get(href!.replace('format=csv', 'format=xlsx'));
	expect(xlsx.status()).toBe(200);
	expect(problems).toEqual([]);
});

test('a river chief is not offered siting and is refused it', async ({ page }) => {
	await signIn(page, DEMO.riverChief);
	await page.getByTestId('user-menu').click();
	await expect(page.getByTestId('nav-planning')).toHaveCount(0);
	const r = await page.request.get('/planning');
	expect(r.status()).toBe(403);
});
