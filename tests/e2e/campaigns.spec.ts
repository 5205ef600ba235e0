// A flood-season campaign end to end: the county administrator launches it, a township worker on
// a phone finds their targets nearest first, records an institution's checklist with a hazard,
// and the hazard goes through 登记 → 整改 (after photo) → 销号 by a second person.
import { test, expect, type Page } from '@playwright/test';
import sharp from 'sharp';
import { DEMO, guard, openable, PHONE, signIn, stampPixels, hydrated } from './helpers';

test.use(PHONE);

/** Distances shown as "距我 850 米 / 1.2 公里", in metres. */
function metresOf(texts: string[]): number[] {
	return texts.map((text) => {
		const m = /距我\s*([\d,.]+)\s*(米|公里)/.exec(text);
		expect(m, text).not.toBeNull();
		return Number(m![1].replace(/,/g, '')) * (m![2] === '公里' ? 1000 : 1);
	});
}

async function hazardState(page: Page): Promise<string | null> {
	return page.getByTestId('hazard-state').getAttribute('data-state');
}

test('campaign: a township worker records a hazard at an institution; it is registered, fixed and closed', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);

	// the county launches a campaign over its whole area
	await signIn(page, DEMO.county);
	await page.goto('/campaigns');
	const name = `汛期排查 ${Date.now()}`;
	const create = page.getByTestId('create-campaign');
	await create.getByLabel('行动名称').fill(name);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	const campaignUrl = new URL(page.url()).pathname;
	await expect(page.getByTestId('campaign-name')).toHaveText(name);
	const targets = Number(
		await page
			.getByTestId('stat-targets')
			.textContent()
			.then((s) => s!.replace(/,/g, ''))
	);
	expect(targets).toBeGreaterThan(0);
	await expect(page.getByTestId('stat-visited')).toHaveText('0');
	// each target says why it is listed
	await expect(page.getByTestId('target-row').first()).toContainText(/米|须排查|四个一|儿童/);

	// a township worker on a phone: my targets, nearest first
	const phone = await browser.newContext({ ...PHONE, baseURL: page.url().split('/campaigns')[0] });
	const worker = await phone.newPage();
	const workerProblems = guard(worker);
	await signIn(worker, DEMO.township);
	// the phone stands in 洪湖市; the page orders the targets from there with Turf
	await phone.grantPermissions(['geolocation']);
	await phone.setGeolocation({ longitude: 113.45, latitude: 29.85 });
	await worker.goto('/campaigns/mine');
	const list = worker.getByTestId('my-target');
	await expect(list.first()).toBeVisible();
	await expect(worker.getByTestId('from-me').first()).toBeVisible();
	const d = metresOf(await worker.getByTestId('from-me').allTextContents());
	expect(d.length).toBeGreaterThan(1);
	for (let i = 1; i < d.length; i++) expect(d[i]).toBeGreaterThanOrEqual(d[i - 1]);
	// the list says its count, and what else of this campaign in the worker's township someone
	// else holds: with the worker's own they are every row of the campaign's target file for the
	// township (the export, a separate path from the page)
	await expect(worker.getByTestId('mine-count')).toHaveText(`共 ${await list.count()} 个排查对象`);
	const campaignId = campaignUrl.split('/').pop();
	const csv = await worker.request.get(
		`/api/exports/campaigns?list=targets&campaign=${campaignId}&format=csv`
	);
	expect(csv.status()).toBe(200);
	const inTownship =
		(await csv.text())
			.replace(/^\uFEFF/, '')
			.trim()
			.split('\r\n').length - 1;
	const mineHere = await list.filter({ hasText: name }).count();
	const others = worker.locator(`[data-testid="mine-others"] li[data-campaign="${campaignId}"]`);
	const othersHere = (await others.evaluateAll((lis) => lis.map((li) => li.dataset.n))).reduce(
		(a, n) => a + Number(n),
		0
	);
	expect(othersHere).toBeGreaterThan(0);
	expect(mineHere + othersHere).toBe(inTownship);
	// a children's home of a village is its child director's, and the page says so plainly
	await expect(others.filter({ hasText: '由村儿童主任负责' }).first()).toContainText('另有');

	// an institution of this campaign (another suite may have launched one on this server)
	const institution = list.filter({ hasText: '儿童相关机构' }).filter({ hasText: name }).first();
	await expect(institution).toBeVisible();
	// name and link read at once, then that link clicked: the list re-sorts by distance when the
	// phone's position arrives, so "the first" may be another target a moment later
	const { targetName, href } = await openable(institution);
	await worker.locator(`a.name[href="${href}"]`).click();
	await expect(worker.getByTestId('target-name')).toHaveText(targetName);
	await expect(worker.getByTestId('target-reason')).not.toBeEmpty();

	// the seven surroundings items: the wall is cracked, there is no school bus, the rest fine
	const form = worker.getByTestId('checklist');
	await expect(form.locator('fieldset')).toHaveCount(7);
	for (const item of ['buildings', 'hillside', 'water', 'fire', 'hygiene'])
		await worker.getByTestId(`item-${item}`).getByText('正常', { exact: true }).click();
	await worker.getByTestId('item-bus').getByText('不适用', { exact: true }).click();
	await worker.getByTestId('item-wall').getByText('有隐患', { exact: true }).click();
	await worker.getByTestId('item-wall').getByRole('textbox').fill('东侧围墙开裂约两米');
	await expect(worker.getByTestId('check-submit')).toBeEnabled();
	await worker.getByTestId('check-submit').click();
	await expect(worker.getByTestId('check-saved')).toHaveText('已提交。发现隐患 1 处。');
	await expect(worker.getByTestId('target-hazards')).toContainText('已排查发现');

	// the county sees it on the campaign and registers it
	await page.goto(campaignUrl);
	await expect(page.getByTestId('stat-visited')).toHaveText('1');
	await expect(page.getByTestId('stat-found')).toHaveText('1');
	const row = page.getByTestId('campaign-hazards').locator('tr', { hasText: targetName });
	await expect(row).toContainText('围墙');
	await page.waitForLoadState('networkidle');
	await row.getByTestId('hazard-link').click();
	await expect(page).toHaveURL(/\/hazards\/\d+$/);
	const hazardUrl = new URL(page.url()).pathname;
	expect(await hazardState(page)).toBe('found');
	// nothing can be skipped: there is no fix or close here yet
	await expect(page.getByTestId('fix-form')).toHaveCount(0);
	await expect(page.getByTestId('close-form')).toHaveCount(0);
	const reg = page.getByTestId('register-form');
	await reg.getByLabel('隐患等级').selectOption('major');
	await reg.getByLabel('整改责任人').fill('李校长');
	await page.getByTestId('register-submit').click();
	await expect(page.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');

	// the worker records the fix: without the after photo it is refused, with it accepted
	await worker.goto(hazardUrl);
	await hydrated(worker);
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');
	await worker.getByTestId('fix-form').getByLabel('整改说明').fill('已砌补并加固');
	await worker.getByTestId('fix-submit').click();
	await expect(worker.getByTestId('hazard-error')).toContainText('整改后照片');
	const jpeg = await sharp({
		create: { width: 1200, height: 900, channels: 3, background: '#6a994e' }
	})
		.jpeg()
		.toBuffer();
	await worker
		.getByTestId('fix-form')
		.getByLabel('整改后照片')
		.setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	// out of signal the fix goes to the phone's outbox with its note and stamped photo (it showed
	// a made-up server error and dropped both), and is sent by itself when the signal returns
	await phone.setOffline(true);
	await worker.getByTestId('fix-submit').click();
	await expect(worker.getByTestId('hazard-queued')).toContainText('已保存在本机');
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');
	await expect(worker.getByTestId('outbox-pending')).toHaveText('待上传 1 条');
	await expect(worker.getByTestId('outbox-waiting')).toContainText(`隐患办理“${targetName}`);
	// the next step waits for this one: no second fix taken from the same state meanwhile
	await expect(worker.getByTestId('fix-form')).toHaveCount(0);
	// the hazard's page opens out of signal too (kept on the phone), saying what waits
	await worker.reload();
	await hydrated(worker);
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');
	await expect(worker.getByTestId('hazard-queued')).toContainText('保存在本机');
	await expect(worker.getByTestId('fix-form')).toHaveCount(0);
	await phone.setOffline(false);
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'fixed');
	await expect(worker.getByTestId('outbox-banner')).toHaveCount(0);
	await expect(worker.getByTestId('hazard-queued')).toHaveCount(0);
	await expect(worker.getByTestId('hazard-not-sent')).toHaveCount(0);
	await expect(worker.getByTestId('hazard-log')).toContainText('已砌补并加固');
	await expect(worker.getByTestId('after-photo')).toBeVisible();
	// stamped on the phone like the photo of the finding: a dark band with white words along
	// the foot of what was a plain green picture
	const foot = await stampPixels(worker.getByTestId('after-photo'));
	expect(foot.foot).toBeLessThan(foot.top * 0.8);
	expect(foot.white).toBeGreaterThan(50);
	// a photo that cannot load (out of signal: photos are not kept on the phone) says so in words
	// rather than showing a broken picture, and shows again when the signal returns
	await worker.route('**/api/hazard-photos/**', (r) => r.abort('internetdisconnected'));
	await worker.reload();
	await hydrated(worker);
	await expect(worker.getByTestId('photo-offline')).toHaveText('照片未存在本机，有信号时显示');
	await expect(worker.getByTestId('after-photo')).toHaveCount(0);
	await worker.unroute('**/api/hazard-photos/**');
	await worker.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(worker.getByTestId('after-photo')).toBeVisible();
	await expect(worker.getByTestId('photo-offline')).toHaveCount(0);
	// the one who fixed it cannot close it
	await expect(worker.getByTestId('close-form')).toHaveCount(0);

	// a second person (the county) verifies and closes it
	await page.goto(hazardUrl);
	await hydrated(page);
	await page.getByTestId('close-form').getByLabel('核实意见').fill('现场核实已整改');
	await page.getByTestId('close-submit').click();
	await expect(page.getByTestId('hazard-state')).toHaveAttribute('data-state', 'closed');
	await expect(page.getByTestId('hazard-log').locator('li')).toHaveCount(4);
	// the first entry's time is the server's (when the check arrived); the check went at once, so
	// it does not name a field time of the same minute beside it (QA: a note naming the same time)
	await expect(page.getByTestId('hazard-log').locator('li').first()).toContainText('已排查发现');
	await expect(page.getByTestId('hazard-log').locator('li').first()).not.toContainText(
		'现场记录于'
	);
	await page.goto(campaignUrl);
	await expect(page.getByTestId('stat-closed')).toHaveText('1');
	await expect(page.getByTestId('stat-found')).toHaveText('0');

	// a malformed registration is a 400, not a 500
	const bad = await page.request.post(`${hazardUrl}?/register`, {
		form: { severity: 'huge', responsible: '', deadline: '2026-13-45' },
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' }
	});
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('data-testid="hazard-error"');

	expect(problems).toEqual([]);
	// the photo refused on purpose above is the browser's only complaint
	expect(workerProblems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
	await phone.close();
});

