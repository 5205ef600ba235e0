// A flood-season campaign from the field to paper, in one journey (issue 12, Tests): a township
// worker on a phone, out of signal, records an institution's checklist with a hazard and a
// photo the phone stamps with time and place; back in signal the outbox empties; the county sees
// the hazard on the campaign's dashboard (figures, tables, the map's points), each figure equal
// to the campaign's own files (the targets and hazards exports, another path to the database);
// the hazard is registered, fixed with an after photo by the worker, refused to be verified by
// the one who fixed it, verified and closed by the county; the dashboard shows it closed; and
// Chromium's PDF of the bulletin has every row of every table of the page.
// Beside it: a bulletin of some hundreds of rows prints every one, and the dashboard's tables
// sort by a chosen column, their files following the order shown.
import { test, expect, type Page } from '@playwright/test';
import sharp from 'sharp';
import ExcelJS from 'exceljs';
import {
	csvRecords,
	DEMO,
	expectPageNumbers,
	guard,
	hydrated,
	launchCampaign,
	openable,
	PHONE,
	printPdf,
	rowsNotPrinted,
	sheetsOf,
	signIn,
	stampPixels,
	stampPixelsOf,
	tableRows
} from './helpers';

const FIGURES = ['targets', 'visited', 'found', 'fixed', 'closed', 'open', 'overdue'] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

/** The dashboard's figures as it states them (each figure's data-value). */
async function dashboardFigures(page: Page, id: string): Promise<Figures> {
	await page.goto(`/campaigns/${id}/dashboard`);
	await expect(page.getByTestId('cd-title')).toBeVisible();
	const f = {} as Figures;
	for (const k of FIGURES)
		// (the overdue table has the same test id as its figure: the figure is the <dd>)
		f[k] = Number(await page.locator(`dd[data-testid="cd-${k}"]`).getAttribute('data-value'));
	return f;
}

/** Today in Beijing, YYYY-MM-DD (the day a deadline is written in). */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The same figures counted from the campaign's own files (its targets and its hazards, as the
 * campaign's page exports them: another query than the dashboard's), and the hazards file.
 */
async function filedFigures(page: Page, id: string) {
	const file = async (list: string) => {
		const res = await page.request.get(
			`/api/exports/campaigns?list=${list}&campaign=${id}&format=csv`
		);
		expect(res.status()).toBe(200);
		return csvRecords(await res.text());
	};
	const targets = await file('targets');
	const hazards = await file('hazards');
	const state = (h: Record<string, string>) => h['状态'];
	const today = beijingToday();
	const f: Figures = {
		targets: targets.length,
		visited: targets.filter((t) => Number(t['排查次数']) > 0).length,
		found: hazards.length,
		fixed: hazards.filter((h) => ['已整改待销号', '已销号'].includes(state(h))).length,
		closed: hazards.filter((h) => state(h) === '已销号').length,
		open: hazards.filter((h) => state(h) !== '已销号').length,
		// overdue: its last day has passed and it is not closed
		overdue: hazards.filter(
			(h) => state(h) !== '已销号' && h['整改期限（含当日）'] && h['整改期限（含当日）'] < today
		).length
	};
	return { figures: f, hazards };
}

/** The dashboard's tables agree with its figures: townships summed, overdue rows, map points. */
async function expectDashboardTables(page: Page, f: Figures) {
	const rows = await tableRows(page, 'table[data-testid="cd-townships"]');
	expect(rows.length).toBeGreaterThan(0);
	// name, targets, visited, share, found, fixed, closed, open, overdue
	const sum = (i: number) => rows.reduce((a, r) => a + Number(r[i].replace(/,/g, '')), 0);
	expect({
		targets: sum(1),
		visited: sum(2),
		found: sum(4),
		fixed: sum(5),
		closed: sum(6),
		open: sum(7),
		overdue: sum(8)
	}).toEqual(f);
	if (f.overdue === 0) {
		await expect(page.getByTestId('cd-no-overdue')).toBeVisible();
		await expect(page.locator('table[data-testid="cd-overdue"]')).toHaveCount(0);
	} else {
		await expect(page.locator('table[data-testid="cd-overdue"] tbody tr')).toHaveCount(f.overdue);
	}
	// the map of open hazards draws one point for each
	await expect(page.getByTestId('hazard-map')).toHaveAttribute('data-points', String(f.open));
}

