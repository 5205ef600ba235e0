// A minimal PMTiles v3 writer for tests: one root directory (no leaf directories), so it suits
// archives of up to a few hundred tiles, which is all a test needs. No kept JavaScript package
// writes PMTiles; the `pmtiles` package reads what this writes (and is used to check it).
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

export interface WriterTile {
	z: number;
	x: number;
	y: number;
	data: Uint8Array;
}

export interface WriterOptions {
	/** 1 = MVT (default), 2 = PNG … as the spec numbers tile types */
	tileType?: number;
	/** gzip the directory, metadata and tiles (as real archives do); default true */
	gzip?: boolean;
	bounds: [number, number, number, number];
	metadata?: Record<string, unknown>;
	/** override the spec version byte (to test readers) */
	specVersion?: number;
}

function varint(out: number[], n: number): void {
	while (n >= 0x80) {
		out.push((n % 0x80) | 0x80);
		n = Math.floor(n / 0x80);
	}
	out.push(n);
}

/** The spec's directory encoding: ids as deltas, then run lengths, lengths and offsets. */
function directory(entries: { tileId: number; offset: number; length: number }[]): Uint8Array {
	const out: number[] = [];
	varint(out, entries.length);
	let last = 0;
	for (const e of entries) {
		varint(out, e.tileId - last);
		last = e.tileId;
	}
	for (let i = 0; i < entries.length; i++) varint(out, 1);
	for (const e of entries) varint(out, e.length);
	for (let i = 0; i < entries.length; i++) {
		const prev = entries[i - 1];
		// 0 means "right after the previous tile's data"
		varint(
			out,
			i > 0 && entries[i].offset === prev.offset + prev.length ? 0 : entries[i].offset + 1
		);
	}
	return Uint8Array.from(out);
}

export function writePmtiles(tiles: WriterTile[], opts: WriterOptions): Buffer {
	const gzip = opts.gzip ?? true;
	const pack = (b: Uint8Array) => (gzip ? new Uint8Array(gzipSync(b)) : b);
	const sorted = tiles
		.map((t) => ({ ...t, tileId: zxyToTileId(t.z, t.x, t.y) }))
		.sort((a, b) => a.tileId - b.tileId);
	const datas: Uint8Array[] = [];
	const entries: { tileId: number; offset: number; length: number }[] = [];
	let offset = 0;
	for (const t of sorted) {
		const d = pack(t.data);
		entries.push({ tileId: t.tileId, offset, length: d.length });
		datas.push(d);
		offset += d.length;
	}
	const root = pack(directory(entries));
	const meta = pack(new TextEncoder().encode(JSON.stringify(opts.metadata ?? {})));
	const tileData = Buffer.concat(datas);
	const HEADER = 127;
	const rootOff = HEADER;
	const metaOff = rootOff + root.length;
	const leafOff = metaOff + meta.length;
	const dataOff = leafOff;
	const h = Buffer.alloc(HEADER);
	h.write('PMTiles', 0, 'ascii');
	h.writeUInt8(opts.specVersion ?? 3, 7);
	const u64 = (pos: number, v: number) => h.writeBigUInt64LE(BigInt(v), pos);
	u64(8, rootOff);
	u64(16, root.length);
	u64(24, metaOff);
	u64(32, meta.length);
	u64(40, leafOff);
	u64(48, 0);
	u64(56, dataOff);
	u64(64, tileData.length);
	u64(72, sorted.length);
	u64(80, sorted.length);
	u64(88, sorted.length);
	h.writeUInt8(1, 96); // clustered: tiles are in id order
	h.writeUInt8(gzip ? 2 : 1, 97);
	h.writeUInt8(gzip ? 2 : 1, 98);
	h.writeUInt8(opts.tileType ?? 1, 99);
	const zooms = sorted.map((t) => t.z);
	h.writeUInt8(zooms.length ? Math.min(...zooms) : 0, 100);
	h.writeUInt8(zooms.length ? Math.max(...zooms) : 0, 101);
	const e7 = (v: number) => Math.round(v * 1e7);
	const [w, s, e, n] = opts.bounds;
	h.writeInt32LE(e7(w), 102);
	h.writeInt32LE(e7(s), 106);
	h.writeInt32LE(e7(e), 110);
	h.writeInt32LE(e7(n), 114);
	h.writeUInt8(zooms.length ? Math.max(...zooms) : 0, 118);
	h.writeInt32LE(e7((w + e) / 2), 119);
	h.writeInt32LE(e7((s + n) / 2), 123);
	return Buffer.concat([h, root, meta, tileData]);
}
