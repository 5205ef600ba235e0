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
