// First render of the map route in Chromium (Debian's, through playwright-core), signed in as
// the province administrator, and the gzipped size of every JavaScript file the route loads
// (module chunks and MapLibre's worker).
import { chromium } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { totpCode } from '../../src/lib/server/auth/totp';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/lib/server/seed/users';
import { round } from './stats';

export async function mapFirstRender(
	url: string,
	build: string
): Promise<{ ms: number; jsGzKb: number; jsFiles: number }> {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await context.newPage();
		await page.goto(`${url}/login`);
		await page.getByLabel('用户名').fill('province.admin');
		await page.getByLabel('密码').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: '登录' }).click();
		await page.waitForURL(/\/login\/totp/);
		await page.getByLabel('动态码').fill(totpCode(DEMO_TOTP_SECRET));
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(/\/(\?.*)?$/);
		// a fresh page in the same session: nothing of the app in memory
		await page.close();
		const js = new Set<string>();
		context.on('request', (r) => {
			const u = new URL(r.url());
			if (u.pathname.endsWith('.js') || u.pathname.endsWith('.mjs')) js.add(u.pathname);
		});
		const p2 = await context.newPage();
		const t0 = performance.now();
		await p2.goto(`${url}/`);
		await p2.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: 60_000 });
		await p2.evaluate(
			() =>
				new Promise<void>((resolve) => {
					const m = (
						window as unknown as {
							__tonganMap: {
								loaded(): boolean;
								areTilesLoaded(): boolean;
								once(e: string, f: () => void): void;
							};
						}
					).__tonganMap;
					if (m.loaded() && m.areTilesLoaded()) resolve();
					else m.once('idle', () => resolve());
				})
		);
		const ms = performance.now() - t0;
		let bytes = 0;
		for (const p of js) {
			const f = path.join(build, 'client', p);
			if (existsSync(f)) bytes += gzipSync(readFileSync(f), { level: 9 }).byteLength;
		}
		return { ms: round(ms, 0), jsGzKb: round(bytes / 1024), jsFiles: js.size };
	} finally {
		await browser.close();
	}
}

/**
 * One what-if update as the planning page makes it (the existing sites' cover held, the new
 * sites recomputed, one of them dragged): the app's own client module
 * (src/lib/geo/coverage.ts, Turf on the released cells the page holds), bundled as the browser
 * gets it and run in Chromium on the given cells and sites. Returns the median and the worst of
 * `runs` updates (after two untimed ones) and the covered total.
 */
export async function whatIfInBrowser(
	cells: { lon: number; lat: number; n: number }[],
	fixed: [number, number][],
	sites: [number, number][],
	radiusM: number,
	runs: number
): Promise<{ medianMs: number; maxMs: number; total: number }> {
	const { build } = await import('esbuild');
	const out = await build({
		entryPoints: [path.resolve('src/lib/geo/coverage.ts')],
		bundle: true,
		write: false,
		format: 'iife',
		globalName: 'whatIf',
		minify: true,
		alias: { $lib: path.resolve('src/lib') },
		logLevel: 'silent'
	});
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run']
	});
	try {
		const page = await browser.newPage();
		await page.setContent('<!doctype html><title>what-if</title>');
		await page.addScriptTag({ content: out.outputFiles[0].text });
		return await page.evaluate(
			({ cells, fixed, sites, radiusM, runs }) => {
				const w = (
					window as unknown as {
						whatIf: {
							coveredCells(
								c: typeof cells,
								s: typeof sites,
								r: number,
								already?: { total: number; covered: Uint8Array }
							): { total: number; covered: Uint8Array };
						};
					}
				).whatIf;
				// what the page holds before any drag: the existing sites' cover, once
				const before = w.coveredCells(cells, fixed, radiusM);
				const times: number[] = [];
				let total = 0;
				for (let i = 0; i < runs + 2; i++) {
					// a drag: the last site moved a few metres each update
					const moved = sites.map((s, j) =>
						j === sites.length - 1 ? ([s[0] + i * 1e-5, s[1]] as [number, number]) : s
					);
					const t0 = performance.now();
					total = w.coveredCells(cells, moved, radiusM, before).total;
					if (i >= 2) times.push(performance.now() - t0);
				}
				times.sort((a, b) => a - b);
				return {
					medianMs: times[Math.floor(times.length / 2)],
					maxMs: times[times.length - 1],
					total
				};
			},
			{ cells, fixed, sites, radiusM, runs }
		);
	} finally {
		await browser.close();
	}
}
