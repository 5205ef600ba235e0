// Field work on a phone (issue 12, item 3): a township worker finds their targets as a list and a
// map, nearest first; out of signal, records an institution's checklist with a hazard and a
// photo stamped with time and place; the phone says what is still waiting; back online, the
// record goes first and the photo after it, and the hazard appears on the county's campaign
// page. A find in the field outside the worker's jurisdiction is refused in words.
import { test, expect } from '@playwright/test';
import sharp from 'sharp';
import {
	DEMO,
	guard,
	hydrated,
	launchCampaign,
	openable,
	PHONE,
	printPdf,
	flat,
	signIn,
	stampPixels
} from './helpers';

test.use(PHONE);

test('field: offline, a township worker records a checklist with a hazard and a stamped photo; online, the hazard reaches the county', async ({
	page,
	browser
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);

	await signIn(page, DEMO.county);
	await page.goto('/campaigns');
	await hydrated(page);
	const name = `现场排查 ${Date.now()}`;
	await page.getByTestId('create-campaign').getByLabel('行动名称').fill(name);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	const campaignUrl = new URL(page.url()).pathname;

	const phone = await browser.newContext({ ...PHONE, baseURL: page.url().split('/campaigns')[0] });
	await phone.grantPermissions(['geolocation']);
	await phone.setGeolocation({ longitude: 113.45, latitude: 29.85, accuracy: 12 });
	const worker = await phone.newPage();
	const workerProblems = guard(worker);
	await signIn(worker, DEMO.township);
	await worker.goto('/campaigns/mine');
	await expect(worker.getByTestId('from-me').first()).toBeVisible();
	// the phone says when the list and every target are on it, before the worker leaves signal
	await expect(worker.getByTestId('mine-offline')).toHaveAttribute('data-state', 'ready', {
		timeout: 60_000
	});
	await expect(worker.getByTestId('mine-offline')).toContainText('无信号时也能打开');

	// the same targets on a map, in the list's order
	await worker.getByTestId('view-map').click();
	await expect(worker.getByTestId('targets-map')).toHaveAttribute('data-loaded', 'true', {
		timeout: 30_000
	});
	await worker.getByTestId('view-list').click();

	// a find outside the worker's township is refused, in words, and nothing is kept: at once,
	// without signal (the phone has the township's boundary), not only after reconnecting
	await phone.setGeolocation({ longitude: 110.0, latitude: 32.5 });
	await worker.getByTestId('field-target').locator('summary').click();
	await worker.getByTestId('field-kind').selectOption('well');
	await worker.getByTestId('field-gps').click();
	await expect(worker.getByTestId('field-position')).toContainText('32.50000');
	await phone.setOffline(true);
	await worker.getByTestId('field-submit').click();
	await expect(worker.getByTestId('field-error')).toContainText('不在您的管辖范围内');
	await expect(worker.getByTestId('outbox-pending')).toHaveCount(0);
	await phone.setOffline(false);
	await phone.setGeolocation({ longitude: 113.45, latitude: 29.85, accuracy: 12 });

	const institution = worker
		.getByTestId('my-target')
		.filter({ hasText: '儿童相关机构' })
		.filter({ hasText: name })
		.first();
	// name and link read at once, then that link clicked: the list re-sorts by distance when the
	// phone's position arrives, so "the first" may be another target a moment later
	const { targetName, href } = await openable(institution);
	await worker.locator(`a.name[href="${href}"]`).click();
	await expect(worker.getByTestId('target-name')).toHaveText(targetName);
	// the app is on the phone: its worker serves what it kept
	await worker.waitForFunction(() => !!navigator.serviceWorker.controller);
	await expect(worker.getByTestId('check-where')).toContainText('29.85000');
	// the GPS accuracy in the page's language (it read "(±12 m)" in Chinese)
	await expect(worker.getByTestId('check-where')).toContainText('（±12 米）');

	// out of signal
	await phone.setOffline(true);
	for (const item of ['buildings', 'hillside', 'water', 'fire', 'hygiene'])
		await worker.getByTestId(`item-${item}`).getByText('正常', { exact: true }).click();
	await worker.getByTestId('item-bus').getByText('不适用', { exact: true }).click();
	await worker.getByTestId('item-wall').getByText('有隐患', { exact: true }).click();
	await worker.getByTestId('item-wall').getByRole('textbox').fill('围墙外侧基坑积水');
	const jpeg = await sharp({
		create: { width: 2000, height: 1500, channels: 3, background: '#6a994e' }
	})
		.jpeg()
		.toBuffer();
	await worker
		.getByTestId('photo-wall')
		.setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	const stamped = worker.getByTestId('stamped-photo');
	await expect(stamped).toBeVisible();
	// the stamp is on the image itself: a dark band with white words along its foot, and the
	// same words (time and place) beside it
	await expect(stamped).toHaveAttribute('alt', /\(UTC\+8\) · 29\.85000°N 113\.45000°E/);
	const pixels = await stampPixels(stamped);
	expect(pixels.w).toBe(1600);
	expect(pixels.foot).toBeLessThan(pixels.top * 0.7);
	expect(pixels.white).toBeGreaterThan(100);
	await worker.getByTestId('check-submit').click();
	await expect(worker.getByTestId('check-queued')).toContainText('已保存在本机');
	// the form has been cleared: the worker sees the outcome where they tapped, announced
	await expect(worker.getByTestId('check-queued')).toBeInViewport();
	await expect(worker.getByRole('status').filter({ hasText: '已保存在本机' })).toBeVisible();
	// the phone says plainly what is waiting
	await expect(worker.getByTestId('outbox-pending')).toHaveText('待上传 1 条');
	await expect(worker.getByTestId('outbox-waiting')).toContainText(`排查记录“${targetName}”`);
	await expect(worker.getByTestId('outbox-photos-left')).toHaveText('其中照片 1 张未传完');

	// signal again: the record, then the photo
	await phone.setOffline(false);
	await expect(worker.getByTestId('outbox-banner')).toBeHidden({ timeout: 60_000 });
	// and the form no longer says it is kept on the phone: it says it arrived
	await expect(worker.getByTestId('check-queued')).toBeHidden();
	await expect(worker.getByTestId('check-saved')).toBeVisible();
	await expect(worker.getByTestId('check-saved')).toBeInViewport();
	await expect(worker.getByTestId('target-hazards')).toContainText('已排查发现');
	// in the check's history (folded), the photo as the server holds it
	const photo = worker.getByTestId('check-photo').first();
	await expect(photo).toBeAttached();
	const src = (await photo.getAttribute('src'))!;
	const served = await worker.request.get(src);
	expect(served.status()).toBe(200);
	const bytes = await served.body();
	expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
	const meta = await sharp(bytes).metadata();
	expect(meta.width).toBe(1600);
	// on paper the folded history is open: every answer, its note, in the form's order (it printed
	// the check's date and name only, and answers came by key: 防火 before 建筑物…)
	const printed = flat((await printPdf(worker, 'target-history')).text);
	expect(printed).toContain(flat('围墙：有隐患 · 围墙外侧基坑积水'));
	const history = printed.slice(printed.lastIndexOf('排查记录'));
	const order = ['校舍建筑', '围墙', '周边山体', '周边水体', '消防安全', '校车', '卫生'].map((w) =>
		history.indexOf(`${w}：`)
	);
	expect(order.every((i) => i >= 0)).toBe(true);
	expect([...order].sort((a, b) => a - b)).toEqual(order);
	// the form is not printed, nor its heading over nothing
	expect(printed).not.toContain('排查清单');

	// the county sees the hazard on the campaign
	await page.goto(campaignUrl);
	await expect(page.getByTestId('stat-visited')).toHaveText('1');
	await expect(page.getByTestId('stat-found')).toHaveText('1');
	await expect(
		page.getByTestId('campaign-hazards').locator('tr', { hasText: targetName })
	).toContainText('围墙');

	expect(problems).toEqual([]);
	// expected: the refused find (400) and the attempt made out of signal; the photo is created
	// outright, with no question (404) about an upload that does not exist yet
	expect(
		workerProblems.filter(
			(p) => !p.includes('ERR_INTERNET_DISCONNECTED') && !p.includes('status of 400')
		)
	).toEqual([]);
	await phone.close();
});

