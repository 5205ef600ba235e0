// A household visit on a phone (issue 12, privacy on the phone): the target reads as its village
// and a stable code, never a child; a township worker (allowed to see homes) opens the exact homes
// from it on the map, and that opening is in the audit log as a home visit; a river chief of the
// same township, who sees counts only, gets no such link and none of the homes.
import { test, expect } from '@playwright/test';
import { DEMO, guard, PHONE, signIn } from './helpers';

test.use(PHONE);

test('a household visit shows a pseudonymous label; its homes open on the map, audited, only for roles allowed', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(180_000);
	// the county launches a campaign of household visits
	const adminContext = await browser.newContext({ baseURL });
	const adminPage = await adminContext.newPage();
	await signIn(adminPage, DEMO.county);
	const admin = adminPage.request;
	const day = (n: number) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);
	const created = await admin.post('/campaigns?/create', {
		headers: { origin: baseURL!, accept: 'text/html' },
		maxRedirects: 0,
		form: {
			name: `入户走访 e2e ${Date.now()}`,
			area: '421083000000',
			starts: day(0),
			ends: day(30),
			institutionWaterM: '200',
			villageWaterM: '500',
			villages: '1'
		}
	});
	expect(created.status(), await created.text()).toBe(303);

	const problems = guard(page);
	await signIn(page, DEMO.township);
	await page.goto('/campaigns/mine');
	const visit = page.getByTestId('my-target').filter({ hasText: '入户走访（村）' }).first();
	await expect(visit).toBeVisible();
	const label = (await visit.locator('a.name').textContent())!.trim();
	// the village and a five-letter code: nothing about a child
	expect(label).toMatch(/^\S+ · [2-9A-HJ-NP-Z]{5}$/);
	await visit.locator('a.name').click();
	await expect(page.getByTestId('target-name')).toHaveText(label);
	const targetUrl = new URL(page.url()).pathname;
	// what the phone keeps of the page has no home on it: no coordinate of a child's home
	const kept = await (await page.request.get(`${targetUrl}/__data.json`)).text();
	expect(kept).not.toMatch(/residence|pseudonym|birth/);

	// the worker may see the village's homes: a link that opens them on the map, recorded
	const link = page.getByTestId('target-homes');
	await expect(link).toHaveAttribute('href', /^\/\?area=\d{12}&purpose=home_visit$/);
	const area = /area=(\d{12})/.exec((await link.getAttribute('href'))!)![1];
	const shown = page.waitForResponse((r) => r.url().includes(`/api/residences?area=${area}`));
	await link.click();
	const r = await shown;
	expect(r.status()).toBe(200);
	const homes = (await r.json()) as { features: unknown[] };
	await expect(page.getByTestId('residence-message')).toContainText(
		`已显示 ${homes.features.length} 处住址（已记录）`
	);
	expect(problems).toEqual([]);

	// in the audit log: the worker's view of that village's homes, for a home visit
	const audit = await admin.get(`/admin/audit?username=${DEMO.township}&action=residences_view`);
	const log = await audit.text();
	expect(log).toContain(`儿童住址`);
	expect(log).toContain('入户走访');

	// a river chief of the same township sees the target, not the link, and not its homes
	const chiefContext = await browser.newContext({ ...PHONE, baseURL });
	try {
		const chief = await chiefContext.newPage();
		await signIn(chief, DEMO.riverChief);
		await chief.goto(targetUrl);
		await expect(chief.getByTestId('target-name')).toHaveText(label);
		await expect(chief.getByTestId('target-homes')).toHaveCount(0);
		const refused = await chief.request.get(`/api/residences?area=${area}&purpose=home_visit`);
		expect(refused.status()).toBe(403);
	} finally {
		await chiefContext.close();
		await adminContext.close();
	}
});
