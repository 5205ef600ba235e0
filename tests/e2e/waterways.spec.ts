// A river chief on a phone records a check with a photo while offline; back online it uploads
// once, and the segment turns complete on its page, in the list and on the dashboard.
import { test, expect } from '@playwright/test';
import sharp from 'sharp';
import { randomUUID } from 'node:crypto';
import { DEMO, guard, mapIdle, PHONE, signIn } from './helpers';

test.use(PHONE);

test('river chief: offline check with a photo uploads exactly once and completes the segment', async ({
	page,
	context
}) => {
	const problems = guard(page);
	await page.goto('/login');
	await page.getByLabel('用户名').fill(DEMO.riverChief);
	await page.getByLabel('密码').fill('Tongan-Demo-2026');
	await page.getByRole('button', { name: '登录' }).click();
	// a river chief lands on "my segments", riskiest first
	await expect(page).toHaveURL(/\/waterways$/);
	await expect(page.getByRole('heading', { name: '我的河段', exact: true })).toBeVisible();
	const cards = page.getByTestId('segment-list').locator('tr.card');
	expect(await cards.count()).toBeGreaterThan(1);
	// the children counts are perturbed, said in words on a phone where no tooltip shows
	await expect(page.getByTestId('segment-list-key')).toContainText('扰动');

	const before = await page.request.get('/dashboard');
	const completeBefore = Number(
		/data-testid="dash-complete"[^>]*>([\d,]+)</.exec(await before.text())?.[1].replace(/,/g, '')
	);

	const first = cards.first();
	const id = Number(await first.getAttribute('data-id'));
	await first.click();
	await expect(page).toHaveURL(new RegExp(`/waterways/${id}$`));
	await expect(page.getByTestId('segment-rule')).toContainText('米范围内有');
	// a river chief reads no "nearest" on the page: only that children live within the distance
	await expect(page.getByTestId('segment-rule')).not.toContainText('最近');
	const stateBefore = await page.getByTestId('segment-state').textContent();
	expect(stateBefore).not.toContain('齐全');

	// other specs may have checked this segment today already: count today's entries first
	const history = page.getByTestId('history').locator(':scope > li');
	const today = await page.evaluate(() => {
		const d = new Date();
		return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
	});
	const todayBefore = await history.filter({ hasText: today }).count();

	await context.setOffline(true);
	const form = page.getByTestId('check-form');
	for (const item of ['警示牌', '救生圈', '救生绳', '救生杆']) {
		await form.getByRole('group', { name: item }).getByText('完好', { exact: true }).click();
	}
	const jpeg = await sharp({
		create: { width: 2400, height: 1800, channels: 3, background: '#2a6f97' }
	})
		.jpeg()
		.toBuffer();
	await page
		.getByTestId('photo-sign')
		.setInputFiles({ name: 'sign.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	await expect(form).toContainText('已添加 1 张照片');
	await page.getByTestId('check-save').click();
	await expect(page.getByTestId('check-message')).toHaveText('已保存在本机，联网后自动上传');
	await expect(page.getByTestId('outbox-pending')).toHaveText('待上传 1 条');

	await context.setOffline(false);
	await expect(page.getByTestId('outbox-banner')).toBeHidden({ timeout: 30_000 });
	// the page follows without a reload: the form says it went out, the items show it
	await expect(page.getByTestId('check-message')).toHaveText('已保存');
	await expect(page.getByTestId('segment-state')).toContainText('齐全');
	for (const item of ['sign', 'buoy', 'rope', 'pole']) {
		await expect(page.getByTestId('slots').locator(`[data-item="${item}"]`)).toHaveAttribute(
			'data-status',
			'present'
		);
	}
	// the photo was re-encoded on the server: at most 1600 px, JPEG
	const img = page.getByTestId('slots').locator('[data-item="sign"] img');
	const src = await img.getAttribute('src');
	const photo = await page.request.get(src!);
	expect(photo.headers()['content-type']).toBe('image/jpeg');
	const meta = await sharp(await photo.body()).metadata();
	expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1600);

	// exactly once: one new history entry for the check, newest first, with its four items and
	// its photo, and the dashboard counts one more complete segment
	await expect(history.filter({ hasText: today })).toHaveCount(todayBefore + 1);
	const entry = history.first();
	await expect(entry).toContainText(today);
	await expect(entry.locator('li[data-status="present"]')).toHaveCount(4);
	await expect(entry.locator('li')).toHaveCount(4);
	await expect(entry.locator('img')).toHaveCount(1);
	const after = await page.request.get('/dashboard');
	const completeAfter = Number(
		/data-testid="dash-complete"[^>]*>([\d,]+)</.exec(await after.text())?.[1].replace(/,/g, '')
	);
	expect(completeAfter).toBe(completeBefore + 1);
	// and on the list it is no longer at the top of the risk order
	await page.goto('/waterways');
	await expect(page.getByTestId('segment-list').locator(`tr.card[data-id="${id}"]`)).toContainText(
		'齐全'
	);
	// and on the map, drawn from fresh tiles, the segment is complete
	await mapIdle(page);
	const onMap = await page.evaluate((sid) => {
		const m = (
			window as unknown as {
				__tonganMap: {
					querySourceFeatures(
						source: string,
						o: { sourceLayer: string }
					): { id?: number | string; properties: Record<string, unknown> }[];
				};
			}
		).__tonganMap;
		return m
			.querySourceFeatures('water', { sourceLayer: 'waterways' })
			.filter((f) => Number(f.id) === sid)
			.map((f) => f.properties.completeness);
	}, id);
	expect(onMap.length).toBeGreaterThan(0);
	expect(new Set(onMap)).toEqual(new Set(['complete']));
	expect(
		problems.filter(
			(p) => !p.includes('ERR_INTERNET_DISCONNECTED') && !p.includes('Failed to fetch')
		)
	).toEqual([]);
});

test('out of signal, a river chief opens a listed segment never opened before and records it', async ({
	page,
	context
}) => {
	await signIn(page, DEMO.riverChief);
	await expect(page).toHaveURL(/\/waterways$/);
	const cards = page.getByTestId('segment-list').locator('tr.card');
	const n = await cards.count();
	// the list asked the phone to keep its segments: wait until they are kept
	await expect
		.poll(
			() =>
				page.evaluate(
					async () =>
						(await (await caches.open('tongan-pages')).keys()).filter((r) =>
							/\/waterways\/\d+\/__data\.json$/.test(r.url)
						).length
				),
			{ timeout: 30_000 }
		)
		.toBe(n);

	// the app is installed on the phone: its worker serves this page
	await page.waitForFunction(() => !!navigator.serviceWorker.controller);
	await context.setOffline(true);
	const card = cards.nth(2);
	const id = Number(await card.getAttribute('data-id'));
	const name = (await card.locator('strong').first().textContent())!.trim();
	await card.click();
	await expect(page).toHaveURL(new RegExp(`/waterways/${id}$`));
	await expect(page.getByTestId('segment-name')).toHaveText(name);
	const form = page.getByTestId('check-form');
	for (const item of ['警示牌', '救生圈', '救生绳', '救生杆'])
		await form.getByRole('group', { name: item }).getByText('缺失', { exact: true }).tap();
	await page.getByTestId('check-save').click();
	await expect(page.getByTestId('check-message')).toHaveText('已保存在本机，联网后自动上传');

	// a page that was never kept says so in Chinese, not with the browser's error page
	await page.goto('/dashboard').catch(() => undefined);
	await expect(page.getByTestId('offline-page')).toContainText('当前离线');

	await context.setOffline(false);
	// back in signal the offline page reloads itself, which may abort a navigation started at the
	// same moment (net::ERR_ABORTED): the page is asked for again until it loads
	await expect(async () => {
		await page.goto(`/waterways/${id}`);
	}).toPass({ timeout: 30_000 });
	await expect(page.getByTestId('outbox-banner')).toBeHidden({ timeout: 30_000 });
	await expect(page.getByTestId('slots').locator('[data-item="sign"]')).toHaveAttribute(
		'data-status',
		'missing'
	);

	// signing out empties what the phone kept
	await page.getByTestId('user-menu').click();
	await page.getByTestId('sign-out').click();
	await expect(page).toHaveURL(/\/login/);
	await expect
		.poll(() =>
			page.evaluate(async () => (await (await caches.open('tongan-pages')).keys()).length)
		)
		.toBe(0);
	// signing in again keeps them again: the list itself, and each segment's page and data
	await signIn(page, DEMO.riverChief);
	await expect
		.poll(
			() => page.evaluate(async () => (await (await caches.open('tongan-pages')).keys()).length),
			{ timeout: 30_000 }
		)
		.toBe(2 + 2 * n);
});

test('a check waiting on the phone goes out only as the person who recorded it', async ({
	page,
	context
}) => {
	await signIn(page, DEMO.township);
	await page.goto('/waterways?mine=0');
	const card = page.getByTestId('segment-list').locator('tr.card').nth(3);
	const id = Number(await card.getAttribute('data-id'));
	await page.goto(`/waterways/${id}`);

	// the upload is cut from before the phone goes offline until the recorder signs out: a send
	// started while offline emulation was being lifted once slipped past a route installed
	// only after it, and reached the server before the test could see the network message
	await page.route('**/api/checks', (route) => route.abort('internetdisconnected'));
	await context.setOffline(true);
	const form = page.getByTestId('check-form');
	for (const item of ['警示牌', '救生圈', '救生绳', '救生杆'])
		await form.getByRole('group', { name: item }).getByText('损坏', { exact: true }).tap();
	await form.getByLabel('备注').fill('交接班测试');
	await page.getByTestId('check-save').click();
	await expect(page.getByTestId('outbox-pending')).toHaveText('待上传 1 条');
	// back in signal, but the upload does not get through
	await context.setOffline(false);
	await expect(page.getByTestId('outbox-banner')).toContainText('网络不稳，稍后自动重试');
	// signing out with a check still waiting says so first
	const asked = new Promise<string>((resolve) =>
		page.once('dialog', (d) => {
			resolve(d.message());
			void d.accept();
		})
	);
	await page.getByTestId('user-menu').click();
	await page.getByTestId('sign-out').click();
	expect(await asked).toContain('还有 1 条记录没有上传');
	await expect(page).toHaveURL(/\/login/);
	await page.unroute('**/api/checks');

	// someone else on the same phone: the check is not theirs to send
	await signIn(page, DEMO.village);
	await page.goto(`/waterways/${id}`);
	await expect(page.getByTestId('outbox-banner')).toBeHidden();
	await expect(page.getByTestId('history')).not.toContainText('交接班测试');

	// its recorder signs in again: it goes out under their name
	await page.getByTestId('user-menu').click();
	await page.getByTestId('sign-out').click();
	await signIn(page, DEMO.township);
	// the queue goes out from whichever page the sign-in lands on; watch the server for it
	// rather than the banner (hidden also before the queue is read) or a reload (which would
	// cut an upload in flight)
	await expect
		.poll(async () => (await page.request.get(`/waterways/${id}`)).text(), { timeout: 45_000 })
		.toContain('交接班测试');
	await page.goto(`/waterways/${id}`);
	const entry = page.getByTestId('history').locator('li').filter({ hasText: '交接班测试' });
	await expect(entry).toHaveCount(1);
	await expect(entry).toContainText('乡镇儿童督导员');
});

test('the segment list exports as CSV (UTF-8 with BOM) and XLSX, scoped to the user', async ({
	page
}) => {
	await signIn(page, DEMO.township);
	const csv = await page.request.get('/api/exports/segments?format=csv&mine=0');
	expect(csv.status()).toBe(200);
	const bytes = await csv.body();
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const lines = bytes.toString('utf8').trim().split('\r\n');
	expect(lines[0]).toContain('所在区划');
	expect(lines.length).toBeGreaterThan(5);
	// every row belongs to the user's township
	const townshipNames = new Set(lines.slice(1).map((l) => l.split(',')[1]));
	expect(townshipNames.size).toBe(1);
	// yes/no in words, times in ISO 8601 at China's offset
	expect(lines.slice(1).every((l) => /,(是|否),/.test(l))).toBe(true);
	const times = lines
		.slice(1)
		.flatMap((l) => /\d{4}-\d\d-\d\dT[\d:]{8}[+-]\d\d:\d\d/.exec(l) ?? []);
	expect(times.length).toBeGreaterThan(0);
	expect(times.every((x) => x.endsWith('+08:00'))).toBe(true);
	const xlsx = await page.request.get('/api/exports/segments?format=xlsx&mine=0');
	expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
	const zip = await xlsx.body();
	expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
});

test('township staff find the segments near them by the phone’s position, in Chinese', async ({
	page,
	context
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.township);
	await page.goto('/waterways?mine=0');
	await mapIdle(page);
	// a segment of the township, from the map fitted to it; stand ~100 m north of its first point
	const b = await page.evaluate(() => {
		const m = (window as unknown as { __tonganMap: { getBounds(): { toArray(): number[][] } } })
			.__tonganMap;
		return m.getBounds().toArray().flat();
	});
	const [cx, cy] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
	const fc = await (
		await page.request.get(
			`/api/waterways/geometry?bbox=${cx - 0.12},${cy - 0.12},${cx + 0.12},${cy + 0.12}`
		)
	).json();
	expect(fc.features.length).toBeGreaterThan(0);
	const target = fc.features[0];
	const [lon, lat] = target.geometry.coordinates[0];
	await context.grantPermissions(['geolocation']);
	await context.setGeolocation({ longitude: lon, latitude: lat + 0.0009 });
	await page.getByTestId('near-me').click();
	const cards = page.getByTestId('near-list').locator('a.card');
	await expect(cards.first()).toBeVisible();
	await expect(
		page.getByTestId('near-list').locator(`a.card[data-id="${target.id}"]`)
	).toBeVisible();
	// the map marks where the user stands
	await expect(page.getByTestId('map-here')).toBeVisible();
	// nearest first, each with its distance in 米 and its four-item state in words
	const metres = (await cards.allTextContents()).map((text) => {
		const m = /([\d,.]+)\s*(米|公里)/.exec(text);
		expect(m, text).not.toBeNull();
		return Number(m![1].replace(/,/g, '')) * (m![2] === '公里' ? 1000 : 1);
	});
	expect(metres[0]).toBeLessThanOrEqual(110);
	expect(metres.every((d, i) => d <= 500 && (i === 0 || d >= metres[i - 1]))).toBe(true);
	for (const text of await cards.allTextContents())
		expect(text).toMatch(/\/4|周边无儿童或儿童场所/);
	// a tap on a result opens that segment
	await cards.first().click();
	await expect(page).toHaveURL(/\/waterways\/\d+$/);

	// far from every segment of the area: said so, and that the list below is the whole area's
	await context.setGeolocation({ longitude: lon + 0.2, latitude: lat + 0.2 });
	await page.goto('/waterways?mine=0');
	await page.getByTestId('near-me').click();
	await expect(page.getByRole('status')).toContainText('500 米内没有本辖区的河段');
	await expect(page.getByRole('status')).toContainText('下方是辖区全部河段');
	await expect(page.getByTestId('near-list')).toHaveCount(0);

	// without permission the reason is said in Chinese, with what to do
	await context.clearPermissions();
	await page.goto('/waterways?mine=0');
	await page.getByTestId('near-me').click();
	await expect(page.getByRole('status')).toContainText('未获得定位权限');
	expect(problems).toEqual([]);
});

test('a village child director records checks on the phone: clear messages, a refused check can be deleted', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.village);
	// the village's map: its waterway figures are said to be the township's
	await expect(page.getByTestId('village-sites-note')).toContainText('河段和场所按乡镇登记');
	await page.goto('/waterways?mine=0');
	const first = page.getByTestId('segment-list').locator('tr.card').first();
	const id = Number(await first.getAttribute('data-id'));
	await first.click();
	await expect(page).toHaveURL(new RegExp(`/waterways/${id}$`));
	// segments are registered to the township: its village child director records them too
	const form = page.getByTestId('check-form');
	await expect(form).toBeVisible();
	// a sign is never "used up": only a buoy, a rope and a pole offer it
	await expect(form.getByRole('group', { name: '警示牌' }).getByText('已使用未补充')).toHaveCount(
		0
	);
	await expect(form.getByRole('group', { name: '救生圈' }).getByText('已使用未补充')).toHaveCount(
		1
	);

	// a tap on a state changes nothing but the state: the page does not jump
	const scroller = await page.evaluate(() => document.scrollingElement!.scrollTop);
	for (const item of ['警示牌', '救生圈', '救生绳']) {
		await form.getByRole('group', { name: item }).getByText('完好', { exact: true }).tap();
	}
	expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(scroller);
	await expect(page.getByTestId('user-role')).toBeInViewport();

	// a begun check is not lost without a question: switching the language asks first
	const asked = new Promise<string>((resolve) =>
		page.once('dialog', (d) => {
			resolve(d.type());
			void d.dismiss();
		})
	);
	await page.getByRole('button', { name: /English/ }).click();
	expect(await asked).toBe('beforeunload');
	await expect(page.getByTestId('check-form')).toBeVisible();
	await expect(
		form.getByRole('group', { name: '警示牌' }).getByRole('radio', { name: '完好' })
	).toBeChecked();
	// and a link inside the app asks too
	page.once('dialog', (d) => void d.dismiss());
	await page.getByRole('link', { name: '← 水域河段' }).click();
	await expect(page).toHaveURL(new RegExp(`/waterways/${id}$`));

	// saving with an item left: the message names it, and goes once it is chosen
	await page.getByTestId('check-save').click();
	const alert = form.getByRole('alert');
	await expect(alert).toHaveText('还需选择状态：救生杆（防护栏可不填）');
	await form.getByRole('group', { name: '救生杆' }).getByText('缺失', { exact: true }).tap();
	await expect(alert).toHaveCount(0);

	// a file that is not a picture is named and refused, nothing else changes
	await page.getByTestId('photo-sign').setInputFiles({
		name: '检查表.pdf',
		mimeType: 'application/pdf',
		buffer: Buffer.from('%PDF-1.4 not a picture')
	});
	await expect(alert).toHaveText('无法读取“检查表.pdf”：请选择照片（JPEG、PNG、HEIC 等图片）');
	await expect(form).not.toContainText('已添加');

	// six photos at most, as the server takes them; one added by mistake can be taken off
	const small = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#58a' } })
		.jpeg()
		.toBuffer();
	for (let k = 1; k <= 7; k++)
		await page
			.getByTestId('photo-buoy')
			.setInputFiles({ name: `p${k}.jpg`, mimeType: 'image/jpeg', buffer: small });
	await expect(alert).toHaveText('每次最多 6 张照片');
	const added = page.getByTestId('photos-added').locator('li');
	await expect(added).toHaveCount(6);
	await added.first().getByRole('button', { name: '删除照片：救生圈' }).click();
	await expect(added).toHaveCount(5);

	// the server refuses the check (as it would a check it finds invalid): nothing is lost,
	// what was entered comes back into the form with the reason
	await page.route('**/api/checks', (route) =>
		route.fulfill({
			status: 400,
			contentType: 'application/json',
			body: JSON.stringify({ field: 'slots', message: '器材项目无效' })
		})
	);
	await page.getByTestId('check-save').click();
	await expect(form.getByRole('alert')).toHaveText(
		'这次检查未被接受：器材项目无效。已填的内容已放回表单，请修改后重新保存。'
	);
	await expect(
		form.getByRole('group', { name: '救生杆' }).getByRole('radio', { name: '缺失' })
	).toBeChecked();
	await expect(page.getByTestId('check-message')).toHaveCount(0);
	await expect(page.getByTestId('outbox-banner')).toBeHidden();
	await expect(added).toHaveCount(5);
	await page.unroute('**/api/checks');
	expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
});

