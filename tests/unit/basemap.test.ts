// The operator's PMTiles basemap: the header check at start, the file check with its messages,
// and the Range header parsing of the route that serves it.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
	checkBasemapFile,
	checkPmtilesHeader,
	describeBasemap,
	parseRange
} from '../../src/lib/server/basemap';
import { writePmtiles } from '../support/pmtiles-writer';
import { fixtureBasemap, FIXTURE_BASEMAP_BOUNDS } from '../support/basemap-fixture';

const tile = { z: 0, x: 0, y: 0, data: new Uint8Array([1, 2, 3]) };
const HUBEI: [number, number, number, number] = [113, 29.5, 114, 30.5];

function problem(bytes: Uint8Array, size?: number): string {
	const r = checkPmtilesHeader(bytes, size);
	if (r.ok) throw new Error('expected a problem');
	return r.problem;
}

describe('PMTiles header check', () => {
	it('accepts a v3 vector archive over Hubei and reads its zooms and bounds', () => {
		const bytes = fixtureBasemap();
		const r = checkPmtilesHeader(bytes, bytes.length);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.summary.minZoom).toBe(0);
		expect(r.summary.maxZoom).toBe(12);
		expect(r.summary.bounds).toEqual(FIXTURE_BASEMAP_BOUNDS);
	});

	it('refuses a file that is not PMTiles', () => {
		const bytes = Buffer.alloc(200);
		bytes.write('SQLite format 3', 0);
		expect(problem(bytes)).toMatch(/not a PMTiles archive/);
		expect(problem(Buffer.from('PMTiles'))).toMatch(/too short/);
	});

	it('refuses another spec version, naming it', () => {
		expect(problem(writePmtiles([tile], { bounds: HUBEI, specVersion: 2 }))).toMatch(
			/version 2.*only version 3/
		);
	});

	it('refuses raster tiles', () => {
		expect(problem(writePmtiles([tile], { bounds: HUBEI, tileType: 2 }))).toMatch(
			/Png tiles; a vector/
		);
	});

	it('refuses an archive that does not overlap Hubei', () => {
		// Beijing
		expect(problem(writePmtiles([tile], { bounds: [116, 39.6, 116.8, 40.2] }))).toMatch(
			/do not overlap Hubei/
		);
	});

	it('refuses a truncated copy', () => {
		const bytes = writePmtiles([tile], { bounds: HUBEI });
		expect(checkPmtilesHeader(bytes, bytes.length).ok).toBe(true);
		expect(problem(bytes.subarray(0, bytes.length - 1), bytes.length - 1)).toMatch(/truncated/);
	});
});

describe('basemap file check', () => {
	it('says when the file is missing, and when it is wrong', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'tongan-basemap-'));
		const missing = await checkBasemapFile(path.join(dir, 'none.pmtiles'));
		expect(missing).toMatchObject({ state: 'error', problem: 'the file does not exist' });
		expect(describeBasemap(missing)).toMatch(/none\.pmtiles is not used: the file does not exist/);
		const wrong = path.join(dir, 'wrong.pmtiles');
		await writeFile(wrong, '<html>not found</html>'.repeat(10));
		expect(await checkBasemapFile(wrong)).toMatchObject({
			state: 'error',
			problem: expect.stringMatching(/not a PMTiles archive/)
		});
		expect(describeBasemap({ state: 'none' })).toMatch(/BASEMAP_PMTILES is not set/);
	});

	it('reads a good archive with its attribution, and warns about another schema', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'tongan-basemap-'));
		const good = path.join(dir, 'hubei.pmtiles');
		await writeFile(good, fixtureBasemap());
		const s = await checkBasemapFile(good);
		expect(s).toMatchObject({ state: 'ok', attribution: 'TongAn test data', warnings: [] });
		expect(describeBasemap(s)).toMatch(
			/hubei\.pmtiles \(\d+\.\d MB, z0–12, bounds 113,29\.5,114\.2,30\.2\)$/
		);
		const other = path.join(dir, 'other.pmtiles');
		await writeFile(
			other,
			writePmtiles([tile], {
				bounds: HUBEI,
				metadata: { vector_layers: [{ id: 'transportation' }] }
			})
		);
		const o = await checkBasemapFile(other);
		expect(o.state).toBe('ok');
		if (o.state === 'ok') expect(o.warnings[0]).toMatch(/no earth, water, roads/);
	});
});

describe('Range header', () => {
	it('reads one range, clamped to the file', () => {
		expect(parseRange(null, 100)).toBeNull();
		expect(parseRange('bytes=0-16383', 100)).toEqual({ start: 0, end: 99 });
		expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
		expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
		expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
	});
	it('refuses what it cannot serve', () => {
		for (const h of [
			'bytes=100-',
			'bytes=5-2',
			'bytes=0-1,5-6',
			'items=0-1',
			'bytes=-',
			'bytes=-0'
		])
			expect(parseRange(h, 100), h).toBe('unsatisfiable');
	});
});
