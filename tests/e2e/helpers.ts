// Shared e2e helpers: sign in through the real form (with the TOTP step for administrators),
// and a guard that fails a test on page errors or requests to any non-local host.
import { expect, type Locator, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { totpCode } from '../../src/lib/server/auth/totp';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/lib/server/seed/users';

export const DEMO = {
	province: 'province.admin',
	prefecture: 'prefecture.admin',
	county: 'county.admin',
	riverChief: 'river.chief',
	emergency: 'emergency',
	township: 'township.staff',
	village: 'village.director',
	planner: 'planner'
} as const;

/** A field worker's phone: the viewport, touch and mobile layout every phone-size test uses. */
export const PHONE = {
	viewport: { width: 390, height: 844 },
	hasTouch: true,
	isMobile: true,
	locale: 'zh-CN'
} as const;

export function isAdminUser(username: string): boolean {
	return username.endsWith('.admin');
}

/** Fill and send the sign-in form (no expectation about the outcome). */
export async function submitLogin(
	page: Page,
	username: string,
	password = DEMO_PASSWORD
): Promise<void> {
	await page.goto('/login');
	await page.getByLabel('用户名', { exact: true }).fill(username);
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: '登录', exact: true }).click();
}

/**
 * A code for the demo administrators' authenticator that has not been used yet: the server
 * takes each 30-second step's code once (and nothing older than the last one taken), and
 * accepts one step either side of its own. So each sign-in of the same user takes the next
 * step, waiting for the clock when it would be too far ahead. The steps taken are kept in a
 * file, not in memory, because Playwright starts a new worker after a failed test; steps of
 * an earlier run are in the past and change nothing.
 */
const STEPS_FILE = path.join(os.tmpdir(), `tongan-e2e-totp-${process.env.E2E_PORT ?? 4317}.json`);
function usedSteps(): Record<string, number> {
	try {
		return JSON.parse(readFileSync(STEPS_FILE, 'utf8')) as Record<string, number>;
	} catch {
		return {};
	}
}
export async function freshTotp(username: string): Promise<string> {
	for (;;) {
		const now = Math.floor(Date.now() / 30_000);
		const used = usedSteps();
		const step = Math.max(now, (used[username] ?? -Infinity) + 1);
		if (step <= now + 1) {
			writeFileSync(STEPS_FILE, JSON.stringify({ ...used, [username]: step }));
			return totpCode(DEMO_TOTP_SECRET, step * 30_000);
		}
		await new Promise((r) => setTimeout(r, (step - 1) * 30_000 - Date.now() + 250));
	}
}

/**
 * Administrators' signed-in sessions, kept (in a file, as the TOTP steps) so that the next
 * test signing in the same administrator reuses it instead of waiting up to 30 s for a
 * second-factor step nobody has used: each step's code is accepted once. A session that has
 * ended (signed out, expired) is simply replaced by a real sign-in.
 */
const SESSIONS_FILE = path.join(
	os.tmpdir(),
	`tongan-e2e-sessions-${process.env.E2E_PORT ?? 4317}.json`
);
type Cookies = Awaited<ReturnType<ReturnType<Page['context']>['cookies']>>;
function keptSessions(): Record<string, Cookies> {
	try {
		return JSON.parse(readFileSync(SESSIONS_FILE, 'utf8')) as Record<string, Cookies>;
	} catch {
		return {};
	}
}

async function reuseSession(page: Page, username: string): Promise<boolean> {
	const cookies = keptSessions()[username];
	if (!cookies?.length) return false;
	await page.context().addCookies(cookies);
	await page.goto('/');
	if (new URL(page.url()).pathname.startsWith('/login')) {
		await page.context().clearCookies();
		return false;
	}
	return true;
}