test('a hazard step queued out of signal that someone overtook is refused plainly, and can be deleted', async ({
	page,
	browser
}) => {
	test.setTimeout(150_000);
	await signIn(page, DEMO.county);
	await page.goto('/campaigns');
	await hydrated(page);
	const name = `汛期排查 ${Date.now()}`;
	await page.getByTestId('create-campaign').getByLabel('行动名称').fill(name);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	const origin = new URL(page.url()).origin;

	// the worker's phone: one of their institutions of this campaign, checked with one hazard
	const phone = await browser.newContext({ ...PHONE, baseURL: origin });
	const worker = await phone.newPage();
	const workerProblems = guard(worker);
	await signIn(worker, DEMO.township);
	await worker.goto('/campaigns/mine');
	const row = worker.getByTestId('my-target').filter({ hasText: '儿童相关机构' });
	const { href } = await openable(row.filter({ hasText: name }).first());
	await worker.goto(href);
	const items = await worker
		.getByTestId('checklist')
		.locator('fieldset')
		.evaluateAll((fs) => fs.map((f) => (f.dataset.testid ?? '').replace(/^item-/, '')));
	expect(items.length).toBeGreaterThan(1);
	const checked = await worker.request.post('/api/target-checks', {
		data: {
			clientUuid: crypto.randomUUID(),
			targetId: Number(href.split('/').pop()),
			recordedAt: new Date().toISOString(),
			answers: items.map((item, i) => ({ item, answer: i === 0 ? 'hazard' : 'ok' })),
			photos: []
		}
	});
	expect(checked.status()).toBe(201);
	const hazardId = ((await checked.json()) as { hazards: number[] }).hazards[0];
	// the county registers it
	const registered = await page.request.post('/api/hazard-steps', {
		headers: { origin },
		multipart: {
			hazardId: String(hazardId),
			action: 'register',
			clientUuid: crypto.randomUUID(),
			expected: 'found',
			severity: 'general',
			responsible: '王站长',
			deadline: new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10)
		}
	});
	expect(registered.status()).toBe(201);

	// out of signal the worker records the fix on the phone: it waits there
	await worker.goto(`/hazards/${hazardId}`);
	await hydrated(worker);
	const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#557' } })
		.jpeg()
		.toBuffer();
	await phone.setOffline(true);
	await worker.getByTestId('fix-form').getByLabel('整改说明').fill('手机上记录的整改');
	await worker
		.getByTestId('fix-form')
		.getByLabel('整改后照片')
		.setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	await worker.getByTestId('fix-submit').click();
	await expect(worker.getByTestId('hazard-queued')).toContainText('已保存在本机');

	// meanwhile the fix is recorded at a desk (the same worker, another device, in signal)
	const desk = await browser.newContext({ baseURL: origin, locale: 'zh-CN' });
	const deskPage = await desk.newPage();
	await signIn(deskPage, DEMO.township);
	const fixed = await deskPage.request.post('/api/hazard-steps', {
		headers: { origin },
		multipart: {
			hazardId: String(hazardId),
			action: 'fix',
			clientUuid: crypto.randomUUID(),
			expected: 'registered',
			note: '在办公室记录的整改',
			photo: { name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg }
		}
	});
	expect(fixed.status()).toBe(201);
	await desk.close();

	// back in signal the phone's step is refused, saying why, and the page shows where the hazard
	// is now; the step is not tried again, and the worker deletes it from the phone
	await phone.setOffline(false);
	const refused = worker.getByTestId('outbox-refused');
	await expect(refused).toContainText('隐患办理');
	await expect(refused).toContainText('已有人先行办理');
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'fixed');
	await expect(worker.getByTestId('hazard-log')).toContainText('在办公室记录的整改');
	await expect(worker.getByTestId('hazard-log')).not.toContainText('手机上记录的整改');
	await expect(worker.getByTestId('outbox-pending')).toHaveCount(0);
	worker.once('dialog', (d) => void d.accept());
	await refused.getByTestId('outbox-discard').click();
	await expect(worker.getByTestId('outbox-banner')).toHaveCount(0);
	// the refusal is the server's answer (a 400 the browser reports), nothing else went wrong
	expect(workerProblems.filter((p) => !p.includes('status of 400'))).toEqual([]);
	await phone.close();
});
