// The map page on paper: Chromium's PDF of it is one A4 page with a title and date, a picture
// of the current view (not the blank a WebGL canvas prints) and the legend of what is shown.
// Read with poppler (pdfinfo, pdftotext, pdftoppm), outside readers of the printed file.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DEMO, guard, mapIdle, signIn } from './helpers';

let dir: string;
test.beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'tongan-map-print-'));
});
test.afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
});

/** Share of the pixels in rows [from, to) (fractions of the page's height) that are not white. */
function inkShare(png: PNG, from: number, to: number): { ink: number; colours: number } {
	let ink = 0;
	let all = 0;
	const colours = new Set<number>();
	for (let y = Math.floor(png.height * from); y < Math.floor(png.height * to); y++) {
		for (let x = 0; x < png.width; x++) {
			const i = (y * png.width + x) * 4;
			const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
			all++;
			if (Math.min(r, g, b) < 245) ink++;
			colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
		}
	}
	return { ink: ink / all, colours: colours.size };
}

test('the map page prints the current view, its title, date and legend on one A4 page', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.province);
	await page.goto('/');
	await mapIdle(page);
	await expect(page.getByTestId('map')).not.toHaveAttribute('data-rendered-waterways', '0');
	// the picture of the settled view has been taken
	await expect(page.getByTestId('map-print')).not.toHaveAttribute('data-taken', '0');
	const pdf = join(dir, 'map.pdf');
	writeFileSync(pdf, await page.pdf({ format: 'A4' }));

	const info = execFileSync('pdfinfo', [pdf]).toString();
	expect(info).toMatch(/^Pages:\s+1$/m);
	const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
	expect(text).toContain('湖北省 · 地图');
	expect(text).toContain('打印于');
	expect(text).toContain('“四个一”齐全');
	expect(text).toContain('阳光驿站');

	execFileSync('pdftoppm', ['-png', '-r', '40', '-singlefile', pdf, join(dir, 'page')]);
	const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
	// the picture sits under the header, in the upper part of the page: the map's beige
	// ground, its rivers, units and counts fill it (blank paper: no ink, one colour)
	const map = inkShare(png, 0.12, 0.45);
	expect(map.ink).toBeGreaterThan(0.5);
	expect(map.colours).toBeGreaterThan(20);
	expect(problems).toEqual([]);
});