export async function signIn(
	page: Page,
	username: string,
	password = DEMO_PASSWORD
): Promise<void> {
	const admin = isAdminUser(username) && password === DEMO_PASSWORD;
	if (admin && (await reuseSession(page, username))) {
		await expect(page.getByTestId('user-role')).toBeVisible();
		return;
	}
	await submitLogin(page, username, password);
	if (isAdminUser(username)) {
		await expect(page).toHaveURL(/\/login\/totp/);
		// a code used by an earlier run of this worker is refused: then the next one is taken
		for (let attempt = 0; ; attempt++) {
			await page.getByLabel('动态码').fill(await freshTotp(username));
			await page.getByRole('button', { name: '验证' }).click();
			const outcome = await Promise.race([
				page
					.waitForURL((u) => !u.pathname.startsWith('/login/totp'))
					.then(() => 'in')
					.catch(() => 'timeout'),
				page
					.locator('.form-error')
					.waitFor()
					.then(() => 'refused')
					.catch(() => 'timeout')
			]);
			if (outcome !== 'refused' || attempt >= 2) break;
		}
	}
	// everyone lands on the map of their area; a river chief on "my segments"
	await expect(page).toHaveURL(/\/(waterways)?(\?.*)?$/);
	await expect(page.getByTestId('user-role')).toBeVisible();
	if (admin)
		writeFileSync(
			SESSIONS_FILE,
			JSON.stringify({ ...keptSessions(), [username]: await page.context().cookies() })
		);
}

export function guard(page: Page): string[] {
	const problems: string[] = [];
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
	});
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (
			!['127.0.0.1', 'localhost'].includes(u.hostname) &&
			!['data:', 'blob:'].includes(u.protocol)
		) {
			problems.push(`outside request: ${r.url()}`);
		}
	});
	return problems;
}

