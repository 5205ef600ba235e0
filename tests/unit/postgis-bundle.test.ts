// The embedded engine's slim PostGIS bundle: the archive reader is checked against GNU tar on the
// real bundle and on archives with long names (GNU and pax headers), so a kept entry is never
// lost or altered and a left-out one never slips through.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
	ensureSlimBundle,
	filterTar,
	isLeftOut,
	tarRanges
} from '../../src/lib/server/db/postgis-bundle.mjs';

const require = createRequire(import.meta.url);
const BUNDLE = path.join(
	path.dirname(require.resolve('@electric-sql/pglite-postgis')),
	'postgis.tar.gz'
);
const tarList = (file: string) =>
	execFileSync('tar', ['-tf', file], { maxBuffer: 1 << 26 })
		.toString()
		.split('\n')
		.filter(Boolean);

describe('slim PostGIS bundle', () => {
	it('keeps every entry of the real bundle but raster and topology, byte for byte', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'tongan-bundle-'));
		const original = gunzipSync(readFileSync(BUNDLE));
		const all = tarList(BUNDLE);
		const { names, dropped } = tarRanges(original, (n) => !isLeftOut(n));
		expect([...names, ...dropped].sort()).toEqual([...all].sort());
		expect(names).toContain('lib/postgresql/postgis-3.so');
		expect(dropped).toContain('lib/postgresql/postgis_raster-3.so');
		expect(dropped).toContain('lib/postgresql/postgis_topology-3.so');
		expect(dropped.every((n) => /postgis_(raster|topology)[-.]/.test(n))).toBe(true);
		expect(names.some((n) => /postgis_(raster|topology)[-.]/.test(n))).toBe(false);

		const slim = path.join(dir, 'slim.tar');
		writeFileSync(slim, filterTar(original, (n) => !isLeftOut(n)).tar);
		expect(tarList(slim)).toEqual(all.filter((n) => !isLeftOut(n)));
		for (const entry of [
			'lib/postgresql/postgis-3.so',
			'share/postgresql/extension/postgis.control'
		]) {
			const a = execFileSync('tar', ['-xzOf', BUNDLE, entry], { maxBuffer: 1 << 26 });
			const b = execFileSync('tar', ['-xOf', slim, entry], { maxBuffer: 1 << 26 });
			expect(b.equals(a)).toBe(true);
		}
	});

	it.each(['gnu', 'pax'])('follows long names in %s archives', (format) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'tongan-tar-'));
		const deep = `share/${'d'.repeat(90)}/${'e'.repeat(40)}`;
		mkdirSync(path.join(dir, 'src', deep), { recursive: true });
		const files = [
			`${deep}/postgis_raster--3.6.2.sql`,
			`${deep}/postgis--3.6.2.sql`,
			'lib/postgis_topology-3.so',
			'lib/postgis-3.so'
		];
		mkdirSync(path.join(dir, 'src', 'lib'));
		files.forEach((f, i) => writeFileSync(path.join(dir, 'src', f), `file ${i}\n`.repeat(100 + i)));
		const archive = path.join(dir, 'a.tar');
		execFileSync('tar', [
			`--format=${format}`,
			'-cf',
			archive,
			'-C',
			path.join(dir, 'src'),
			...files
		]);
		const out = path.join(dir, 'b.tar');
		const { tar, dropped } = filterTar(readFileSync(archive), (n) => !isLeftOut(n));
		writeFileSync(out, tar);
		expect(dropped.sort()).toEqual([files[0], files[2]].sort());
		expect(tarList(out)).toEqual([files[1], files[3]]);
		const kept = execFileSync('tar', ['-xOf', out, files[1]]).toString();
		expect(kept).toBe('file 1\n'.repeat(101));
	});

	it('refuses a damaged archive instead of passing it on', () => {
		const original = gunzipSync(readFileSync(BUNDLE)).subarray(0, 4096);
		const damaged = Uint8Array.from(original);
		damaged[10] ^= 1; // inside the first entry's name: its checksum no longer matches
		expect(() => tarRanges(damaged, () => true)).toThrow(/checksum/);
		expect(() => tarRanges(original.subarray(0, 1024), () => true)).toThrow(/truncated/);
	});

	it('is written once per installed bundle, beside the install', () => {
		const root = mkdtempSync(path.join(tmpdir(), 'tongan-install-'));
		const dist = path.join(root, 'node_modules', '@electric-sql', 'pglite-postgis', 'dist');
		mkdirSync(dist, { recursive: true });
		const bundle = path.join(dist, 'postgis.tar.gz');
		writeFileSync(bundle, readFileSync(BUNDLE));
		const slim = ensureSlimBundle(bundle);
		expect(slim.startsWith(path.join(root, 'node_modules', '.cache', 'tongan'))).toBe(true);
		const first = statSync(slim).mtimeMs;
		expect(ensureSlimBundle(bundle)).toBe(slim);
		expect(statSync(slim).mtimeMs).toBe(first);
		expect(tarList(slim)).toEqual(tarList(BUNDLE).filter((n) => !isLeftOut(n)));
	});
});
