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
