// Signing in on a slow phone: what the user typed before the page's script ran is still there
// when the script takes over the page, and the form goes through.
import { test, expect, type Route } from '@playwright/test';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/users';
import { DEMO } from './helpers';

test('a username typed before the page script runs survives start-up, and the sign-in goes through', async ({
	page
}) => {
	// hold every script of the app until the form is filled, as a slow network would
	const held: Route[] = [];
	let holding = true;
	await page.route('**/_app/immutable/**/*.js', (route) => {
		if (holding) held.push(route);
		else void route.continue();
	});
	await page.goto('/login', { waitUntil: 'domcontentloaded' });
	const username = page.getByLabel('用户名', { exact: true });
	const password = page.getByLabel('密码', { exact: true });
	await username.fill(DEMO.province);
	await password.fill(DEMO_PASSWORD);
	expect(held.length).toBeGreaterThan(0);

	holding = false;
	for (const r of held.splice(0)) await r.continue();
	await page.waitForLoadState('networkidle');
	// the script has run: Svelte tidies the inputs' defaults in an idle callback after start-up
	await page.evaluate(
		() => new Promise((resolve) => requestIdleCallback(() => resolve(null), { timeout: 2000 }))
	);

	await expect(username).toHaveValue(DEMO.province);
	await expect(password).toHaveValue(DEMO_PASSWORD);
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page).toHaveURL(/\/login\/totp/);
});

test('a wrong password says so in Chinese and keeps the username', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('用户名', { exact: true }).fill(DEMO.planner);
	await page.getByLabel('密码', { exact: true }).fill('not-the-password');
	await page.getByRole('button', { name: '登录', exact: true }).click();
	await expect(page.getByTestId('login-error')).toContainText('用户名或密码');
	await expect(page.getByLabel('用户名', { exact: true })).toHaveValue(DEMO.planner);
	await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
});
