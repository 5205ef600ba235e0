// An administrator imports a real-looking spreadsheet in Chromium: upload a GBK CSV whose
// columns are not all named as the app expects, map the one it cannot guess, run the dry run
// (counts, the rejected row named, the preview), confirm, and find the new homes in the map's
// tiles. Then the same file again: nothing to write. Waterway segments from a GeoJSON go in the
// same way and come back out in the segment list's CSV and GeoJSON exports.
import { test, expect, type Page } from '@playwright/test';
import { VectorTile } from '@mapbox/vector-tile';
import Protobuf from 'pbf';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/template';
import { DEMO, guard, hydrated, signIn } from './helpers';

let db: TestDatabase;
let villages: { code: string; township: string; lon: number; lat: number }[] = [];
let outside: [number, number] = [0, 0];

test.beforeAll(async () => {
	// the same prepared fixture the server was started from: its villages and the county's edge
	db = await openTestDatabase('pglite');
	villages = (
		await sql<{ code: string; township: string; lon: number; lat: number }>`
			SELECT v.code, v.parent_code AS township, ST_X(v.center) AS lon, ST_Y(v.center) AS lat
			FROM admin_units v, admin_units c
			WHERE c.code = '421083000000' AND v.level = 'village' AND v.code LIKE '421083%'
				AND ST_Covers(c.geom, v.center)
			ORDER BY v.code DESC LIMIT 2`.execute(db.db)
	).rows.map((v) => ({ ...v, lon: Number(v.lon), lat: Number(v.lat) }));
	const e = (
		await sql<{ e: number; n: number }>`
			SELECT ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM admin_units WHERE code = '421083000000'`.execute(
			db.db
		)
	).rows[0];
	outside = [Number(e.e) + 0.3, Number(e.n) - 0.05];
});
test.afterAll(async () => {
	await db?.close();
});

type FileChoice = { name: string; mimeType: string; buffer: Buffer };
// A file chosen before the page has hydrated is lost (the input is replaced and 读取文件 stays
// disabled): it is chosen once the page has.
async function readFile(page: Page, file: FileChoice): Promise<void> {
	await hydrated(page);
	await page.locator('input[type=file]').setInputFiles(file);
	const read = page.getByRole('button', { name: '读取文件' });
	await expect(read).toBeEnabled();
	await read.click();
}

function tileOf(lon: number, lat: number, z: number): [number, number] {
	const n = 2 ** z;
	const r = (lat * Math.PI) / 180;
	return [
		Math.floor(((lon + 180) / 360) * n),
		Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)
	];
}

