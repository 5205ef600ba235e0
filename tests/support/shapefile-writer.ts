// Writes a zipped point or line shapefile (.shp, .shx, .dbf, .prj, .cpg) for the import tests,
// byte by byte after the ESRI white paper, so the reader is tested on a file no library of ours
// wrote. The attribute table may be written in GBK and the .cpg left out, as Chinese GIS tools do.
import { crc32 } from 'node:zlib';
import iconv from 'iconv-lite';

export interface ShpOptions {
	/** the .dbf's text encoding (field names and values); UTF-8 by default */
	encoding?: 'utf-8' | 'gbk' | 'big5';
	/** the .cpg's text, or null for no .cpg; by default the encoding's name */
	cpg?: string | null;
}

const encode = (s: string, enc: ShpOptions['encoding']) =>
	enc && enc !== 'utf-8' ? iconv.encode(s, enc) : Buffer.from(s, 'utf8');

export interface ShpPoint {
	x: number;
	y: number;
	attrs: Record<string, string>;
}

function header(fileWords: number, box: number[], shapeType = 1): Buffer {
	const b = Buffer.alloc(100);
	b.writeInt32BE(9994, 0);
	b.writeInt32BE(fileWords, 24);
	b.writeInt32LE(1000, 28);
	b.writeInt32LE(shapeType, 32); // 1 point, 3 polyline
	box.forEach((v, i) => b.writeDoubleLE(v, 36 + i * 8));
	return b;
}

function dbf(
	points: { attrs: Record<string, string> }[],
	fields: string[],
	enc: ShpOptions['encoding']
): Buffer {
	const width = 60;
	const headLen = 32 + 32 * fields.length + 1;
	const recLen = 1 + width * fields.length;
	const b = Buffer.alloc(headLen + recLen * points.length + 1, 0x20);
	b.fill(0, 0, headLen);
	b.writeUInt8(3, 0);
	b.writeUInt8(126, 1);
	b.writeUInt8(1, 2);
	b.writeUInt8(1, 3);
	b.writeUInt32LE(points.length, 4);
	b.writeUInt16LE(headLen, 8);
	b.writeUInt16LE(recLen, 10);
	fields.forEach((f, i) => {
		const o = 32 + i * 32;
		encode(f, enc).subarray(0, 10).copy(b, o);
		b.write('C', o + 11, 'ascii');
		b.writeUInt8(width, o + 16);
	});
	b.writeUInt8(0x0d, headLen - 1);
	points.forEach((p, r) => {
		const o = headLen + r * recLen;
		b.write(' ', o, 'ascii');
		fields.forEach((f, i) => {
			const v = encode(p.attrs[f] ?? '', enc).subarray(0, width);
			v.copy(b, o + 1 + i * width);
		});
	});
	b.writeUInt8(0x1a, b.length - 1);
	return b;
}

/** A zip of stored (uncompressed) entries. */
export function storedZip(files: Record<string, Buffer>): Buffer {
	const locals: Buffer[] = [];
	const central: Buffer[] = [];
	let offset = 0;
	for (const [name, data] of Object.entries(files)) {
		const n = Buffer.from(name, 'utf8');
		const crc = crc32(data);
		const l = Buffer.alloc(30);
		l.writeUInt32LE(0x04034b50, 0);
		l.writeUInt16LE(20, 4);
		l.writeUInt32LE(crc >>> 0, 14);
		l.writeUInt32LE(data.length, 18);
		l.writeUInt32LE(data.length, 22);
		l.writeUInt16LE(n.length, 26);
		const c = Buffer.alloc(46);
		c.writeUInt32LE(0x02014b50, 0);
		c.writeUInt16LE(20, 4);
		c.writeUInt16LE(20, 6);
		c.writeUInt32LE(crc >>> 0, 16);
		c.writeUInt32LE(data.length, 20);
		c.writeUInt32LE(data.length, 24);
		c.writeUInt16LE(n.length, 28);
		c.writeUInt32LE(offset, 42);
		locals.push(l, n, data);
		central.push(c, n);
		offset += 30 + n.length + data.length;
	}
	const cd = Buffer.concat(central);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	const count = Object.keys(files).length;
	end.writeUInt16LE(count, 8);
	end.writeUInt16LE(count, 10);
	end.writeUInt32LE(cd.length, 12);
	end.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, cd, end]);
}

function layerZip(
	base: string,
	shp: Buffer,
	shx: Buffer,
	rows: { attrs: Record<string, string> }[],
	prj: string,
	opts: ShpOptions
): Buffer {
	const enc = opts.encoding ?? 'utf-8';
	const cpg = opts.cpg === undefined ? enc.toUpperCase() : opts.cpg;
	const fields = [...new Set(rows.flatMap((p) => Object.keys(p.attrs)))];
	return storedZip({
		[`${base}.shp`]: shp,
		[`${base}.shx`]: shx,
		[`${base}.dbf`]: dbf(rows, fields, enc),
		[`${base}.prj`]: Buffer.from(prj, 'utf8'),
		...(cpg === null ? {} : { [`${base}.cpg`]: Buffer.from(cpg, 'utf8') })
	});
}