test('journey: offline check with a hazard and a stamped photo → dashboard → registered, fixed, verified by another, closed → the bulletin prints every row', async ({
	page,
	browser
}) => {
	test.setTimeout(360_000);
	const problems = guard(page);
	const { name, id, origin } = await launchCampaign(page, '全程排查');
	const before = await dashboardFigures(page, id);
	expect(before.targets).toBeGreaterThan(0);
	expect(before).toEqual((await filedFigures(page, id)).figures);

	// the township worker's phone, standing in 洪湖市
	const phone = await browser.newContext({ ...PHONE, baseURL: origin });
	await phone.grantPermissions(['geolocation']);
	await phone.setGeolocation({ longitude: 113.45, latitude: 29.85, accuracy: 12 });
	const worker = await phone.newPage();
	const workerProblems = guard(worker);
	await signIn(worker, DEMO.township);
	await worker.goto('/campaigns/mine');
	const institution = worker
		.getByTestId('my-target')
		.filter({ hasText: '儿童相关机构' })
		.filter({ hasText: name })
		.first();
	await expect(institution).toBeVisible();
	// name and link read at once (the list re-sorts when the phone's position arrives)
	const { targetName, href } = await openable(institution);
	await worker.locator(`a.name[href="${href}"]`).click();
	await expect(worker.getByTestId('target-name')).toHaveText(targetName);
	await worker.waitForFunction(() => !!navigator.serviceWorker.controller);
	await expect(worker.getByTestId('check-where')).toContainText('29.85000');

	// out of signal: the checklist, the wall a hazard with its photo
	await phone.setOffline(true);
	const items = await worker
		.getByTestId('checklist')
		.locator('fieldset')
		.evaluateAll((fs) => fs.map((f) => (f.dataset.testid ?? '').replace(/^item-/, '')));
	expect(items).toContain('wall');
	for (const item of items.filter((i) => i !== 'wall'))
		await worker.getByTestId(`item-${item}`).getByText('正常', { exact: true }).click();
	await worker.getByTestId('item-wall').getByText('有隐患', { exact: true }).click();
	await worker.getByTestId('item-wall').getByRole('textbox').fill('围墙倒塌缺口，临近鱼塘');
	const jpeg = await sharp({
		create: { width: 2400, height: 1800, channels: 3, background: '#4a7c59' }
	})
		.jpeg()
		.toBuffer();
	await worker
		.getByTestId('photo-wall')
		.setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	const stamped = worker.getByTestId('stamped-photo');
	await expect(stamped).toBeVisible();
	// the stamp's words go with the photo (time in Beijing and the phone's place) …
	const stamp = (await stamped.getAttribute('alt'))!;
	expect(stamp).toMatch(
		/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC\+8\) · 29\.85000°N 113\.45000°E$/
	);
	const stampedAt = Date.parse(`${stamp.slice(0, 10)}T${stamp.slice(11, 19)}+08:00`);
	expect(Math.abs(stampedAt - Date.now())).toBeLessThan(10 * 60_000);
	// … and are drawn on it: a dark band with white words along the foot of a plain picture
	const onPhone = await stampPixels(stamped);
	expect(onPhone.w).toBe(1600);
	expect(onPhone.foot).toBeLessThan(onPhone.top * 0.7);
	expect(onPhone.white).toBeGreaterThan(100);
	await worker.getByTestId('check-submit').click();
	await expect(worker.getByTestId('check-queued')).toContainText('已保存在本机');
	await expect(worker.getByTestId('outbox-pending')).toHaveText('待上传 1 条');
	await expect(worker.getByTestId('outbox-photos-left')).toHaveText('其中照片 1 张未传完');

	// signal again: the outbox empties, the record and then its photo on the server
	await phone.setOffline(false);
	await expect(worker.getByTestId('outbox-banner')).toBeHidden({ timeout: 90_000 });
	await expect(worker.getByTestId('outbox-pending')).toHaveCount(0);
	await expect(worker.getByTestId('check-saved')).toBeVisible();
	await expect(worker.getByTestId('target-hazards')).toContainText('已排查发现');
	const served = worker.getByTestId('check-photo').first();
	await expect(served).toBeAttached();
	// the server keeps the stamp's words with the photo, and the picture stamped as sent
	await expect(served).toHaveAttribute('alt', stamp);
	const res = await worker.request.get((await served.getAttribute('src'))!);
	expect(res.status()).toBe(200);
	const bytes = await res.body();
	const meta = await sharp(bytes).metadata();
	expect(meta.format).toBe('jpeg');
	expect(meta.width).toBe(onPhone.w);
	// (decoded here: the history's picture is folded away, not loaded by the page)
	const onServer = await stampPixelsOf(bytes);
	expect(onServer.foot).toBeLessThan(onServer.top * 0.7);
	expect(onServer.white).toBeGreaterThan(100);

	// the county's dashboard: one more target visited, one more hazard, as the files count them
	const found = await dashboardFigures(page, id);
	const filed = await filedFigures(page, id);
	expect(found).toEqual(filed.figures);
	expect(found.visited).toBe(before.visited + 1);
	expect(found.found).toBe(before.found + 1);
	expect(found.open).toBe(before.open + 1);
	await expectDashboardTables(page, found);
	const mine = filed.hazards.filter((h) => h['排查对象'] === targetName);
	expect(mine.map((h) => h['状态'])).toEqual(['已排查发现']);
	const hazardId = mine[0]['编号'];

	// on the bulletin's list of open hazards, and as a point of its map
	await page.goto(`/campaigns/${id}/bulletin`);
	const openRow = page.locator('table[data-testid="bulletin-open"] tbody tr', {
		has: page.locator('td:first-child', { hasText: new RegExp(`^${hazardId}$`) })
	});
	await expect(openRow).toContainText(targetName);
	await expect(openRow).toContainText('已排查发现');
	await expect(page.locator('table[data-testid="bulletin-open"] tbody tr')).toHaveCount(found.open);
	await expect(page.getByTestId('bulletin-map')).toHaveAttribute('data-points', String(found.open));

	// 登记: the county registers it
	const hazardUrl = `/hazards/${hazardId}`;
	await page.goto(hazardUrl);
	await hydrated(page);
	await expect(page.getByTestId('hazard-state')).toHaveAttribute('data-state', 'found');
	const reg = page.getByTestId('register-form');
	await reg.getByLabel('隐患等级').selectOption('major');
	await reg.getByLabel('整改责任人').fill('王校长');
	await page.getByTestId('register-submit').click();
	await expect(page.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');

	// 整改: the worker records the fix with an after photo, in signal
	await worker.goto(hazardUrl);
	await hydrated(worker);
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'registered');
	await worker.getByTestId('fix-form').getByLabel('整改说明').fill('已砌筑围墙并设警示牌');
	await worker
		.getByTestId('fix-form')
		.getByLabel('整改后照片')
		.setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: jpeg });
	await worker.getByTestId('fix-submit').click();
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'fixed');
	await expect(worker.getByTestId('after-photo')).toBeVisible();
	const after = await stampPixels(worker.getByTestId('after-photo'));
	expect(after.foot).toBeLessThan(after.top * 0.8);
	expect(after.white).toBeGreaterThan(50);

	// the one who fixed it may verify fixes (township staff) but not this one: the page says why
	// and offers no close, and the step sent anyway is refused and changes nothing
	await expect(worker.getByTestId('close-form')).toHaveCount(0);
	await expect(worker.getByTestId('hazard-no-actions')).toHaveText(
		'整改人不能自己核实销号，请由另一人核实'
	);
	const selfClose = await worker.request.post('/api/hazard-steps', {
		headers: { origin },
		multipart: {
			hazardId,
			action: 'close',
			clientUuid: crypto.randomUUID(),
			expected: 'fixed',
			note: '自己核实'
		}
	});
	expect(selfClose.status()).toBe(400);
	expect(((await selfClose.json()) as { message: string }).message).toBe(
		'整改人不能自己核实销号，请由另一人核实'
	);
	await worker.reload();
	await expect(worker.getByTestId('hazard-state')).toHaveAttribute('data-state', 'fixed');

	// 销号: a second person, the county, verifies and closes it
	await page.goto(hazardUrl);
	await hydrated(page);
	await page.getByTestId('close-form').getByLabel('核实意见').fill('现场核实，围墙已修复');
	await page.getByTestId('close-submit').click();
	await expect(page.getByTestId('hazard-state')).toHaveAttribute('data-state', 'closed');
	// found, registered, fixed, closed: each step once, none skipped
	await expect(page.getByTestId('hazard-log').locator('li')).toHaveCount(4);

	// the dashboard shows it closed, as the files count
	const closed = await dashboardFigures(page, id);
	const filedClosed = await filedFigures(page, id);
	expect(closed).toEqual(filedClosed.figures);
	expect(closed.closed).toBe(before.closed + 1);
	expect(closed.fixed).toBe(before.fixed + 1);
	expect(closed.open).toBe(before.open);
	expect(closed.found).toBe(found.found);
	await expectDashboardTables(page, closed);
	expect(filedClosed.hazards.find((h) => h['编号'] === hazardId)?.['状态']).toBe('已销号');

	// the bulletin prints every row of every table it shows
	await page.goto(`/campaigns/${id}/bulletin`);
	await expect(page.getByTestId('bulletin-title')).toContainText(name);
	await expect(page.getByTestId('b-closed')).toHaveText(String(closed.closed));
	await expect(page.getByTestId('b-open')).toHaveText(String(closed.open));
	await expect(
		page.locator('table[data-testid="bulletin-open"] tbody tr', { hasText: targetName })
	).toHaveCount(0);
	const rows = await tableRows(page, '.bulletin table');
	// the summary's two rows, a row a township, and one a target not yet visited
	const unvisited = await page.getByTestId('unvisited-row').count();
	expect(unvisited).toBe(closed.targets - closed.visited);
	expect(rows.length).toBeGreaterThan(unvisited);
	const printed = await printPdf(page, `journey-bulletin-${id}`, { layout: true });
	const sheets = sheetsOf(printed);
	expectPageNumbers(sheets);
	expect(rowsNotPrinted(rows, sheets)).toEqual([]);

	expect(problems).toEqual([]);
	// the refused close (400) and the attempts made out of signal are the phone's only complaints
	expect(
		workerProblems.filter(
			(p) => !p.includes('ERR_INTERNET_DISCONNECTED') && !p.includes('status of 400')
		)
	).toEqual([]);
	await phone.close();
});

