// 挂牌督办 in the browser: overdue hazards (written before the server started, overdue-fixture.ts)
// are escalated when the list is read and show their badge on /hazards, supervised first; the
// prefecture sees the one escalated to it; the hazard's and the campaign's pages show it too; the
// township worker's phone shows the same badges.
import { test, expect } from '@playwright/test';
import { DEMO, guard, PHONE, signIn } from './helpers';
import { LATE_COUNTY, LATE_PREFECTURE, ON_TIME, OVERDUE_CAMPAIGN } from './overdue-fixture';

test('an overdue hazard shows its supervision badge on /hazards, supervised first', async ({
	page,
	browser
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.prefecture);
	await page.goto('/hazards');
	await expect(page.getByRole('heading', { name: '隐患清单与挂牌督办' })).toBeVisible();

	// escalated to this prefecture: the ten-day-late hazard, not the two-day-late one
	const toMe = page.getByTestId('hazards-to-me');
	await expect(toMe.locator('tr', { hasText: LATE_PREFECTURE })).toHaveCount(1);
	await expect(toMe.locator('tr', { hasText: LATE_COUNTY })).toHaveCount(0);

	const list = page.getByTestId('hazard-list');
	const late10 = list.locator('tr', { hasText: LATE_PREFECTURE });
	const late2 = list.locator('tr', { hasText: LATE_COUNTY });
	const onTime = list.locator('tr', { hasText: ON_TIME });
	await expect(late10.getByTestId('supervision-badge')).toHaveText(/市级督办/);
	await expect(late10.getByTestId('supervision-badge')).toHaveAttribute('data-level', '2');
	await expect(late2.getByTestId('supervision-badge')).toHaveText(/县级督办/);
	await expect(onTime.getByTestId('supervision-badge')).toHaveCount(0);
	// supervised first: the levels down the list never rise
	const levels = (await list
		.getByTestId('hazard-row')
		.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-level'))))) as number[];
	expect(levels.length).toBeGreaterThanOrEqual(3);
	expect(levels).toEqual([...levels].sort((a, b) => b - a));

	// the hazard's own page, and its campaign's, show the same
	await late10.getByTestId('hazard-link').click();
	await expect(page).toHaveURL(/\/hazards\/\d+$/);
	await expect(page.getByTestId('supervision-badge')).toHaveText(/市级督办/);
	await expect(page.getByTestId('hazard-supervision').locator('li')).toHaveCount(2);
	await page
		.getByRole('link', { name: /隐患排查|汛期隐患排查行动/ })
		.first()
		.click();
	await expect(page.getByTestId('campaign-name')).toHaveText(OVERDUE_CAMPAIGN);
	await expect(
		page
			.getByTestId('campaign-hazards')
			.locator('tr', { hasText: LATE_PREFECTURE })
			.getByTestId('supervision-badge')
	).toHaveAttribute('data-level', '2');

	// English labels
	await page.goto('/hazards');
	await page.locator('form.lang button').click();
	await expect(page.getByRole('heading', { name: 'Hazards and supervision' })).toBeVisible();
	await expect(
		page.getByTestId('hazard-list').locator('tr', { hasText: LATE_PREFECTURE })
	).toContainText('Prefecture supervision');

	// the township worker, on a phone: the same badges, and no "escalated to you" section
	const ctx = await browser.newContext(PHONE);
	const phone = await ctx.newPage();
	const phoneProblems = guard(phone);
	await signIn(phone, DEMO.township);
	await phone.goto('/hazards');
	await expect(
		phone
			.getByTestId('hazard-list')
			.locator('tr', { hasText: LATE_COUNTY })
			.getByTestId('supervision-badge')
	).toHaveAttribute('data-level', '1');
	await expect(phone.getByTestId('escalated-to-me')).toHaveCount(0);
	await ctx.close();
	expect(problems).toEqual([]);
	expect(phoneProblems).toEqual([]);
});

/** A download's text, its BOM checked, as lines. */
async function csvLines(download: import('@playwright/test').Download): Promise<string[]> {
	const chunks: Buffer[] = [];
	for await (const c of await download.createReadStream()) chunks.push(c as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	expect(text.charCodeAt(0)).toBe(0xfeff);
	return text.slice(1).trim().split('\r\n');
}

test('/hazards exports each list as shown, with the supervised filter, in three formats', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.prefecture);
	await page.goto('/hazards');
	const shownIds = (testid: string) =>
		page
			.getByTestId(testid)
			.getByTestId('hazard-row')
			.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));
	const fileIds = (lines: string[]) => lines.slice(1).map((l) => Number(l.split(',')[0]));

	// the hazards escalated to this prefecture
	for (const f of ['CSV', 'Excel', 'GeoJSON'])
		await expect(page.getByTestId('escalated-to-me').getByText(f, { exact: true })).toBeVisible();
	const [toMe] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-escalated-csv').click()
	]);
	expect(toMe.suggestedFilename()).toMatch(
		/-督办到本市的隐患-\d{4}-\d{2}-\d{2}-\d{4}-prefecture\.admin\.csv$/
	);
	const toMeLines = await csvLines(toMe);
	expect(toMeLines[0].split(',').slice(0, 3)).toEqual(['编号', '挂牌督办', '排查对象']);
	expect(fileIds(toMeLines)).toEqual(await shownIds('hazards-to-me'));

	// the open list, all of it, then only the supervised ones: each file the rows shown
	const [all] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-hazards-csv').click()
	]);
	expect(fileIds(await csvLines(all))).toEqual(await shownIds('hazard-list'));
	await page.getByTestId('only-supervised').click();
	await expect(page).toHaveURL(/supervised=1/);
	await expect(page.getByTestId('export-hazards-xlsx')).toHaveAttribute(
		'href',
		'/api/exports/hazards?list=open&supervised=1&format=xlsx'
	);
	const [supervised] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-hazards-csv').click()
	]);
	expect(supervised.suggestedFilename()).toContain('-挂牌督办隐患-');
	const supervisedIds = fileIds(await csvLines(supervised));
	expect(supervisedIds.length).toBeGreaterThan(0);
	expect(supervisedIds).toEqual(await shownIds('hazard-list'));

	const [geo] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-hazards-geojson').click()
	]);
	expect(geo.suggestedFilename()).toMatch(/\.geojson$/);

	// English: the links' words from the catalogue
	await page.locator('form.lang button').click();
	await expect(page.getByTestId('export-hazards-xlsx')).toBeVisible();
	await expect(page.locator('.export-links').first()).toContainText('Export:');
	expect(problems).toEqual([]);
});