export function pointShapefileZip(
	base: string,
	points: ShpPoint[],
	prj: string,
	opts: ShpOptions = {}
): Buffer {
	const xs = points.map((p) => p.x);
	const ys = points.map((p) => p.y);
	const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), 0, 0, 0, 0];
	const recs = points.map((p, i) => {
		const r = Buffer.alloc(28);
		r.writeInt32BE(i + 1, 0);
		r.writeInt32BE(10, 4);
		r.writeInt32LE(1, 8);
		r.writeDoubleLE(p.x, 12);
		r.writeDoubleLE(p.y, 20);
		return r;
	});
	const shp = Buffer.concat([header(50 + 14 * points.length, box), ...recs]);
	const shx = Buffer.concat([
		header(50 + 4 * points.length, box),
		...points.map((_, i) => {
			const r = Buffer.alloc(8);
			r.writeInt32BE(50 + 14 * i, 0);
			r.writeInt32BE(10, 4);
			return r;
		})
	]);
	return layerZip(base, shp, shx, points, prj, opts);
}

export interface ShpLine {
	/** the vertices of one part, in the .prj's units */
	coords: [number, number][];
	attrs: Record<string, string>;
}

/** A zipped polyline shapefile (shape type 3), one part a line. */
export function lineShapefileZip(
	base: string,
	lines: ShpLine[],
	prj: string,
	opts: ShpOptions = {}
): Buffer {
	const all = lines.flatMap((l) => l.coords);
	const boxOf = (c: [number, number][]) => [
		Math.min(...c.map((p) => p[0])),
		Math.min(...c.map((p) => p[1])),
		Math.max(...c.map((p) => p[0])),
		Math.max(...c.map((p) => p[1]))
	];
	let offsetWords = 50;
	const index: Buffer[] = [];
	const recs = lines.map((l, i) => {
		// shape type, box, one part, its points, the part's first index, then the points
		const content = 4 + 32 + 4 + 4 + 4 + 16 * l.coords.length;
		const r = Buffer.alloc(8 + content);
		r.writeInt32BE(i + 1, 0);
		r.writeInt32BE(content / 2, 4);
		r.writeInt32LE(3, 8);
		boxOf(l.coords).forEach((v, k) => r.writeDoubleLE(v, 12 + k * 8));
		r.writeInt32LE(1, 44);
		r.writeInt32LE(l.coords.length, 48);
		r.writeInt32LE(0, 52);
		l.coords.forEach(([x, y], k) => {
			r.writeDoubleLE(x, 56 + k * 16);
			r.writeDoubleLE(y, 64 + k * 16);
		});
		const x = Buffer.alloc(8);
		x.writeInt32BE(offsetWords, 0);
		x.writeInt32BE(content / 2, 4);
		index.push(x);
		offsetWords += r.length / 2;
		return r;
	});
	const box = [...boxOf(all), 0, 0, 0, 0];
	const shp = Buffer.concat([header(offsetWords, box, 3), ...recs]);
	const shx = Buffer.concat([header(50 + 4 * lines.length, box, 3), ...index]);
	return layerZip(base, shp, shx, lines, prj, opts);
}

/**
 * WGS84 -> GCJ-02 as the published "mars coordinates" formula, written here so the import's
 * conversion (gcoord, the other way) is checked against an independent implementation.
 */
export function wgsToGcj(lon: number, lat: number): [number, number] {
	const a = 6378245.0;
	const ee = 0.006693421622965943;
	const x = lon - 105;
	const y = lat - 35;
	const s = (v: number) => Math.sin(v * Math.PI);
	let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
	dLat += ((20 * s(6 * x) + 20 * s(2 * x)) * 2) / 3;
	dLat += ((20 * s(y) + 40 * s(y / 3)) * 2) / 3;
	dLat += ((160 * s(y / 12) + 320 * s(y / 30)) * 2) / 3;
	let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
	dLon += ((20 * s(6 * x) + 20 * s(2 * x)) * 2) / 3;
	dLon += ((20 * s(x) + 40 * s(x / 3)) * 2) / 3;
	dLon += ((150 * s(x / 12) + 300 * s(x / 30)) * 2) / 3;
	const radLat = (lat / 180) * Math.PI;
	let magic = Math.sin(radLat);
	magic = 1 - ee * magic * magic;
	const sqrtMagic = Math.sqrt(magic);
	dLat = (dLat * 180) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
	dLon = (dLon * 180) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
	return [lon + dLon, lat + dLat];
}
