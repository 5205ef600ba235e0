// Emergency staff during a flood, in Chromium: outside an emergency the desk says why homes are
// refused; once the county declares one for a township, the banner shows on every page, the
// desk lists the homes by village (printable, exportable), and an area drawn on the map (checked
// in the browser: a crossing ring is refused there) is answered by the server, and a river reach
// picked shows what lies near it with the server's own figures. On a phone.
import { test, expect, type Page } from '@playwright/test';
import { DEMO, guard, hydrated, PHONE, pointOf, signIn } from './helpers';

const TOWNSHIP = '421083100000';

async function mapReady(page: Page) {
	await expect(page.getByTestId('emergency-map')).toHaveAttribute('data-loaded', 'true');
}

/** Click the map at fractions of its box (a vertex while drawing). */
async function clickMap(page: Page, fx: number, fy: number) {
	// the whole map in view: a click below the phone's screen reaches nothing
	const map = page.getByTestId('emergency-map').locator('.live');
	await map.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	const box = await map.boundingBox();
	if (!box) throw new Error('no map');
	await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
}

test('outside an emergency the desk lists none and says why homes are refused', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.emergency);
	await expect(page.getByTestId('emergency-banner')).toHaveCount(0);
	await page.goto('/emergency');
	await expect(page.getByRole('heading', { name: '应急工作台' })).toBeVisible();
	await expect(page.getByTestId('emergency-none')).toBeVisible();
	await expect(page.getByTestId('homes-refused')).toHaveText(
		'仅在已宣布的应急状态内可见；请联系县级管理员'
	);
	// asking for a township's homes anyway: refused with the reason, no list
	await page.getByTestId('homes-form').locator('select').selectOption(TOWNSHIP);
	await page.getByRole('button', { name: '显示名单' }).click();
	await expect(page).toHaveURL(/area=421083100000/);
	await expect(page.getByTestId('homes-refused')).toContainText('仅在已宣布的应急状态内可见');
	await expect(page.getByTestId('homes-village')).toHaveCount(0);
	// the file is refused the same way
	const file = await page.request.get(`/api/exports/emergency-homes?area=${TOWNSHIP}&format=csv`);
	expect(file.status()).toBe(403);
	expect(problems).toEqual([]);
});