test('a bulletin of hundreds of rows prints every one of them on A4', async ({ page }) => {
	test.setTimeout(300_000);
	const problems = guard(page);
	const { id } = await launchCampaign(page, '百行通报');
	const f = await dashboardFigures(page, id);
	await page.goto(`/campaigns/${id}/bulletin`);
	await expect(page.getByTestId('bulletin-title')).toBeVisible();
	const rows = await tableRows(page, '.bulletin table');
	// a new county campaign: every target is still to visit, each a row
	const unvisited = await page.getByTestId('unvisited-row').count();
	expect(unvisited).toBe(f.targets - f.visited);
	// the heading says the same count
	await expect(
		page.getByRole('heading', { name: `尚未排查的对象（${unvisited}个）` })
	).toBeVisible();
	expect(rows.length).toBeGreaterThanOrEqual(100);
	const printed = await printPdf(page, `bulletin-${id}`, { layout: true });
	expect(printed.info).toMatch(/Page size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)/);
	const sheets = sheetsOf(printed);
	expectPageNumbers(sheets);
	const missing = rowsNotPrinted(rows, sheets);
	expect(missing).toEqual([]);
	// every row the page shows was found on paper: as many as the page has
	expect(rows.length - missing.length).toBe(await page.locator('.bulletin table tbody tr').count());
	expect(problems).toEqual([]);
});

