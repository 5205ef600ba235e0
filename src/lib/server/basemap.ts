// The operator's offline vector basemap: a PMTiles v3 archive (BASEMAP_PMTILES) that the app
// serves from its own origin with range requests, so a phone on an isolated network still sees
// roads, buildings and water around a segment. Checked once at start: a missing or wrong file
// is said in the log in plain words, and the map then keeps its plain background.
import { open, stat } from 'node:fs/promises';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { bytesToHeader, Compression, TileType } from 'pmtiles';
import { env } from './env';
import { HUBEI_EXTENT } from '$lib/domain/tile-contract';

/** Hubei's extent (lon/lat), a little generous: an archive must overlap it to be of use. */
export const HUBEI_BOUNDS = HUBEI_EXTENT;

/** What an archive must hold for the kept style (Protomaps' basemap schema) to draw anything. */
export const PROTOMAPS_LAYERS = ['earth', 'water', 'roads'] as const;

const HEADER_BYTES = 127;

export interface PmtilesSummary {
	minZoom: number;
	maxZoom: number;
	bounds: [number, number, number, number];
}

export type HeaderCheck =
	| { ok: true; summary: PmtilesSummary; header: ReturnType<typeof bytesToHeader> }
	| { ok: false; problem: string };

/**
 * Checks the 127-byte PMTiles header: magic, spec version 3, vector (MVT) tiles, zooms in
 * order, and bounds that overlap Hubei. `size` is the file's length, to catch a truncated copy.
 */
export function checkPmtilesHeader(bytes: Uint8Array, size = Infinity): HeaderCheck {
	if (bytes.length < HEADER_BYTES)
		return { ok: false, problem: `too short for a PMTiles header (${bytes.length} bytes)` };
	const magic = new TextDecoder().decode(bytes.subarray(0, 7));
	if (magic !== 'PMTiles')
		return { ok: false, problem: 'not a PMTiles archive (no PMTiles magic)' };
	const version = bytes[7];
	if (version !== 3)
		return {
			ok: false,
			problem: `PMTiles spec version ${version}; only version 3 is read (convert it with \`pmtiles convert\`)`
		};
	const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + HEADER_BYTES) as ArrayBuffer;
	const h = bytesToHeader(buf);
	if (h.tileType !== TileType.Mvt)
		return {
			ok: false,
			problem: `holds ${TileType[h.tileType] ?? 'unknown'} tiles; a vector (MVT) basemap is needed`
		};
	if (h.minZoom > h.maxZoom)
		return { ok: false, problem: `zooms out of order (${h.minZoom} > ${h.maxZoom})` };
	const ends = [
		h.rootDirectoryOffset + h.rootDirectoryLength,
		h.jsonMetadataOffset + h.jsonMetadataLength,
		h.leafDirectoryOffset + (h.leafDirectoryLength ?? 0),
		h.tileDataOffset + (h.tileDataLength ?? 0)
	];
	if (Math.max(...ends) > size)
		return { ok: false, problem: `truncated: the header points past the end of the file` };
	const bounds: [number, number, number, number] = [h.minLon, h.minLat, h.maxLon, h.maxLat];
	const [w, s, e, n] = HUBEI_BOUNDS;
	if (!(bounds[0] < e && bounds[2] > w && bounds[1] < n && bounds[3] > s))
		return {
			ok: false,
			problem: `its bounds ${bounds.map((v) => v.toFixed(2)).join(',')} do not overlap Hubei (${HUBEI_BOUNDS.join(',')})`
		};
	return { ok: true, summary: { minZoom: h.minZoom, maxZoom: h.maxZoom, bounds }, header: h };
}

function decompress(data: Buffer, compression: number): Buffer {
	if (compression === Compression.None || compression === Compression.Unknown) return data;
	if (compression === Compression.Gzip) return gunzipSync(data);
	if (compression === Compression.Brotli) return brotliDecompressSync(data);
	throw new Error(`internal compression ${Compression[compression]} is not supported`);
}

export type BasemapStatus =
	| { state: 'none' }
	| { state: 'error'; path: string; problem: string }
	| {
			state: 'ok';
			path: string;
			size: number;
			/** changes when the file is replaced: the browser's ETag and the URL's version */
			etag: string;
			summary: PmtilesSummary;
			attribution: string;
			/** the archive is usable, but something will look wrong */
			warnings: string[];
	  };