test('inside an emergency, on a phone: banner, homes by village, file, and a drawn area answered', async ({
	browser,
	page
}) => {
	test.setTimeout(180_000);
	// the county declares an emergency over one township
	await signIn(page, DEMO.county);
	await page.goto('/admin/emergencies');
	await hydrated(page);
	const reason = `汛情转移 e2e ${Date.now()}`;
	await page.locator('#em-area').fill(TOWNSHIP);
	await page.locator('#em-reason').fill(reason);
	await page.getByRole('button', { name: '宣布', exact: true }).click();
	await expect(page.getByTestId('notice-ok')).toHaveText('已宣布应急状态。');

	const phone = await browser.newContext({ ...PHONE, baseURL: new URL(page.url()).origin });
	const p = await phone.newPage();
	const problems = guard(p);
	try {
		await signIn(p, DEMO.emergency);
		const banner = p.getByTestId('emergency-banner');
		await expect(banner).toContainText('应急状态：');
		await banner.getByRole('link', { name: '查看应急' }).click();
		await expect(p).toHaveURL(/\/emergency$/);
		await expect(p.getByTestId('emergency-list')).toContainText('生效中');
		await expect(p.getByTestId('emergency-list')).toContainText(TOWNSHIP);

		// the homes of the township, by village, with a count each and the nearest segment: the
		// township under the emergency is offered first, marked, and already chosen
		const choice = p.getByTestId('homes-form').locator('select');
		await expect(choice).toHaveValue(TOWNSHIP);
		const inForce = choice.getByTestId('areas-in-force');
		await expect(inForce).toHaveAttribute('label', '应急状态中');
		await expect(inForce.locator('option')).toHaveCount(1);
		await expect(inForce.locator('option')).toHaveAttribute('value', TOWNSHIP);
		// the map's key names what it draws: the segments by their items, and no homes yet
		const key = p.getByTestId('emergency-map-legend');
		await expect(key.locator('li')).toHaveText(['“四个一”齐全', '部分缺失', '全部缺失或未检查']);
		await p.getByRole('button', { name: '显示名单' }).click();
		const villages = p.getByTestId('homes-village');
		await expect(villages.first()).toBeVisible();
		expect(await villages.count()).toBeGreaterThan(0);
		// each village's count is its rows, one a registered child's home, and says so; the note
		// tells it apart from the released figures "near a place" shows
		const first = villages.first();
		const rows = await first.locator('tbody tr').count();
		await expect(first.getByTestId('homes-village-count')).toHaveText(`${rows} 名儿童的住址`);
		await expect(p.getByTestId('homes-count-note')).toContainText('发布数');
		await expect(p.getByTestId('homes-refused')).toHaveCount(0);
		// the homes are on the map too
		const onMap = Number(await p.getByTestId('emergency-map').getAttribute('data-homes'));
		expect(onMap).toBeGreaterThan(0);
		await expect(key.locator('li').last()).toHaveText('儿童住址（精确位置）');
		// the file: the same rows as the page, a CSV
		const csv = await p.request.get(`/api/exports/emergency-homes?area=${TOWNSHIP}&format=csv`);
		expect(csv.status()).toBe(200);
		expect(csv.headers()['content-type']).toContain('text/csv');
		const lines = (await csv.text()).trim().split(/\r?\n/);
		expect(lines.length - 1).toBe(onMap);
		expect(lines[0]).toContain('儿童编号');
		// nothing on the page scrolls sideways at phone size
		const wide = await p.evaluate(
			() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1
		);
		expect(wide).toBe(false);
		// and every coordinate is read whole on the phone, in Chinese and in English: no cell of
		// the homes lists and none of their scroll boxes hides part of what it holds
		const clipped = () =>
			p.evaluate(() =>
				[...document.querySelectorAll('[data-testid="homes-village"] .scroll')].flatMap((box) =>
					[box, ...box.querySelectorAll('th, td')]
						.filter((el) => el.scrollWidth > el.clientWidth)
						.map(
							(el) => `${el.tagName} ${el.textContent?.trim()}: ${el.scrollWidth}>${el.clientWidth}`
						)
				)
			);
		expect(await clipped()).toEqual([]);
		await expect(first.locator('td.coords').first()).toHaveText(/^\d+\.\d{5}, \d+\.\d{5}$/);
		await p.context().addCookies([{ name: 'lang', value: 'en', url: new URL(p.url()).origin }]);
		await p.reload();
		await expect(p.getByTestId('homes-village').first()).toBeVisible();
		await expect(p.locator('html')).toHaveAttribute('lang', 'en');
		expect(await clipped()).toEqual([]);
		await p.context().addCookies([{ name: 'lang', value: 'zh', url: new URL(p.url()).origin }]);
		await p.reload();
		await expect(p.getByTestId('homes-village').first()).toBeVisible();

		// draw a crossing ring: refused in the browser, before any request
		await mapReady(p);
		await p.getByRole('button', { name: '画区域' }).click();
		await clickMap(p, 0.3, 0.3);
		await clickMap(p, 0.7, 0.7);
		await clickMap(p, 0.7, 0.3);
		await clickMap(p, 0.3, 0.7);
		await expect(p.getByTestId('draw-vertices')).toHaveText('已添加 4 个顶点');
		await p.getByRole('button', { name: '完成并查询' }).click();
		await expect(p.getByTestId('near-problem')).toHaveText('区域的边相互交叉，请重新绘制');
		await expect(p.getByTestId('near-answer')).toHaveCount(0);

		// a proper one: the server answers
		await p.getByRole('button', { name: '清除' }).click();
		await p.getByRole('button', { name: '画区域' }).click();
		await clickMap(p, 0.25, 0.25);
		await clickMap(p, 0.75, 0.25);
		await clickMap(p, 0.75, 0.75);
		await clickMap(p, 0.25, 0.75);
		const answered = p.waitForResponse((r) => r.url().endsWith('/api/emergency/near'));
		await p.getByRole('button', { name: '完成并查询' }).click();
		expect((await answered).status()).toBe(200);
		const answer = p.getByTestId('near-answer');
		await expect(answer).toContainText('所画区域');
		await expect(p.getByTestId('near-institutions')).toHaveText(/^\d+$/);
		await expect(p.getByTestId('near-hazards')).toHaveText(/^\d+$/);
		await expect(p.getByTestId('near-children')).toHaveText(/^(\d+|—)$/);
		await expect(
			answer.locator('dt').getByText('儿童人数（各村发布数之和）', { exact: true })
		).toHaveCount(1);

		// a bad ring sent straight to the server: a 400 in Chinese
		const bad = await p.request.post('/api/emergency/near', {
			data: {
				kind: 'area',
				ring: [
					[113.5, 29.8],
					[113.6, 29.9],
					[113.6, 29.8],
					[113.5, 29.9],
					[113.5, 29.8]
				]
			}
		});
		expect(bad.status()).toBe(400);
		expect((await bad.json()).message).toBe('区域的边相互交叉，请重新绘制');

		// a segment of the township: the pole thrown in a rescue is recorded as used, and the
		// segment's four items say so at once
		await p.goto(`/waterways?township=${TOWNSHIP}&mine=0`);
		await p.locator('a[href^="/waterways/"]').first().click();
		await expect(p).toHaveURL(/\/waterways\/\d+$/);
		await hydrated(p);
		const rescue = p.getByTestId('rescue');
		await expect(rescue).toContainText('应急期间');
		await rescue.getByTestId('rescue-submit').click();
		await expect(rescue.getByTestId('rescue-error')).toHaveText(
			'请选择救援中用掉的器材（救生圈、救生绳或救生杆）'
		);
		await rescue.getByRole('checkbox', { name: '救生杆' }).check();
		await rescue.getByRole('textbox').fill('救起落水儿童一名');
		await rescue.getByTestId('rescue-submit').click();
		await expect(rescue.getByTestId('rescue-message')).toHaveText(
			'已记录，河段“四个一”状态已更新。'
		);
		await expect(p.locator('[data-testid="slots"] [data-item="pole"]')).toHaveAttribute(
			'data-status',
			'used'
		);
		await expect(p.getByTestId('history').locator('li.entry').first()).toContainText(
			'救起落水儿童一名'
		);
		expect(problems).toEqual([]);
	} finally {
		await phone.close();
		// end the emergency so later suites on this server see none
		await page.goto('/admin/emergencies');
		page.once('dialog', (d) => void d.accept());
		await page
			.getByTestId('emergency-row')
			.filter({ hasText: reason })
			.getByTestId('emergency-end')
			.click();
		await expect(page.getByTestId('notice-ok')).toContainText('应急状态已结束');
	}
});

