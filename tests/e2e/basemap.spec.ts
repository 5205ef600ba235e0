// The operator's offline vector basemap (BASEMAP_PMTILES). serve.ts gives the e2e server a
// small archive of the fixture county that the tests built (tests/support/basemap-fixture.ts):
// the app serves it with range requests, the map draws its roads and buildings under the
// app's layers with no request leaving 127.0.0.1, and a river chief's phone keeps the area of
// their segments, so the basemap is still drawn out of signal.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { DEMO, PHONE, guard, mapIdle, signIn } from './helpers';
import { E2E_BASEMAP } from './basemap-file';

const PATH = '/tiles/basemap.pmtiles';

/** Basemap features drawn on screen now, per source layer. */
function drawnBasemap(page: Page): Promise<Record<string, number>> {
	return page.evaluate(() => {
		const m = (
			window as unknown as {
				__tonganMap: {
					getStyle(): { layers: { id: string }[] };
					queryRenderedFeatures(o: { layers: string[] }): { sourceLayer?: string }[];
				};
			}
		).__tonganMap;
		const layers = m
			.getStyle()
			.layers.map((l) => l.id)
			.filter((id) => id.startsWith('bm-'));
		const counts: Record<string, number> = {};
		for (const f of m.queryRenderedFeatures({ layers }))
			counts[f.sourceLayer ?? '?'] = (counts[f.sourceLayer ?? '?'] ?? 0) + 1;
		return counts;
	});
}

test('the archive is served to signed-in users only, as byte ranges', async ({ page, request }) => {
	const file = readFileSync(E2E_BASEMAP);
	const anonymous = await request.get(PATH, { headers: { range: 'bytes=0-16383' } });
	expect(anonymous.status()).toBe(401);

	await signIn(page, DEMO.riverChief);
	const get = (range: string) => page.request.get(`${PATH}?v=1`, { headers: { range } });
	// the reader's first request: header and root directory, clamped to the file
	const head = await get('bytes=0-16383');
	expect(head.status()).toBe(206);
	const end = Math.min(16383, file.length - 1);
	expect(head.headers()['content-range']).toBe(`bytes 0-${end}/${file.length}`);
	expect(head.headers()['accept-ranges']).toBe('bytes');
	expect(head.headers()['etag']).toMatch(/^"[^"]+"$/);
	expect(Buffer.from(await head.body()).equals(file.subarray(0, end + 1))).toBe(true);
	// a tile somewhere in the middle
	const mid = Math.floor(file.length / 2);
	const part = await get(`bytes=${mid}-${mid + 999}`);
	expect(part.status()).toBe(206);
	expect(part.headers()['content-length']).toBe('1000');
	expect(Buffer.from(await part.body()).equals(file.subarray(mid, mid + 1000))).toBe(true);
	// past the end
	const past = await get(`bytes=${file.length}-`);
	expect(past.status()).toBe(416);
	expect(past.headers()['content-range']).toBe(`bytes */${file.length}`);
});

test.describe('on a phone', () => {
	test.use(PHONE);

	test('a river chief sees roads and buildings around the segments, also out of signal', async ({
		page,
		context
	}) => {
		const problems = guard(page);
		const ranges = new Set<string>();
		page.on('request', (r) => {
			if (new URL(r.url()).pathname === PATH) ranges.add(r.headers()['range'] ?? 'whole');
		});
		// a first map with a basemap, on a shared machine's software WebGL, is slow to load
		test.setTimeout(240_000);
		await signIn(page, DEMO.riverChief);
		await expect(page).toHaveURL(/\/waterways$/);
		await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true', {
			timeout: 90_000
		});
		await mapIdle(page);
		await expect.poll(async () => (await drawnBasemap(page)).earth ?? 0).toBeGreaterThan(0);
		const online = await drawnBasemap(page);
		expect((online.roads ?? 0) + (online.buildings ?? 0)).toBeGreaterThan(0);
		// the app's own segments are drawn above it
		await expect(page.getByTestId('map')).not.toHaveAttribute('data-rendered-waterways', '0');
		// only byte ranges of the one archive, nothing whole, nothing from another host
		expect([...ranges].every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
		expect(problems).toEqual([]);

		// the phone keeps the area around the segments: more than the map itself asked for
		await page.waitForFunction(() => !!navigator.serviceWorker.controller);
		const keptCount = () =>
			page.evaluate(async () => (await (await caches.open('tongan-basemap')).keys()).length);
		let last = -1;
		await expect
			.poll(
				async () => {
					const n = await keptCount();
					const settled = n === last && n > 1;
					last = n;
					return settled;
				},
				{ timeout: 30_000, intervals: [1000] }
			)
			.toBe(true);
		expect(last).toBeGreaterThan(ranges.size);

		await context.setOffline(true);
		await page.reload();
		await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true', {
			timeout: 90_000
		});
		await mapIdle(page);
		await expect.poll(async () => (await drawnBasemap(page)).earth ?? 0).toBeGreaterThan(0);
		const offline = await drawnBasemap(page);
		expect((offline.roads ?? 0) + (offline.buildings ?? 0)).toBeGreaterThan(0);
		await context.setOffline(false);
	});
});

test('a map on its own page reads the basemap too, not only after the main map', async ({
	page
}) => {
	test.setTimeout(180_000);
	const problems = guard(page);
	// the archive's byte ranges asked for by the planning page itself, opened directly
	const ranges: string[] = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname === PATH && r.frame().url().includes('/planning'))
			ranges.push(r.headers()['range'] ?? 'whole');
	});
	await signIn(page, DEMO.planner);
	await page.goto('/planning');
	await expect.poll(() => ranges.length, { timeout: 90_000 }).toBeGreaterThan(0);
	expect(ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
	expect(problems).toEqual([]);
});