export async function mapIdle(page: Page): Promise<void> {
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');
	await page.evaluate(
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
}

/**
 * A screen point on a rendered feature of `layer`, well inside the map, with nothing of
 * `avoid` within 10 px (so a tap there reaches that feature).
 */
export async function pointOf(page: Page, layer: string, avoid?: string) {
	return page.evaluate(
		({ layer, avoid }) => {
			type Geo = { type: string; coordinates: unknown };
			type Box = [[number, number], [number, number]];
			const m = (
				window as unknown as {
					__tonganMap: {
						queryRenderedFeatures(
							a: Box | { layers: string[] },
							o?: { layers: string[] }
						): { geometry: Geo }[];
						project(c: [number, number]): { x: number; y: number };
						getCanvas(): { clientWidth: number; clientHeight: number };
					};
				}
			).__tonganMap;
			const { clientWidth: w, clientHeight: h } = m.getCanvas();
			const points = (c: unknown): [number, number][] =>
				Array.isArray(c) && typeof c[0] === 'number'
					? [c as [number, number]]
					: (c as unknown[]).flatMap(points);
			for (const f of m.queryRenderedFeatures({ layers: [layer] })) {
				for (const c of points(f.geometry.coordinates)) {
					const { x, y } = m.project(c);
					if (x < 40 || y < 40 || x > w - 60 || y > h - 40) continue;
					const box: Box = [
						[x - 10, y - 10],
						[x + 10, y + 10]
					];
					if (avoid && m.queryRenderedFeatures(box, { layers: [avoid] }).length) continue;
					return { x, y };
				}
			}
			return null;
		},
		{ layer, avoid }
	);
}

/** Chromium's A4 PDF of a page, read back with poppler (an outside reader, not our own code). */
export interface Printed {
	file: string;
	/** pdfinfo's report: the page count and the sheet size */
	info: string;
	pages: number;
	/** the whole text, in layout order when asked */
	text: string;
	/** the text of sheet i (1-based) */
	sheet(i: number): string;
}

let printDir: string | undefined;

export async function printPdf(
	page: Page,
	name: string,
	o: { layout?: boolean } = {}
): Promise<Printed> {
	printDir ??= mkdtempSync(path.join(os.tmpdir(), 'tongan-print-'));
	const file = path.join(printDir, `${name}.pdf`);
	writeFileSync(file, await page.pdf({ format: 'A4', printBackground: true }));
	const read = (...range: string[]) =>
		execFileSync(
			'pdftotext',
			['-enc', 'UTF-8', ...(o.layout ? ['-layout'] : []), ...range, file, '-'],
			{
				encoding: 'utf8'
			}
		);
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	return {
		file,
		info,
		pages: Number(/Pages:\s+(\d+)/.exec(info)![1]),
		text: read(),
		sheet: (i) => read('-f', `${i}`, '-l', `${i}`)
	};
}

/** pdftotext breaks lines and spaces CJK text as the layout falls: compare without whitespace. */
export const flat = (s: string) => s.replace(/\s+/g, '');

/** The printed sheet's number at its foot, as the catalogue words it (print.pageOf). */
export const PAGE_OF = {
	zh: (n: number, of: number) => `第 ${n} 页 / 共 ${of} 页`,
	en: (n: number, of: number) => `Page ${n} of ${of}`
};

/**
 * The first and the last sheet of a printout say their number and the total ("第 1 页 / 共 M 页",
 * "第 M 页 / 共 M 页"): a sheet of a long printout can be put back in order, and the last says
 * whether any is missing. (The sheets' text, as printPdf or pdftotext -f/-l gives it.)
 */
export function expectPageNumbers(sheets: string[], words = PAGE_OF.zh): void {
	expect(sheets.length).toBeGreaterThan(0);
	const of = sheets.length;
	expect(flat(sheets[0]), "the first sheet's number").toContain(flat(words(1, of)));
	expect(flat(sheets[of - 1]), "the last sheet's number").toContain(flat(words(of, of)));
}

/** The text of every sheet of a printout, in order. */
export const sheetsOf = (p: Printed): string[] =>
	Array.from({ length: p.pages }, (_, i) => p.sheet(i + 1));

/**
 * How a stamped photo reads, drawn on a canvas: its width, the mean brightness of a row near its
 * top and of one near its foot, and how many near-white pixels its bottom 60 rows hold (the
 * stamp's words on their dark band).
 */
export async function stampPixels(
	img: Locator
): Promise<{ w: number; top: number; foot: number; white: number }> {
	return img.evaluate(async (el: HTMLImageElement) => {
		await el.decode();
		const c = document.createElement('canvas');
		c.width = el.naturalWidth;
		c.height = el.naturalHeight;
		const g = c.getContext('2d')!;
		g.drawImage(el, 0, 0);
		const mean = (y: number) => {
			const d = g.getImageData(0, y, c.width, 1).data;
			let s = 0;
			for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
			return s / (d.length / 4) / 3;
		};
		const band = g.getImageData(0, c.height - 60, c.width, 60).data;
		let white = 0;
		for (let i = 0; i < band.length; i += 4) if (band[i] > 230 && band[i + 1] > 230) white++;
		return { w: c.width, top: mean(5), foot: mean(c.height - 3), white };
	});
}

/** A target row's name and the address its name links to, read in one step. */
export async function openable(row: Locator): Promise<{ targetName: string; href: string }> {
	return row.locator('a.name').evaluate((a) => ({
		targetName: (a.textContent ?? '').trim(),
		href: a.getAttribute('href') ?? ''
	}));
}

/**
 * Wait until the page has hydrated (src/routes/+layout.svelte marks <html>): input given before
 * then is lost (a filled field is reset, a pressed button does nothing), which the clean-clone
 * CI met as a form sent with its defaults.
 */
export async function hydrated(page: Page): Promise<void> {
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/**
 * Every row of the tables `tables` matches, as the texts of its cells in order (`cells`: the
 * header cells of a row, th, are read too unless left out).
 */
export async function tableRows(page: Page, tables: string, cells = 'th, td'): Promise<string[][]> {
	return page
		.locator(tables)
		.locator('tbody tr')
		.evaluateAll(
			(trs, cells) =>
				trs.map((tr) => [...tr.querySelectorAll(cells)].map((c) => (c.textContent ?? '').trim())),
			cells
		);
}

/**
 * Whether `want` is exactly the characters of `parts` interleaved, each part's in its order: a
 * table row whose cells wrapped, as pdftotext -layout gives it (its first line, then the lines
 * holding the wrapped ends of its cells, each under its own column).
 */
function interleaves(want: string, parts: string[]): boolean {
	if (parts.reduce((a, p) => a + p.length, 0) !== want.length) return false;
	const tried = new Set<string>();
	const go = (pos: number[], at: number): boolean => {
		if (at === want.length) return true;
		const key = pos.join(',');
		if (tried.has(key)) return false;
		tried.add(key);
		for (let k = 0; k < parts.length; k++) {
			if (parts[k][pos[k]] !== want[at]) continue;
			pos[k]++;
			if (go(pos, at + 1)) return true;
			pos[k]--;
		}
		return false;
	};
	return go(
		parts.map(() => 0),
		0
	);
}

/**
 * The rows that are not printed on paper; [] when every row is. A row is printed when its cells,
 * in order and none cut off, are a line of one sheet (that line and nothing more), or, when some of its cells wrapped
 * within their column, when a few consecutive lines hold exactly its text and nothing else (each
 * line's part in its order). `sheets` as printPdf(…, { layout: true }) reads them.
 */
export function rowsNotPrinted(rows: string[][], sheets: string[]): string[][] {
	const lines = sheets.flatMap((s) => s.split('\n').map(flat));
	return rows.filter((cells) => {
		const want = flat(cells.join(''));
		if (lines.some((l) => l === want)) return false;
		for (let i = 0; i < lines.length; i++) {
			if (!lines[i] || !want.startsWith(lines[i][0])) continue;
			const block = [lines[i]];
			let length = lines[i].length;
			for (let j = i + 1; j < lines.length && block.length < 4 && length < want.length; j++) {
				if (!lines[j]) break;
				block.push(lines[j]);
				length += lines[j].length;
				if (length === want.length && interleaves(want, block)) return false;
			}
		}
		return true;
	});
}

/**
 * How a stamped photo as the server holds it reads (its JPEG bytes, decoded here): the same
 * figures as stampPixels reads from an image on the page.
 */
export async function stampPixelsOf(
	bytes: Buffer
): Promise<{ w: number; top: number; foot: number; white: number }> {
	const { data, info } = await sharp(bytes)
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const { width: w, height: h, channels: ch } = info;
	const mean = (y: number) => {
		let s = 0;
		for (let x = 0; x < w; x++) {
			const i = (y * w + x) * ch;
			s += data[i] + data[i + 1] + data[i + 2];
		}
		return s / w / 3;
	};
	let white = 0;
	for (let y = h - 60; y < h; y++)
		for (let x = 0; x < w; x++) {
			const i = (y * w + x) * ch;
			if (data[i] > 230 && data[i + 1] > 230) white++;
		}
	return { w, top: mean(5), foot: mean(h - 3), white };
}

/** A CSV file of the exports (UTF-8 with BOM, CRLF, RFC 4180 quoting) as its rows of cells. */
export function csvRows(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	const s = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < s.length; i++) {
		const ch = s[i];
		if (quoted) {
			if (ch === '"' && s[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && s[i + 1] === '\n') i++;
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (cell || row.length) rows.push([...row, cell]);
	return rows;
}

/** A CSV export as records keyed by its header's words. */
export function csvRecords(text: string): Record<string, string>[] {
	const [header, ...rows] = csvRows(text);
	return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * A campaign the county launches now over its whole area, through the page (its targets go to
 * the township's and the village's staff): its name, its page's path and the server's origin.
 */
export async function launchCampaign(
	page: Page,
	prefix: string
): Promise<{ name: string; url: string; origin: string; id: string }> {
	await signIn(page, DEMO.county);
	await page.goto('/campaigns');
	await hydrated(page);
	const name = `${prefix} ${Date.now()}`;
	await page.getByTestId('create-campaign').getByLabel('行动名称').fill(name);
	await page.getByTestId('create-submit').click();
	await expect(page).toHaveURL(/\/campaigns\/\d+$/, { timeout: 60_000 });
	const url = new URL(page.url()).pathname;
	return { name, url, origin: new URL(page.url()).origin, id: url.split('/').pop()! };
}