test('on a phone, a river reach tapped on the map shows the institutions, hazards and children near it, as the server counts them', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(120_000);
	const phone = await browser.newContext({ ...PHONE, baseURL });
	const p = await phone.newPage();
	const problems = guard(p);
	try {
		await signIn(p, DEMO.emergency);
		await p.goto('/emergency');
		await mapReady(p);
		const form = p.getByTestId('near-segment');
		// the widest reach, so there is most to compare
		await form.locator('select').selectOption('2000');
		// a reach tapped on the map, where the map draws one (its segments carry their ids)
		let at: { x: number; y: number } | null = null;
		await expect
			.poll(async () => (at = await pointOf(p, 'waterways-hit')), { timeout: 30_000 })
			.not.toBeNull();
		const sent = p.waitForRequest(
			(r) => r.url().endsWith('/api/emergency/near') && r.method() === 'POST'
		);
		const box = (await p.getByTestId('emergency-map').locator('.live canvas').boundingBox())!;
		await p.touchscreen.tap(box.x + at!.x, box.y + at!.y);
		const q = (await sent).postDataJSON() as { kind: string; segmentId: number; radiusM: number };
		expect(q).toEqual({ kind: 'segment', segmentId: expect.any(Number), radiusM: 2000 });
		// the form names the reach tapped, so it can be asked again at another distance
		await expect(form.locator('input')).toHaveValue(String(q.segmentId));
		const answer = p.getByTestId('near-answer');
		await expect(answer).toBeVisible();
		// the reach chosen is named in the answer
		await expect(answer.locator('h3')).toContainText(String(q.segmentId));

		// what the server answers for the same reach
		const r = await p.request.post('/api/emergency/near', { data: q });
		expect(r.status()).toBe(200);
		const server = (await r.json()) as {
			place: { name: string };
			institutions: { name: string }[];
			hazards: unknown[];
			villages: { name: string; total: number | null }[];
			children: { total: number | null; leftBehind: number | null; inDifficulty: number | null };
		};
		const fig = (n: number | null) => (n === null ? '—' : String(n));
		await expect(answer.locator('h3')).toContainText(server.place.name);
		await expect(p.getByTestId('near-institutions')).toHaveText(String(server.institutions.length));
		await expect(p.getByTestId('near-hazards')).toHaveText(String(server.hazards.length));
		await expect(p.getByTestId('near-children')).toHaveText(fig(server.children.total));
		const figures = answer.locator('dl.figures dd');
		await expect(figures.nth(3)).toHaveText(fig(server.children.leftBehind));
		await expect(figures.nth(4)).toHaveText(fig(server.children.inDifficulty));
		for (const i of server.institutions) await expect(answer).toContainText(i.name);
		// the villages near it, each with its released count
		const rows = p.getByTestId('near-villages').locator('tbody tr');
		await expect(rows).toHaveCount(server.villages.length);
		for (const [n, v] of server.villages.entries())
			await expect(rows.nth(n).locator('td')).toHaveText([
				v.name,
				fig(v.total),
				/^(\d+|—)$/,
				/^(\d+|—)$/
			]);
		// something to compare: a reach of 2 km in a county with children has some near it
		expect(server.villages.length + server.institutions.length).toBeGreaterThan(0);
		const wide = await p.evaluate(
			() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1
		);
		expect(wide).toBe(false);
		expect(problems).toEqual([]);
		// a reach's number typed wrong: the page says there is no such reach (not a refusal), and
		// how else to choose one
		await form.locator('input').fill('999999999');
		await form.getByRole('button').click();
		await expect(p.getByTestId('near-problem')).toContainText('没有编号为 999999999 的河段');
		await expect(p.getByTestId('near-problem')).toContainText('在地图上点击河段');
	} finally {
		await phone.close();
	}
});
