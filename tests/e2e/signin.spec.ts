// Signing in on a slow phone: what the user typed before the page's script ran is still there
// when the script takes over the page, and the form goes through. Then the sign-in attacks:
// a password alone replacing the second factor, a code used twice, answers that tell accounts
// apart, large bodies, an open redirect through the language switch, cross-site sign-out.
import { test, expect, request, type Route } from '@playwright/test';
import { DEMO_PASSWORD } from '../../src/lib/server/seed/users';
import { newTotpSecret, totpCode } from '../../src/lib/server/auth/totp';
import { DEMO, freshTotp, hydrated, signIn } from './helpers';

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

// ---- the sign-in attacks of issue 10, played over HTTP against the built app ----

async function client(baseURL: string, headers: Record<string, string> = { origin: baseURL }) {
	return request.newContext({
		baseURL,
		extraHTTPHeaders: { accept: 'text/html', ...headers },
		maxRedirects: 0
	});
}

test('a password alone cannot replace an administrator’s second factor, nor use a code twice', async ({
	baseURL
}) => {
	const ctx = await client(baseURL!);
	const pw = await ctx.post('/login', {
		form: { username: DEMO.county, password: DEMO_PASSWORD }
	});
	expect(pw.status()).toBe(303);
	expect(pw.headers()['location']).toBe('/login/totp');
	// the attack: the password step's session posts a secret of its own
	const mine = newTotpSecret();
	const attack = await ctx.post('/account/totp', { form: { secret: mine, code: totpCode(mine) } });
	expect(attack.status()).toBe(403);
	expect(await attack.text()).toContain('两步验证');
	// the session is still waiting for the owner's code, and the owner's authenticator works
	const home = await ctx.get('/');
	expect(home.status()).toBe(303);
	expect(home.headers()['location']).toBe('/login/totp');
	const code = await freshTotp(DEMO.county);
	const ok = await ctx.post('/login/totp', { form: { code } });
	expect(ok.status()).toBe(303);
	expect(ok.headers()['location']).toBe('/');
	// once through, wrong codes posted again count for nothing (and lock nothing)
	const after = await ctx.post('/login/totp', { form: { code: '000000' } });
	expect(after.status()).toBe(303);
	expect(after.headers()['location']).toBe('/');

	// the same code again, in a second sign-in within its 30 seconds: refused
	const again = await client(baseURL!);
	expect(
		(
			await again.post('/login', { form: { username: DEMO.county, password: DEMO_PASSWORD } })
		).status()
	).toBe(303);
	const replay = await again.post('/login/totp', { form: { code } });
	expect(replay.status()).toBe(400);
	expect(await replay.text()).toContain('已用过');
	await ctx.dispose();
	await again.dispose();
});

test('every failed sign-in gets one answer: unknown, wrong or locked alike', async ({
	baseURL
}) => {
	const ctx = await client(baseURL!);
	const attempt = async (username: string, password: string) => {
		const t0 = performance.now();
		const r = await ctx.post('/login', { form: { username, password } });
		const ms = performance.now() - t0;
		const text = await r.text();
		return {
			status: r.status(),
			error: /data-testid="login-error"[^>]*>([^<]*)</.exec(text)?.[1]?.trim(),
			ms
		};
	};
	const stranger = `nobody.${Date.now().toString(36)}`;
	for (let i = 0; i < 5; i++) await attempt(stranger, 'Wrong-Pass-99');
	const unknown = await attempt(`nobody.else.${Date.now().toString(36)}`, 'Wrong-Pass-99');
	const known = await attempt(DEMO.planner, 'Wrong-Pass-99');
	const locked = await attempt(stranger, 'Wrong-Pass-99');
	for (const r of [unknown, known, locked]) {
		expect(r.status).toBe(400);
		expect(r.error).toBe(unknown.error);
	}
	expect(unknown.error).toContain('用户名或密码不正确');
	console.log(
		`sign-in over HTTP, ms: unknown ${unknown.ms.toFixed(1)} · known ${known.ms.toFixed(1)} · locked ${locked.ms.toFixed(1)}`
	);
	await ctx.dispose();
});

test('sign-in takes a small body only: 413 for a large one, 400 for an over-long password, never 500', async ({
	baseURL
}) => {
	const ctx = await client(baseURL!);
	const big = await ctx.post('/login', {
		form: { username: DEMO.planner, password: 'a'.repeat(100_000) }
	});
	expect(big.status()).toBe(413);
	expect(await big.text()).toContain('过大');
	// the body went unread, so the server closes the connection rather than have the next request
	// on it reset
	expect(big.headers()['connection']).toBe('close');
	const long = await ctx.post('/login', {
		form: { username: DEMO.planner, password: 'Kx7-mQ2v!'.repeat(20) }
	});
	expect(long.status()).toBe(400);
	expect(await long.text()).toContain('128');
	await ctx.dispose();
});

test('the language switch returns only to a path of this site', async ({ baseURL }) => {
	const ctx = await client(baseURL!);
	for (const back of [
		'/\\evil.example',
		'/\t/evil.example',
		'/\\/evil.example',
		'//evil.example',
		'https://evil.example/'
	]) {
		const r = await ctx.post('/lang', { form: { lang: 'zh-CN', back } });
		expect(r.status(), JSON.stringify(back)).toBe(303);
		expect(r.headers()['location'], JSON.stringify(back)).toBe('/');
	}
	const home = await ctx.post('/lang', { form: { lang: 'zh-CN', back: '/waterways?mine=0' } });
	expect(home.headers()['location']).toBe('/waterways?mine=0');
	const bad = await ctx.post('/lang', { form: { lang: 'xx', back: '/' } });
	expect(bad.status()).toBe(400);
	await ctx.dispose();
});

test('sign-out refuses a post from another site, even one with no body', async ({ baseURL }) => {
	const ctx = await client(baseURL!);
	expect(
		(
			await ctx.post('/login', { form: { username: DEMO.planner, password: DEMO_PASSWORD } })
		).status()
	).toBe(303);
	// the same session, posting from another site: with no body, and with everywhere=1
	const evil = await ctx.post('/logout', { headers: { origin: 'http://evil.example' } });
	expect(evil.status()).toBe(403);
	const evilAll = await ctx.post('/logout', {
		headers: { origin: 'http://evil.example' },
		form: { everywhere: '1' }
	});
	expect(evilAll.status()).toBe(403);
	// still signed in
	expect((await ctx.get('/account')).status()).toBe(200);
	// from this site it works
	const out = await ctx.post('/logout');
	expect(out.status()).toBe(303);
	expect((await ctx.get('/account')).headers()['location']).toBe('/login');
	await ctx.dispose();
});

test('signing out out of signal says it needs the network and stays signed in, then works in signal', async ({
	page,
	context
}) => {
	await signIn(page, DEMO.township);
	await page.goto('/waterways');
	await hydrated(page);
	await context.setOffline(true);
	const said = new Promise<string>((resolve) =>
		page.once('dialog', (d) => {
			resolve(d.message());
			void d.accept();
		})
	);
	await page.getByTestId('user-menu').click();
	await page.getByTestId('sign-out').click();
	expect(await said).toContain('没有网络，现在无法退出登录');
	// still the app's page, not the browser's error page
	await expect(page).toHaveURL(/\/waterways/);
	await expect(page.getByTestId('sign-out')).toBeVisible();
	await context.setOffline(false);
	await page.getByTestId('sign-out').click();
	await expect(page).toHaveURL(/\/login/);
	// the session is over: the app sends back to the sign-in page
	await page.goto('/waterways');
	await expect(page).toHaveURL(/\/login/);
});