/** Reads and checks the archive at `file`. Never throws: a problem is part of the answer. */
export async function checkBasemapFile(file: string): Promise<BasemapStatus> {
	let fh;
	try {
		fh = await open(file, 'r');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		return {
			state: 'error',
			path: file,
			problem: code === 'ENOENT' ? 'the file does not exist' : `cannot be read (${code})`
		};
	}
	try {
		const st = await fh.stat();
		if (!st.isFile()) return { state: 'error', path: file, problem: 'not a file' };
		const head = Buffer.alloc(HEADER_BYTES);
		const { bytesRead } = await fh.read(head, 0, HEADER_BYTES, 0);
		const check = checkPmtilesHeader(head.subarray(0, bytesRead), st.size);
		if (!check.ok) return { state: 'error', path: file, problem: check.problem };
		const warnings: string[] = [];
		let attribution = '';
		const h = check.header;
		if (h.jsonMetadataLength > 0 && h.jsonMetadataLength < 16 * 1024 * 1024) {
			try {
				const raw = Buffer.alloc(h.jsonMetadataLength);
				await fh.read(raw, 0, raw.length, h.jsonMetadataOffset);
				const meta = JSON.parse(decompress(raw, h.internalCompression).toString('utf8')) as {
					vector_layers?: { id?: string }[];
					attribution?: string;
				};
				// plain text: the map's attribution control would render markup from the file
				attribution =
					typeof meta.attribution === 'string' ? meta.attribution.replace(/<[^>]*>/g, '') : '';
				const ids = new Set((meta.vector_layers ?? []).map((l) => l.id));
				const missing = PROTOMAPS_LAYERS.filter((l) => !ids.has(l));
				if (missing.length)
					warnings.push(
						`its layers are not Protomaps' basemap schema (no ${missing.join(', ')}): the map style draws little or nothing of it`
					);
			} catch (e) {
				warnings.push(`its metadata cannot be read (${(e as Error).message})`);
			}
		}
		return {
			state: 'ok',
			path: file,
			size: st.size,
			etag: etagOf(st.size, st.mtimeMs),
			summary: check.summary,
			attribution,
			warnings
		};
	} finally {
		await fh.close();
	}
}

function etagOf(size: number, mtimeMs: number): string {
	return `${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}`;
}

let status: Promise<BasemapStatus> | undefined;

/** The configured archive's status, checked once per process. */
export function basemapStatus(): Promise<BasemapStatus> {
	const file = env().basemapPmtiles;
	status ??= file ? checkBasemapFile(file) : Promise.resolve({ state: 'none' });
	return status;
}

/** One line for the operator's log, in both languages. */
export function describeBasemap(s: BasemapStatus): string {
	if (s.state === 'none')
		return '[tongan] basemap: BASEMAP_PMTILES is not set, the map has no roads or buildings (底图未配置)';
	if (s.state === 'error')
		return `[tongan] basemap: BASEMAP_PMTILES=${s.path} is not used: ${s.problem}. The map shows no basemap (底图文件不可用)`;
	const z = `z${s.summary.minZoom}–${s.summary.maxZoom}`;
	const mb = (s.size / 1024 / 1024).toFixed(1);
	const warn = s.warnings.length ? `; warning: ${s.warnings.join('; ')}` : '';
	return `[tongan] basemap: ${s.path} (${mb} MB, ${z}, bounds ${s.summary.bounds.join(',')})${warn}`;
}

/** A byte range of the archive, as a Range header asked for it. */
export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * Parses a Range header against a file of `size` bytes: one range only (`bytes=a-b`, `a-`,
 * `-n`), its end clamped to the file. null: no usable Range (the whole file is sent).
 */
export function parseRange(header: string | null, size: number): ByteRange {
	if (!header) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
	if (m[1] === '') {
		const n = Number(m[2]);
		if (n === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - n), end: size - 1 };
	}
	const start = Number(m[1]);
	const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	if (start >= size || end < start) return 'unsatisfiable';
	return { start, end };
}

/** The current file's size and ETag (it may have been replaced since start). */
export async function basemapFileInfo(file: string): Promise<{ size: number; etag: string }> {
	const st = await stat(file);
	return { size: st.size, etag: etagOf(st.size, st.mtimeMs) };
}
