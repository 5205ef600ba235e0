// Checklists by target type: a county administrator edits a campaign's institution checklist
// mid-campaign (adds an item, is refused a duplicate), the target page then asks the new item,
// and a check made on it is filed under the new version while the editor's page keeps count.
import { test, expect } from '@playwright/test';
import { DEMO, flat, guard, PHONE, printPdf, signIn, hydrated } from './helpers';

test.use(PHONE);

test('checklists: a county administrator adds an item and the target page asks it', async ({
	page
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);
	await signIn(page, DEMO.county);

	// a campaign of the county's own
	await page.goto('/campaigns');
	await hydrated(page);
	const name = `清单排查 ${Date.now()}`;
	await page.getByTestId('create-campaign').getByLabel('行动名称').fill(name);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	const campaignUrl = new URL(page.url()).pathname;

	// the editor, from the campaign page: the default set, not edited
	await page.getByTestId('to-checklists').click();
	await expect(page).toHaveURL(`${campaignUrl}/checklists`);
	const section = page.getByTestId('checklist-institution');
	await expect(section.getByTestId('checklist-version')).toHaveText('默认清单（未修改）');
	await expect(section.locator('ol > li')).toHaveCount(7);

	// a duplicate of a default item is refused, with the reason, and nothing changes
	await section.getByTestId('add-label-institution').fill('围墙');
	await section.getByTestId('add-institution').click();
	await expect(page.getByTestId('checklist-error')).toHaveText('清单中已有同名项目');
	await expect(section.getByTestId('checklist-version')).toHaveText('默认清单（未修改）');

	// the new item, in Chinese
	await section.getByTestId('add-label-institution').fill('防汛沙袋储备');
	await section.getByTestId('add-institution').click();
	await expect(page.getByTestId('checklist-saved')).toHaveText('已保存为第 1 版');
	await expect(section.getByTestId('checklist-version')).toHaveText('第 1 版');
	await expect(section.getByTestId('ckl-item-added_a').getByRole('textbox')).toHaveValue(
		'防汛沙袋储备'
	);
	await expect(section.locator('ol > li')).toHaveCount(8);

	// on paper every item reads by its words (the fields they are edited in do not print)
	const printed = flat((await printPdf(page, 'checklists')).text);
	for (const words of ['校舍建筑', '围墙', '防汛沙袋储备', '食品安全', '警示牌'])
		expect(printed).toContain(words);

	// an institution's target page asks the current version's items, the new one among them
	await page.goto(campaignUrl);
	const row = page.getByTestId('target-row').filter({ hasText: '儿童相关机构' }).first();
	await row.locator('a').first().click();
	await expect(page).toHaveURL(/\/campaigns\/targets\/\d+$/);
	const form = page.getByTestId('checklist');
	await expect(form.locator('fieldset')).toHaveCount(8);
	await expect(page.getByTestId('item-added_a').locator('legend')).toHaveText('防汛沙袋储备');

	// a check made on it is stored under version 1
	for (const item of ['buildings', 'wall', 'hillside', 'water', 'fire', 'bus', 'hygiene'])
		await page.getByTestId(`item-${item}`).getByText('正常', { exact: true }).click();
	await page.getByTestId('item-added_a').getByText('不适用', { exact: true }).click();
	await page.getByTestId('check-submit').click();
	await expect(page.getByTestId('check-saved')).toBeVisible({ timeout: 30_000 });
	await page.reload();
	await expect(page.getByTestId('check-version').first()).toHaveText('按第 1 版清单');
	// the refused duplicate is the one 400 the browser reports; nothing else went wrong
	expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
	expect(problems.filter((p) => p.includes('status of 400'))).toHaveLength(1);
});
