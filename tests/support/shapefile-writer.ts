// Writes a zipped point shapefile (.shp, .shx, .dbf, .prj, .cpg) for the import tests, byte by
// byte after the ESRI white paper, so the reader is tested on a file no library of ours wrote.
import { crc32 } from 'node:zlib';

export interface ShpPoint {
	x: number;
	y: number;
	attrs: Record<string, string>;
}

function header(fileWords: number, box: number[]): Buffer {
	const b = Buffer.alloc(100);
	b.writeInt32BE(9994, 0);
	b.writeInt32BE(fileWords, 24);
	b.writeInt32LE(1000, 28);
	b.writeInt32LE(1, 32); // point
	box.forEach((v, i) => b.writeDoubleLE(v, 36 + i * 8));
	return b;
}

function dbf(points: ShpPoint[], fields: string[]): Buffer {
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
		b.write(f, o, 10, 'ascii');
		b.write('C', o + 11, 'ascii');
		b.writeUInt8(width, o + 16);
	});
	b.writeUInt8(0x0d, headLen - 1);
	points.forEach((p, r) => {
		const o = headLen + r * recLen;
		b.write(' ', o, 'ascii');
		fields.forEach((f, i) => {
			const v = Buffer.from(p.attrs[f] ?? '', 'utf8').subarray(0, width);
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

export function pointShapefileZip(base: string, points: ShpPoint[], prj: string): Buffer {
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
	const fields = [...new Set(points.flatMap((p) => Object.keys(p.attrs)))];
	return storedZip({
		[`${base}.shp`]: shp,
		[`${base}.shx`]: shx,
		[`${base}.dbf`]: dbf(points, fields),
		[`${base}.prj`]: Buffer.from(prj, 'utf8'),
		[`${base}.cpg`]: Buffer.from('UTF-8', 'utf8')
	});
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