test('upload, map the columns, dry run, confirm, and the homes are on the map', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/admin/imports');
	await expect(page.getByRole('heading', { name: '数据导入', level: 1 })).toBeVisible();

	const stamp = Date.now().toString(36);
	// "单位" is no name the guess knows: the user maps it
	const text = [
		'编号,单位,村代码,面积（平方米）,状态,经度,纬度',
		`E2E-${stamp}-1,导入测试甲,${villages[0].code},４５,开放,${villages[0].lon},${villages[0].lat}`,
		`E2E-${stamp}-2,导入测试乙,${villages[1].code},22.5,,${villages[1].lon},${villages[1].lat}`,
		`E2E-${stamp}-3,导入测试界外,${villages[1].code},30,,${outside[0]},${outside[1]}`
	].join('\r\n');
	const file = {
		name: '儿童之家台账.csv',
		mimeType: 'text/csv',
		buffer: iconv.encode(text, 'gbk')
	};
	// the file goes up once, over tus; the steps name its upload instead of sending it again
	const tus: string[] = [];
	const stepBodies: Buffer[] = [];
	page.on('request', (r) => {
		const p = new URL(r.url()).pathname;
		if (p.startsWith('/api/import-uploads')) tus.push(r.method());
		if (p === '/api/imports') stepBodies.push(r.postDataBuffer() ?? Buffer.alloc(0));
	});
	await readFile(page, file);

	const nameSelect = page.locator('select[data-field=name]');
	await expect(nameSelect).toHaveValue('');
	await expect(page.locator('select[data-field=sourceId]')).toHaveValue('编号');
	// a required field unmapped: the dry run waits, and the page says for what
	await expect(page.getByRole('button', { name: '预检' })).toBeDisabled();
	await expect(page.getByTestId('import-unmapped')).toContainText('名称');
	await nameSelect.selectOption('单位');
	await expect(page.getByTestId('import-unmapped')).toHaveCount(0);

	await page.getByRole('button', { name: '预检' }).click();
	const dry = page.getByTestId('import-dry-run');
	await expect(dry).toBeVisible();
	await expect(dry.locator('[data-count=inserts]')).toHaveText('2');
	await expect(dry.locator('[data-count=rejected]')).toHaveText('1');
	// the coordinate system left on 自动识别: two rows are too few to tell from the points
	await expect(dry.getByTestId('import-crs')).toHaveAttribute('data-decided-by', 'thin');
	await expect(dry.getByTestId('import-crs')).toContainText('能判断坐标系的行太少');
	// the rejected row as a table: row, field, the file's column, reason
	const outsideRow = (within: ReturnType<typeof page.getByTestId>) =>
		within.locator('tr[data-row="4"] td');
	await expect(outsideRow(page.getByTestId('import-rejects'))).toHaveText([
		'4',
		'经度',
		'经度',
		/位置不在您的管辖范围内/
	]);
	await expect(page.getByTestId('import-preview').locator('circle')).toHaveCount(2);
	// on a MapLibre map over the app's basemap too: its canvas holds the two rows
	const previewMap = page.getByTestId('import-preview-map');
	await expect(previewMap).toHaveAttribute('data-points', '2');
	await expect(previewMap.locator('canvas.maplibregl-canvas')).toBeVisible();
	// the dry run wrote nothing
	const none = await page.request.get(
		`/tiles/sites/14/${tileOf(villages[0].lon, villages[0].lat, 14).join('/')}.mvt`
	);
	const homesIn = (bytes: Buffer) => {
		const layer = new VectorTile(new Protobuf(bytes)).layers.homes;
		const names: string[] = [];
		for (let i = 0; layer && i < layer.length; i++)
			names.push(String(layer.feature(i).properties.name));
		return names;
	};
	expect(homesIn(await none.body())).not.toContain('导入测试甲');

	// the page's buttons are the app's (filled in its accent colour), not the browser's bare ones
	const commitButton = page.getByRole('button', { name: '确认写入' });
	await expect(commitButton).toHaveClass(/\bbtn\b/);
	const accent = await page.evaluate(() =>
		getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()
	);
	const fill = await commitButton.evaluate((b) => getComputedStyle(b).backgroundColor);
	expect(fill).toBe(
		`rgb(${[1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16)).join(', ')})`
	);
	await commitButton.click();
	await expect(page.getByTestId('import-done')).toContainText('已写入：新增 2，更新 0，不变 0');
	// after the commit the rows it did not write are still listed, and download as a CSV
	const after = page.getByTestId('import-done-rejects');
	await expect(after.locator('tbody tr')).toHaveCount(1);
	await expect(outsideRow(after)).toHaveText(['4', '经度', '经度', /位置不在您的管辖范围内/]);
	const [rejectsFile] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('import-done-rejects-csv').click()
	]);
	expect(rejectsFile.suggestedFilename()).toBe('儿童之家台账-未导入的行.csv');
	const got: Buffer[] = [];
	for await (const c of await rejectsFile.createReadStream()) got.push(c as Buffer);
	const csvBytes = Buffer.concat(got);
	expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const csvLines = csvBytes.toString('utf8').slice(1).trim().split('\r\n');
	expect(csvLines[0]).toBe('行号,字段,文件中的列,原因');
	expect(csvLines).toHaveLength(2);
	expect(csvLines[1]).toMatch(/^4,经度,经度,.*位置不在您的管辖范围内/);
	expect(tus.filter((m) => m === 'POST')).toHaveLength(1);
	expect(tus).toContain('PATCH');
	expect(stepBodies).toHaveLength(3);
	const row = iconv.encode('导入测试甲', 'gbk');
	for (const b of stepBodies) expect(b.includes(row)).toBe(false);

	// on the map: the sites tile at the home now carries it
	for (const [v, name] of [
		[villages[0], '导入测试甲'],
		[villages[1], '导入测试乙']
	] as const) {
		const r = await page.request.get(`/tiles/sites/14/${tileOf(v.lon, v.lat, 14).join('/')}.mvt`);
		expect(r.status()).toBe(200);
		expect(homesIn(await r.body())).toContain(name);
	}

	// the same file again: the remembered mapping fills 单位 in, and nothing is left to write
	await page.goto('/admin/imports');
	await readFile(page, file);
	await expect(page.locator('select[data-field=name]')).toHaveValue('单位');
	await page.getByRole('button', { name: '预检' }).click();
	await expect(page.locator('[data-count=unchanged]')).toHaveText('2');
	await expect(page.locator('[data-count=inserts]')).toHaveText('0');
	await expect(page.getByRole('button', { name: '确认写入' })).toBeDisabled();

	// a file that is not one is refused in Chinese
	await readFile(page, {
		name: '坏文件.xlsx',
		mimeType: 'application/octet-stream',
		buffer: Buffer.from('not a workbook')
	});
	await expect(page.getByTestId('import-error')).toContainText('无法读取该文件');
	expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
});

