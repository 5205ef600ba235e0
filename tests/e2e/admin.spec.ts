// Administrator journeys: accounts, roles and jurisdictions, the audit log and emergency
// declarations, as the county administrator of the fixture (洪湖市). The server's database is
// shared by every test of a run, so each test makes its own uniquely named data.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { openTestDatabase, FIXTURE_AREA, type TestDatabase } from '../support/template';
import { guard, PHONE, signIn, submitLogin } from './helpers';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/users';

const county = FIXTURE_AREA.padEnd(12, '0');
const DATE_TIME = /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/;

async function newPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext();
	return context.newPage();
}

function unique(prefix: string): string {
	return `${prefix}.${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}

let db: TestDatabase;
let township: { code: string; name: string };
test.beforeAll(async () => {
	// an independent copy of the same prepared data the server runs on (same ids and codes)
	db = await openTestDatabase('pglite');
	const r = await sql<{ code: string; name: string }>`
		SELECT code, name FROM admin_units
		WHERE level = 'township' AND code LIKE ${FIXTURE_AREA + '%'}
		ORDER BY code LIMIT 1`.execute(db.db);
	township = r.rows[0];
	expect(township).toBeTruthy();
});
test.afterAll(async () => {
	await db?.close();
});

test('a county administrator creates a township account, which signs in and is then deactivated', async ({
	page,
	browser
}) => {
	const problems = guard(page);
	const username = unique('staff');
	const password = 'Hubei-Safe-2026!';
	await signIn(page, 'county.admin');

	await page.goto('/admin/users');
	await expect(page.getByRole('heading', { name: '用户管理', exact: true })).toBeVisible();
	const rows = page.getByTestId('user-row');
	await expect(rows.filter({ hasText: 'county.admin' })).toContainText('县级管理员');
	// nobody above the county appears in a county administrator's list
	await expect(page.locator('[data-username="province.admin"]')).toHaveCount(0);
	// roles above the county administrator's rank are not offered
	const roleOptions = await page.locator('#new-role option').allTextContents();
	expect(roleOptions).toContain('乡镇工作人员');
	expect(roleOptions).not.toContain('省级管理员');
	expect(roleOptions).not.toContain('市级管理员');

	// a weak password: nothing is created and the error says why, in Chinese, by the field
	await page.locator('#new-username').fill(username);
	await page.locator('#new-displayName').fill('测试乡镇工作人员');
	await page.locator('#new-role').selectOption('township_staff');
	await page.locator('#new-jurisdiction').fill(township.code);
	await page.locator('#new-password').fill('short');
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.locator('#new-password-error')).toHaveText('密码至少 10 个字符');
	await expect(page.getByTestId('notice-error')).toContainText('未保存');
	await expect(page.locator(`[data-username="${username}"]`)).toHaveCount(0);
	// the other fields kept what was typed
	await expect(page.locator('#new-username')).toHaveValue(username);

	await page.locator('#new-password').fill(password);
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByTestId('notice-ok')).toContainText(username);
	const row = page.locator(`[data-username="${username}"]`);
	await expect(row).toContainText('乡镇工作人员');
	await expect(row).toContainText(township.name);
	await expect(row).toContainText(township.code);
	await expect(row).toContainText('启用');

	// the new user signs in (no second factor for field staff) and sees their role
	const staff = await newPage(browser);
	const staffProblems = guard(staff);
	await signIn(staff, username, password);
	await expect(staff.getByTestId('user-role')).toHaveText('乡镇工作人员');
	// wait on a quiet page: the map would keep fetching tiles when the session ends under it
	await staff.goto('/account');
	await expect(staff.getByTestId('account-role')).toHaveText('乡镇工作人员');
	await expect(staff.getByRole('link', { name: '设置两步验证' })).toBeVisible();
	expect(staffProblems).toEqual([]);

	// the administrator deactivates the account
	await row.getByRole('link', { name: username }).click();
	await expect(page.getByRole('heading', { name: `编辑账号：${username}` })).toBeVisible();
	await expect(page.getByTestId('user-status')).toHaveAttribute('data-active', 'true');
	// asked first: dismissing changes nothing, accepting deactivates
	page.once('dialog', (d) => void d.dismiss());
	await page.getByRole('button', { name: '停用账号' }).click();
	await page.waitForTimeout(300);
	await expect(page.getByTestId('user-status')).toHaveAttribute('data-active', 'true');
	page.once('dialog', (d) => {
		expect(d.message()).toContain('所有设备');
		void d.accept();
	});
	await page.getByRole('button', { name: '停用账号' }).click();
	await expect(page.getByTestId('notice-ok')).toContainText('账号已停用');
	await expect(page.getByTestId('user-status')).toHaveAttribute('data-active', 'false');

	// their open session ends at once, and signing in again is refused
	await staff.reload();
	await expect(staff).toHaveURL(/\/login$/);
	expect(staffProblems).toEqual([]);
	await submitLogin(staff, username, password);
	// told like any failed sign-in: the answer must not say that the account exists
	await expect(staff.getByTestId('login-error')).toContainText('用户名或密码不正确');
	await page.goto('/admin/users');
	await expect(page.locator(`[data-username="${username}"]`)).toContainText('已停用');

	expect(problems).toEqual([]);
	// the refused sign-in is itself a 400 page, which the browser reports; nothing else may fail
	expect(staffProblems.filter((p) => !p.includes('status of 400'))).toEqual([]);
	await staff.context().close();
});

test('the audit log lists account creations and sign-ins, read-only, with Chinese times', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, 'county.admin');
	await page.goto('/admin/audit');
	await expect(page.getByRole('heading', { name: '审计日志', exact: true })).toBeVisible();

	await page.locator('#f-action').selectOption('user_created');
	await page.getByRole('button', { name: '查询', exact: true }).click();
	await expect(page).toHaveURL(/action=user_created/);
	const created = page.getByTestId('audit-row');
	await expect(created.first()).toBeVisible();
	expect(await created.count()).toBeGreaterThan(0);
	for (const a of await created.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-action'))))
		expect(a).toBe('user_created');
	await expect(created.first()).toContainText('创建账号');
	await expect(created.first().locator('time')).toHaveText(DATE_TIME);

	await page.goto('/admin/audit?action=login&username=county.admin');
	const logins = page.getByTestId('audit-row');
	await expect(logins.first()).toContainText('登录成功');
	await expect(logins.first()).toContainText('county.admin');
	// the entry's detail in words, not JSON
	await expect(logins.first()).toContainText('第二步验证：身份验证器动态码');
	await expect(logins.first()).not.toContainText('{"');

	// an append-only log: no control on it can change anything
	await expect(page.getByTestId('audit-table').locator('button, input, form, select')).toHaveCount(
		0
	);
	expect(problems).toEqual([]);
});

test('a county administrator cannot open or change an administrator above them (404)', async ({
	page,
	baseURL
}) => {
	await signIn(page, 'county.admin');
	const r = await sql<{ id: number }>`
		SELECT id FROM users WHERE username = 'province.admin'`.execute(db.db);
	const id = r.rows[0].id;
	const res = await page.goto(`/admin/users/${id}`);
	expect(res?.status()).toBe(404);

	// nor by posting the form directly
	const post = await page.request.post(`/admin/users/${id}?/active`, {
		form: { active: '0' },
		headers: { origin: baseURL! },
		maxRedirects: 0
	});
	expect(post.status()).toBe(404);
	// an id that does not exist looks the same
	expect((await page.goto('/admin/users/99999999'))?.status()).toBe(404);
});

test('declaring an emergency lists it as active; a bad window is refused in Chinese', async ({
	page
}) => {
	const problems = guard(page);
	const reason = `强降雨，沿湖转移演练 ${unique('e2e')}`;
	await signIn(page, 'county.admin');
	await page.goto('/admin/emergencies');
	await expect(page.getByRole('heading', { name: '应急状态', exact: true })).toBeVisible();
	await expect(page.locator('#em-area')).toHaveValue(county);

	// the end before the start: nothing is declared
	const start = await page.locator('#em-start').inputValue();
	await page.locator('#em-end').fill(start);
	await page.locator('#em-reason').fill(reason);
	await page.getByRole('button', { name: '宣布', exact: true }).click();
	await expect(page.locator('#em-end-error')).toHaveText('结束时间须晚于开始时间');
	await expect(page.getByTestId('emergency-row').filter({ hasText: reason })).toHaveCount(0);

	// a 2-hour window from now, in Beijing time
	const end = new Date(Date.now() + 2 * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16);
	await page.locator('#em-end').fill(end);
	await page.getByRole('button', { name: '宣布', exact: true }).click();
	await expect(page.getByTestId('notice-ok')).toHaveText('已宣布应急状态。');
	const row = page.getByTestId('emergency-row').filter({ hasText: reason });
	await expect(row).toHaveAttribute('data-status', 'active');
	await expect(row).toContainText('生效中');
	await expect(row).toContainText('洪湖市');
	await expect(row).toContainText('县民政局管理员');

	// and it is in the audit log
	await page.goto('/admin/audit?action=emergency_declared');
	await expect(page.getByTestId('audit-row').filter({ hasText: reason })).toHaveCount(1);

	// a mistaken one is ended at once, after a question
	await page.goto('/admin/emergencies');
	page.once('dialog', (d) => void d.accept());
	await row.getByTestId('emergency-end').click();
	await expect(page.getByTestId('notice-ok')).toContainText('应急状态已结束');
	await expect(row).toHaveAttribute('data-status', 'ended');
	await expect(row.getByTestId('emergency-end')).toHaveCount(0);
	expect(problems).toEqual([]);
});

test('my account shows who I am, refuses a mismatched new password, and offers two-step set-up', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, 'planner');
	await page.goto('/account');
	await expect(page.getByTestId('account-role')).toHaveText('规划人员');
	await expect(page.getByRole('link', { name: '设置两步验证' })).toHaveAttribute(
		'href',
		'/account/totp'
	);
	await page.locator('#pw-current').fill(DEMO_PASSWORD);
	await page.locator('#pw-next').fill('Another-Pass-2026');
	await page.locator('#pw-repeat').fill('Another-Pass-2027');
	await page.getByRole('button', { name: '修改密码' }).click();
	await expect(page.locator('#pw-repeat-error')).toHaveText('两次输入的新密码不一致');
	await page.locator('#pw-current').fill('wrong-password');
	await page.locator('#pw-next').fill('Another-Pass-2026');
	await page.locator('#pw-repeat').fill('Another-Pass-2026');
	await page.getByRole('button', { name: '修改密码' }).click();
	await expect(page.locator('#pw-current-error')).toHaveText('当前密码不正确');

	// set-up offers a QR code to scan; after a refused code the key, its URI and its QR code are
	// still the same secret that the form confirms
	await page.getByRole('link', { name: '设置两步验证' }).click();
	const qr = page.getByTestId('totp-qr');
	await expect(qr).toBeVisible();
	expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
	const key = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
	const src = await qr.getAttribute('src');
	expect(problems).toEqual([]);
	await page.locator('input[name="code"]').fill('000000');
	await page.getByRole('button', { name: '启用' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	// the refused code's page is a 400 by design, which Chromium reports in the console
	expect(problems.splice(0)).toEqual([
		'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)'
	]);
	expect((await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')).toBe(key);
	await expect(page.locator('.uri code')).toContainText(`secret=${key}&`);
	await expect(qr).toHaveAttribute('src', src!);
	await page.getByRole('link', { name: '返回我的账户' }).click();
	await expect(page).toHaveURL(/\/account$/);

	// signing out on all devices ends this session too
	await page.getByTestId('sign-out-everywhere').click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/account');
	await expect(page).toHaveURL(/\/login$/);
	expect(problems).toEqual([]);
});

test('the rule is recomputed from the settings page, saying what it found and while it runs', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, 'county.admin');
	await page.goto('/admin/settings');
	// the distance is the province's to change; a county may recompute its own segments
	await expect(page.locator('input[name="radius"]')).toBeDisabled();
	await page.getByRole('button', { name: '重新计算', exact: false }).click();
	const done = page.getByTestId('settings-done');
	await expect(done).toContainText(/段需配备（此前 [\d,]+ 段）/);
	await expect(page.getByTestId('settings-busy')).toHaveCount(0);
	expect(problems).toEqual([]);
});

test('on a phone, accounts, emergencies and the audit log are cards: each value named, nothing scrolls sideways', async ({
	browser
}) => {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	await signIn(page, 'county.admin');
	for (const [path, table, row, label] of [
		['/admin/users', 'users-table', 'user-row', '角色'],
		['/admin/emergencies', 'emergency-table', 'emergency-row', '原因'],
		['/admin/audit', 'audit-table', 'audit-row', '操作']
	] as const) {
		await page.goto(path);
		await expect(page.getByTestId(row).first()).toBeVisible();
		const fits = await page.getByTestId(table).evaluate((t) => {
			const frame = t.parentElement!;
			return {
				page: document.documentElement.scrollWidth,
				frame: frame.scrollWidth - frame.clientWidth
			};
		});
		expect(fits.page).toBeLessThanOrEqual(390);
		expect(fits.frame).toBe(0);
		// the column heading is gone from view, so each value says what it is
		const cell = page.getByTestId(row).first().locator(`td[data-label="${label}"]`);
		await expect(cell).toBeVisible();
		const named = await cell.evaluate((td) => getComputedStyle(td, '::before').content);
		expect(named).toBe(`"${label}"`);
	}
	await context.close();
});