test('a dashboard table sorts by the column chosen, and its files follow the order shown', async ({
	page
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);
	const { id } = await launchCampaign(page, '排序导出');
	await page.goto(`/campaigns/${id}/dashboard`);
	await hydrated(page);
	const table = page.locator('table[data-testid="cd-townships"]');
	const shown = () => tableRows(page, 'table[data-testid="cd-townships"]');
	const first = await shown();
	expect(first.length).toBeGreaterThan(2);
	const targetsOf = (rows: string[][]) => rows.map((r) => Number(r[1].replace(/,/g, '')));
	// the column chosen has different values in different rows, or there is no order to see
	expect(new Set(targetsOf(first)).size).toBeGreaterThan(1);
	// the county's own units follow the townships in every order (domain/campaign-dashboard.ts)
	const townshipsOnly = (rows: string[][]) => rows.filter((r) => !r[0].startsWith('县级（直属）'));

	const header = table.locator('thead th', { hasText: '排查对象' });
	const file = async (format: 'csv' | 'xlsx') =>
		new URL((await page.getByTestId(`cd-townships-${format}`).getAttribute('href'))!, page.url());
	const fetched = async (format: 'csv' | 'xlsx') => {
		const res = await page.request.get((await file(format)).toString());
		expect(res.status()).toBe(200);
		return res.body();
	};
	const names = new Set(first.map((r) => r[0]));
	/** the rows' names in each file's order: the CSV's first column, the workbook's rows */
	const filed = async () => {
		const csv = csvRecords((await fetched('csv')).toString('utf8')).map((r) => Object.values(r)[0]);
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await fetched('xlsx')) as unknown as ArrayBuffer);
		const xlsx: string[] = [];
		wb.worksheets[0].eachRow((row) => {
			const v = String(row.getCell(1).value ?? '');
			if (names.has(v)) xlsx.push(v);
		});
		return { csv, xlsx };
	};
	// the files in the default order first: the rows as shown
	const byName = (rows: string[][]) => rows.map((r) => r[0]);
	expect(await filed()).toEqual({ csv: byName(first), xlsx: byName(first) });

	let prev = first;
	for (const [dir, aria] of [
		['desc', 'descending'],
		['asc', 'ascending']
	] as const) {
		await header.getByRole('button').click();
		await expect(header).toHaveAttribute('aria-sort', aria);
		await expect.poll(async () => byName(await shown())).not.toEqual(byName(prev));
		const rows = await shown();
		// the same rows, reordered: most targets first, then fewest
		expect(rows.map((r) => r.join('|')).sort()).toEqual(first.map((r) => r.join('|')).sort());
		const n = targetsOf(townshipsOnly(rows));
		for (let i = 1; i < n.length; i++)
			if (dir === 'desc') expect(n[i]).toBeLessThanOrEqual(n[i - 1]);
			else expect(n[i]).toBeGreaterThanOrEqual(n[i - 1]);
		// the links say the order shown, and both files hold the rows in it
		for (const f of ['csv', 'xlsx'] as const) {
			const u = await file(f);
			expect(u.searchParams.get('sort'), f).toBe('targets');
			expect(u.searchParams.get('dir'), f).toBe(dir);
		}
		expect(await filed()).toEqual({ csv: byName(rows), xlsx: byName(rows) });
		prev = rows;
	}
	expect(problems).toEqual([]);
});