test('waterway segments from a GeoJSON: imported, then exported back in CSV and GeoJSON', async ({
	page
}) => {
	const problems = guard(page);
	await signIn(page, DEMO.county);
	await page.goto('/admin/imports');
	// the page hydrated: a choice made before would be reset to the first kind
	await hydrated(page);
	const stamp = Date.now().toString(36);
	const v = villages[0];
	const names = [`导入渠甲${stamp}`, `导入塘乙${stamp}`];
	const geojson = {
		type: 'FeatureCollection',
		features: names.map((name, i) => ({
			type: 'Feature',
			properties: {
				河段编号: `E2E-W-${stamp}-${i}`,
				名称: name,
				类型: i ? '坑塘' : '渠道',
				乡镇代码: v.township
			},
			geometry: {
				type: 'LineString',
				coordinates: [
					[v.lon + i * 0.003, v.lat],
					[v.lon + i * 0.003 + 0.002, v.lat + 0.001]
				]
			}
		}))
	};
	await page.locator('select[name=kind]').selectOption('waterways');
	await expect(page.locator('select[name=kind]')).toHaveValue('waterways');
	await readFile(page, {
		name: '河段.geojson',
		mimeType: 'application/geo+json',
		buffer: Buffer.from(JSON.stringify(geojson))
	});
	await expect(page.locator('select[data-field=sourceId]')).toHaveValue('河段编号');
	await expect(page.locator('select[data-field=townshipCode]')).toHaveValue('乡镇代码');
	await page.getByRole('button', { name: '预检' }).click();
	await expect(page.locator('[data-count=inserts]')).toHaveText('2');
	await page.getByRole('button', { name: '确认写入' }).click();
	await expect(page.getByTestId('import-done')).toContainText('已写入：新增 2');

	// out again from the segment list the user sees: the CSV they download holds both segments
	await page.goto(`/waterways?township=${v.township}`);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('export-csv').click()
	]);
	const stream = await download.createReadStream();
	const chunks: Buffer[] = [];
	for await (const c of stream) chunks.push(c as Buffer);
	const csvText = Buffer.concat(chunks).toString('utf8');
	for (const name of names) expect(csvText).toContain(name);

	// and the GeoJSON a GIS opens: a feature for each, the imported line itself
	const r = await page.request.get(
		`/api/exports/segments?format=geojson&mine=0&township=${v.township}`
	);
	expect(r.status()).toBe(200);
	const fc = (await r.json()) as {
		features: {
			properties: Record<string, unknown>;
			geometry: { type: string; coordinates: number[][] };
		}[];
	};
	const ours = fc.features.filter((f) =>
		names.some((n) => Object.values(f.properties).includes(n))
	);
	expect(ours).toHaveLength(2);
	for (const f of ours) {
		expect(f.geometry.type).toBe('LineString');
		expect(f.geometry.coordinates).toHaveLength(2);
		for (const [lon, lat] of f.geometry.coordinates) {
			expect(Math.abs(lon - v.lon)).toBeLessThan(0.01);
			expect(Math.abs(lat - v.lat)).toBeLessThan(0.01);
		}
	}
	expect(problems).toEqual([]);
});

test('on a phone, a row with several problems is one card with every problem, field by field', async ({
	page
}) => {
	const problems = guard(page);
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page, DEMO.county);
	await page.goto('/admin/imports');
	await hydrated(page);
	const stamp = Date.now().toString(36);
	const v = villages[0];
	// row 2: no name, an area that is no number, a status nobody uses, a village code of the
	// county that names no village (the database's check), a longitude of 200; row 3 is fine
	const unknownVillage = '421083999999';
	const text = [
		'编号,名称,村代码,面积,状态,经度,纬度',
		`P-${stamp}-1,,${unknownVillage},很大,坏了,200,${v.lat}`,
		`P-${stamp}-2,手机预检儿童之家,${v.code},40,开放,${v.lon},${v.lat}`
	].join('\r\n');
	await readFile(page, { name: '多处问题.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
	await page.getByRole('button', { name: '预检' }).click();
	const dry = page.getByTestId('import-dry-run');
	await expect(dry.locator('[data-count=inserts]')).toHaveText('1');
	// one row rejected, however many problems it has
	await expect(dry.locator('[data-count=rejected]')).toHaveText('1');
	const rejects = page.getByTestId('import-rejects');
	const group = rejects.locator('tbody[data-row-group="2"]');
	await expect(group).toHaveAttribute('data-problems', '5');
	await expect(group).toContainText('本行 5 个问题');
	for (const field of ['名称', '面积', '状态', '村代码', '经度'])
		await expect(group.locator('td', { hasText: new RegExp(`^${field}$`) }).first()).toBeVisible();
	await expect(group).toContainText('村代码不存在或不在您的管辖范围内');
	// a card, not a table to scroll sideways: nothing wider than the screen
	const box = await rejects.locator('.scroll').evaluate((e) => [e.scrollWidth, e.clientWidth]);
	expect(box[0]).toBeLessThanOrEqual(box[1]);
	expect(problems).toEqual([]);
});