test('field: back in signal, a check with a photo goes at once, saying it is sending and never that it failed', async ({
	page,
	browser
}) => {
	test.setTimeout(150_000);
	const problems = guard(page);
	const { name } = await launchCampaign(page, '信号恢复');

	const phone = await browser.newContext({ ...PHONE, baseURL: page.url().split('/campaigns')[0] });
	await phone.grantPermissions(['geolocation']);
	await phone.setGeolocation({ longitude: 113.45, latitude: 29.85, accuracy: 12 });
	// every wording of the outbox banner shown while the phone is online, on every page
	await phone.addInitScript(() => {
		const said: string[] = [];
		(window as unknown as { __bannerOnline: string[] }).__bannerOnline = said;
		new MutationObserver(() => {
			const b = document.querySelector('[data-testid="outbox-banner"]');
			const text = b?.textContent?.replace(/\s+/g, ' ').trim();
			if (text && navigator.onLine && said.at(-1) !== text) said.push(text);
		}).observe(document, { subtree: true, childList: true, characterData: true });
	});
	const worker = await phone.newPage();
	const workerProblems = guard(worker);
	const uploads: string[] = [];
	worker.on('request', (r) => {
		const u = new URL(r.url());
		// every request as sent: a redirect (/api/uploads/ → /api/uploads) would show as two
		if (u.pathname.startsWith('/api/uploads')) uploads.push(`${r.method()} ${u.pathname}`);
	});
	await signIn(worker, DEMO.township);
	await worker.goto('/campaigns/mine');
	const institution = worker
		.getByTestId('my-target')
		.filter({ hasText: '儿童相关机构' })
		.filter({ hasText: name })
		.first();
	// name and link read at once, then that link clicked: the list re-sorts by distance when the
	// phone's position arrives, so "the first" may be another target a moment later
	const { targetName, href } = await openable(institution);
	await worker.locator(`a.name[href="${href}"]`).click();
	await expect(worker.getByTestId('target-name')).toHaveText(targetName);
	// a worker holds targets: back to their list
	await expect(worker.getByTestId('target-back')).toHaveText('← 我的排查对象');
	await worker.waitForFunction(() => !!navigator.serviceWorker.controller);
	await expect(worker.getByTestId('check-where')).toContainText('29.85000');

	await phone.setOffline(true);
	for (const item of ['buildings', 'hillside', 'water', 'fire', 'hygiene', 'wall'])
		await worker.getByTestId(`item-${item}`).getByText('正常', { exact: true }).click();
	await worker.getByTestId('item-bus').getByText('不适用', { exact: true }).click();
	const jpeg = await sharp({
		create: { width: 1200, height: 900, channels: 3, background: '#386641' }
	})
		.jpeg()
		.toBuffer();
	await worker
		.getByTestId('photo-wall')
		.setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	await expect(worker.getByTestId('stamped-photo')).toBeVisible();
	await worker.getByTestId('check-submit').click();
	await expect(worker.getByTestId('check-queued')).toContainText('已保存在本机');
	await expect(worker.getByTestId('outbox-pending')).toHaveText('待上传 1 条');
	await expect(worker.getByTestId('outbox-photos-left')).toHaveText('其中照片 1 张未传完');

	// signal again: the phone sends as soon as it has it (the old outbox waited for its next
	// 30-second round, saying meanwhile that the upload had failed)
	await phone.setOffline(false);
	await expect(worker.getByTestId('check-saved')).toBeVisible();
	await expect(worker.getByTestId('outbox-banner')).toBeHidden();
	// the server holds the record and its photo, whole
	await expect(worker.getByTestId('check-photo').first()).toBeAttached();
	const served = await worker.request.get(
		(await worker.getByTestId('check-photo').first().getAttribute('src'))!
	);
	expect(served.status()).toBe(200);
	expect([...(await served.body()).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

	const said = await worker.evaluate(
		() => (window as unknown as { __bannerOnline: string[] }).__bannerOnline
	);
	// online, it said what was waiting and that it was sending; never that it had failed
	expect(said.some((s) => s.includes('待上传 1 条') && s.includes('正在上传'))).toBe(true);
	expect(said.filter((s) => s.includes('失败'))).toEqual([]);
	// the photo was created, then sent: no question about an upload that did not exist yet
	expect(uploads.filter((u) => u.startsWith('HEAD'))).toEqual([]);
	// created once, at the upload path itself (not redirected there from a trailing slash)
	expect(uploads.filter((u) => u.startsWith('POST'))).toEqual(['POST /api/uploads']);
	expect(problems).toEqual([]);
	// the only errors: the attempts made out of signal
	expect(workerProblems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
	await phone.close();
});

test('a planner opening a target goes back to its campaign, not to a list of targets they do not hold', async ({
	page,
	browser
}) => {
	const { name, url, origin } = await launchCampaign(page, '规划查看');
	const planner = await browser.newPage({ baseURL: origin });
	await signIn(planner, DEMO.planner);
	await planner.goto(url);
	await planner.getByTestId('campaign-targets').locator('tbody a').first().click();
	await expect(planner).toHaveURL(/\/campaigns\/targets\/\d+$/);
	const back = planner.getByTestId('target-back');
	await expect(back).toHaveText(`← ${name}`);
	await back.click();
	await expect(planner).toHaveURL(new RegExp(`${url}$`));
	await planner.close();
});

test('"my targets" is offered on the campaign list only to the roles given targets', async ({
	browser,
	baseURL
}) => {
	for (const [who, offered] of [
		[DEMO.planner, false],
		[DEMO.county, false],
		[DEMO.township, true],
		[DEMO.village, true]
	] as const) {
		const page = await browser.newPage({ baseURL });
		const problems = guard(page);
		await signIn(page, who);
		await page.goto('/campaigns');
		await expect(page.locator('h1')).toBeVisible();
		await expect(page.getByTestId('my-targets-link'), who).toHaveCount(offered ? 1 : 0);
		expect(problems).toEqual([]);
		await page.close();
	}
});

test("a village's child director adds a find in the field: their village has no boundary, so their township's counts", async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.village);
	await page.goto('/campaigns/mine');
	await hydrated(page);
	await page.getByTestId('field-target').locator('summary').click();
	await page.getByTestId('field-kind').selectOption('pit');
	await page.getByTestId('field-pick').click();
	// the map to tap is where the form asks for it, in view (it opened above the whole list)
	await expect(page.getByTestId('place-map')).toBeInViewport();
	// the map opens on the director's own targets (their village): a tap at its centre
	const map = page.getByTestId('place-map').getByTestId('targets-map');
	await expect(map).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
	const box = (await map.boundingBox())!;
	await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
	await expect(page.getByTestId('field-position')).toHaveText(/位置：\d+\.\d{5}, \d+\.\d{5}/);
	await page.getByTestId('field-submit').click();
	// before, every point was "outside" for a director: the server tested a village boundary
	// that the data does not have
	await expect(page.getByTestId('field-message')).toContainText('已添加');
	await expect(page.getByTestId('field-error')).toHaveCount(0);
	// the new find is kept on the phone too, with the rest of the list (it was one short)
	await expect(page.getByTestId('mine-offline')).toHaveAttribute('data-state', 'ready', {
		timeout: 60_000
	});
	expect(problems).toEqual([]);
});
