// The PostGIS extension for the embedded engine, without the two libraries TongAn never loads.
//
// @electric-sql/pglite-postgis ships one bundle holding postgis, postgis_raster and
// postgis_topology. PGlite unpacks a bundle on every start and compiles every WebAssembly library
// in it, whether or not a database ever loads it: raster and topology are 31 MB of the 48 MB of
// code, and cost ~0.4 s of each start and the memory of their compiled code. This module writes a
// copy of the bundle without them (once per installed version, into node_modules/.cache) and
// hands PGlite that copy. Every other entry is copied byte for byte. If the copy cannot be made
// (a read-only install, an unexpected archive), the original bundle is used and a warning says so.
import { postgis } from '@electric-sql/pglite-postgis';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Extensions left out of the embedded engine's bundle (their libraries and their SQL). */
export const LEFT_OUT = ['postgis_raster', 'postgis_topology'];

/** @param {string} name an archive entry's path */
export function isLeftOut(name) {
	const base = name.slice(name.lastIndexOf('/') + 1);
	return LEFT_OUT.some((ext) => base.startsWith(`${ext}-`) || base.startsWith(`${ext}.`));
}

const BLOCK = 512;

/**
 * @param {Uint8Array} buf
 * @param {number} at
 * @param {number} len
 */
function field(buf, at, len) {
	let end = at;
	while (end < at + len && buf[end] !== 0) end++;
	return new TextDecoder().decode(buf.subarray(at, end));
}

/**
 * Entries of a tar archive that are to be kept, as byte ranges of the archive. GNU long-name and
 * pax headers travel with the entry they describe. Throws on anything it does not understand, so
 * the caller falls back to the original bundle rather than passing on a damaged one.
 * @param {Uint8Array} tar
 * @param {(name: string) => boolean} keep
 * @returns {{ kept: [number, number][]; names: string[]; dropped: string[] }}
 */
export function tarRanges(tar, keep) {
	/** @type {[number, number][]} */
	const kept = [];
	const names = [];
	const dropped = [];
	let at = 0;
	let entryStart = 0;
	/** @type {string | null} */
	let longName = null;
	while (at + BLOCK <= tar.length) {
		const header = tar.subarray(at, at + BLOCK);
		if (header.every((b) => b === 0)) break; // end of archive
		let sum = 0;
		for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
		const stored = parseInt(field(header, 148, 8).trim(), 8);
		if (stored !== sum) throw new Error(`tar header checksum mismatch at byte ${at}`);
		const sizeText = field(header, 124, 12).trim();
		if (!/^[0-7]*$/.test(sizeText)) throw new Error(`unsupported tar size field at byte ${at}`);
		const size = sizeText ? parseInt(sizeText, 8) : 0;
		const type = String.fromCharCode(header[156] || 48);
		const dataEnd = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
		if (dataEnd > tar.length) throw new Error('tar archive is truncated');
		const data = tar.subarray(at + BLOCK, at + BLOCK + size);
		if (type === 'L') {
			longName = field(data, 0, data.length);
		} else if (type === 'x') {
			const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
			if (m) longName = m[1];
		} else if (type !== 'g' && type !== 'K') {
			const prefix = field(header, 345, 155);
			const name =
				longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
			if (keep(name)) {
				kept.push([entryStart, dataEnd]);
				names.push(name);
			} else dropped.push(name);
			longName = null;
			entryStart = dataEnd;
		}
		at = dataEnd;
	}
	if (longName !== null) throw new Error('tar archive ends inside an entry');
	return { kept, names, dropped };
}

/**
 * The archive without the entries `keep` refuses, ended as tar archives end (two zero blocks).
 * @param {Uint8Array} tar
 * @param {(name: string) => boolean} keep
 */
export function filterTar(tar, keep) {
	const { kept, dropped } = tarRanges(tar, keep);
	const size = kept.reduce((n, [a, b]) => n + b - a, 0) + 2 * BLOCK;
	const out = new Uint8Array(size);
	let at = 0;
	for (const [a, b] of kept) {
		out.set(tar.subarray(a, b), at);
		at += b - a;
	}
	return { tar: out, dropped };
}

/**
 * Where the slim copy of `bundle` lives: beside the install's other caches, named after the
 * original's size and time so a reinstall or an upgrade makes a new one.
 * @param {string} bundle
 */
export function slimBundlePath(bundle) {
	const st = statSync(bundle);
	const parts = bundle.split(path.sep);
	const nm = parts.lastIndexOf('node_modules');
	const dir =
		nm > 0
			? path.join(parts.slice(0, nm + 1).join(path.sep) || path.sep, '.cache', 'tongan')
			: path.join(tmpdir(), 'tongan-cache');
	return path.join(dir, `postgis-${st.size}-${Math.round(st.mtimeMs)}.tar.gz`);
}

/**
 * Write (once) and return the slim copy of the bundle at `bundle`. Concurrent starts each write a
 * temporary file and rename it into place, so no process ever reads a half-written copy.
 * @param {string} bundle
 */
export function ensureSlimBundle(bundle) {
	const target = slimBundlePath(bundle);
	if (existsSync(target)) return target;
	const { tar } = filterTar(gunzipSync(readFileSync(bundle)), (name) => !isLeftOut(name));
	mkdirSync(path.dirname(target), { recursive: true });
	const tmp = `${target}.${process.pid}.tmp`;
	writeFileSync(tmp, gzipSync(tar, { level: 1 }));
	renameSync(tmp, target);
	return target;
}

/** PGlite's extension object: pglite-postgis's own set-up, with the slim bundle's path. */
export const postgisSlim = {
	name: 'postgis',
	/** @type {typeof postgis.setup} */
	setup: async (pg, opts) => {
		const setup = await postgis.setup(pg, opts);
		const original = setup.bundlePath;
		if (!original || original.protocol !== 'file:') return setup;
		try {
			return { ...setup, bundlePath: pathToFileURL(ensureSlimBundle(fileURLToPath(original))) };
		} catch (e) {
			console.warn(`[tongan] using the full PostGIS bundle: ${/** @type {Error} */ (e).message}`);
			return setup;
		}
	}
};