test('a check with several ordinary photos is accepted whole (not cut off at 512 KB)', async ({
	page
}) => {
	await signIn(page, DEMO.township);
	await page.goto('/waterways?mine=0');
	const id = Number(
		await page.getByTestId('segment-list').locator('tr.card').nth(1).getAttribute('data-id')
	);
	// three detailed photos of about 1 MB each, as a phone that could not shrink them sends them
	const noise = (seed: number) =>
		Buffer.from(Array.from({ length: 900 * 700 * 3 }, (_, i) => (i * 7919 + seed * 104729) % 251));
	const photos = await Promise.all(
		[1, 2, 3].map((k) =>
			sharp(noise(k), { raw: { width: 900, height: 700, channels: 3 } })
				.jpeg({ quality: 95 })
				.toBuffer()
		)
	);
	const total = photos.reduce((n, p) => n + p.length, 0);
	expect(total).toBeGreaterThan(1024 * 1024);
	const r = await page.request.post('/api/checks', {
		headers: { origin: new URL(page.url()).origin },
		multipart: {
			check: JSON.stringify({
				clientUuid: randomUUID(),
				waterwayId: id,
				recordedAt: new Date().toISOString(),
				slots: ['sign', 'buoy', 'rope'].map((item) => ({ item, status: 'present' }))
			}),
			'photo:sign': { name: 'a.jpg', mimeType: 'image/jpeg', buffer: photos[0] },
			'photo:buoy': { name: 'b.jpg', mimeType: 'image/jpeg', buffer: photos[1] },
			'photo:rope': { name: 'c.jpg', mimeType: 'image/jpeg', buffer: photos[2] }
		}
	});
	expect(r.status(), await r.text()).toBe(201);
	await page.goto(`/waterways/${id}`);
	await expect(page.getByTestId('slots').locator('img')).toHaveCount(3);
});

test('emergency staff filter the segments of their county by kind and completeness', async ({
	page
}) => {
	await signIn(page, DEMO.emergency);
	await page.goto('/waterways?mine=0&kind=pond&completeness=none');
	const cards = page.getByTestId('segment-list').locator('tr.card');
	const n = await cards.count();
	expect(n).toBeGreaterThan(0);
	for (let i = 0; i < Math.min(n, 10); i++) {
		await expect(cards.nth(i)).toContainText('坑塘');
		await expect(cards.nth(i)).toContainText('全部缺失或未检查');
	}
	// the listed segments are on the map of the whole county, at phone size too: drawn as
	// segments (below zoom 8 the tiles hold only whole rivers, which belong to no list)
	const map = page.getByTestId('map');
	await mapIdle(page);
	await expect(map).not.toHaveAttribute('data-rendered-waterways', '0');
	// the map's key: folded on a phone, a tap opens it
	const key = page.getByTestId('map-key');
	await expect(key.getByText('“四个一”齐全')).toBeHidden();
	await key.getByText('图例').click();
	await expect(key.getByText('“四个一”齐全')).toBeVisible();
	await expect(key.getByText('阳光驿站')).toBeVisible();
	// from a segment's page to where it is on the map, with its facts open
	await cards.first().click();
	// back to the list as it was left, filters kept
	await page.getByTestId('segment-back').click();
	await expect(page).toHaveURL(/\/waterways\?mine=0&kind=pond&completeness=none$/);
	await cards.first().click();
	const name = (await page.getByTestId('segment-name').textContent())!.trim();
	await page.getByTestId('segment-on-map').click();
	await expect(page).toHaveURL(/[?&]f=waterway(:|%3A)\d+/);
	await expect(page.getByTestId('detail-panel').getByRole('heading', { level: 2 })).toHaveText(
		name
	);
});

test('a county administrator sees children at risk on the dashboard, by township', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/dashboard');
	const panel = page.getByTestId('exposure');
	await expect(panel.getByRole('heading', { name: '儿童风险暴露', exact: true })).toBeVisible();
	// the bars and the map beside them share one colour key
	await expect(page.getByTestId('rate-legend')).toContainText('≥80%');
	await expect(page.getByTestId('rate-legend')).toContainText('<40%');
	// the figures are the route's, which the integration tests hold equal to plain PostGIS
	const api = await (await page.request.get('/api/analysis/exposure')).json();
	expect(api.total.nearIncomplete).toBeGreaterThan(0);
	const shown = (await panel.getByTestId('exposure-near').textContent()) ?? '';
	expect(shown.replace(/[,\s]/g, '')).toContain(String(api.total.nearIncomplete));
	const uncovered = (await panel.getByTestId('exposure-uncovered').textContent()) ?? '';
	expect(uncovered.replace(/[,\s]/g, '')).toContain(String(api.total.uncovered));
	// the counts are perturbed: the key under them says so
	await expect(panel.getByTestId('exposure-key')).toContainText('扰动');
	// one row per township; a click opens that township's dashboard
	const rows = panel.getByTestId('exposure-bars').locator('g.row');
	await expect(rows).toHaveCount(api.bySubunit.length);
	expect(api.bySubunit.length).toBeGreaterThan(3);
	await rows.first().click();
	await expect(page).toHaveURL(new RegExp(`/dashboard\\?area=${api.bySubunit[0].code}$`));
	await expect(page.getByTestId('exposure').getByTestId('exposure-near')).toBeVisible();
	// the way back up names the county; it leads to the county's own dashboard
	const trail = page.getByTestId('dash-trail');
	await expect(trail).toContainText('洪湖市');
	await trail.getByRole('link', { name: '洪湖市' }).click();
	await expect(page).toHaveURL(/\/dashboard$/);
	await expect(page.getByTestId('dash-trail')).toHaveCount(0);
	expect(problems).toEqual([]);
});

test('on a phone the dashboard charts fit the screen, value labels included', async ({ page }) => {
	await page.setViewportSize(PHONE.viewport);
	await signIn(page, DEMO.county);
	await page.goto('/dashboard');
	await expect(page.getByTestId('completion-bars')).toBeVisible();
	await expect(page.getByTestId('exposure-bars')).toBeVisible();
	// each chart is drawn at its own column's width (once measured), and nothing scrolls sideways
	await expect
		.poll(() =>
			page.evaluate(() =>
				Math.max(
					...[...document.querySelectorAll('.bar-chart svg')].map(
						(s) => s.getBoundingClientRect().right
					)
				)
			)
		)
		.toBeLessThanOrEqual(390);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
