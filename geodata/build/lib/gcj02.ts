/**
 * GCJ-02 ("Mars coordinates") <-> WGS84 for points inside China.
 *
 * The forward transform is the publicly documented obfuscation polynomial on the
 * Krasovsky 1940 ellipsoid. The inverse has no closed form; a few fixed-point
 * iterations of the forward transform converge to well below a centimetre.
 */
import type { Pos } from './geo';

const AXIS = 6378245.0;
const ECC2 = 0.006693421622965943;

function offsetLat(x: number, y: number): number {
	const pi = Math.PI;
	let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
	r += ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
	r += ((20 * Math.sin(y * pi) + 40 * Math.sin((y / 3) * pi)) * 2) / 3;
	r += ((160 * Math.sin((y / 12) * pi) + 320 * Math.sin((y * pi) / 30)) * 2) / 3;
	return r;
}

function offsetLon(x: number, y: number): number {
	const pi = Math.PI;
	let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
	r += ((20 * Math.sin(6 * x * pi) + 20 * Math.sin(2 * x * pi)) * 2) / 3;
	r += ((20 * Math.sin(x * pi) + 40 * Math.sin((x / 3) * pi)) * 2) / 3;
	r += ((150 * Math.sin((x / 12) * pi) + 300 * Math.sin((x / 30) * pi)) * 2) / 3;
	return r;
}

/** WGS84 -> GCJ-02. */
export function wgs84ToGcj02(p: Pos): Pos {
	const [lon, lat] = p;
	const x = lon - 105;
	const y = lat - 35;
	const radLat = (lat / 180) * Math.PI;
	const s = Math.sin(radLat);
	const magic = 1 - ECC2 * s * s;
	const sqrtMagic = Math.sqrt(magic);
	const dLat = (offsetLat(x, y) * 180) / (((AXIS * (1 - ECC2)) / (magic * sqrtMagic)) * Math.PI);
	const dLon = (offsetLon(x, y) * 180) / ((AXIS / sqrtMagic) * Math.cos(radLat) * Math.PI);
	return [lon + dLon, lat + dLat];
}

/** GCJ-02 -> WGS84 (iterative inverse). */
export function gcj02ToWgs84(p: Pos): Pos {
	let lon = p[0];
	let lat = p[1];
	for (let i = 0; i < 5; i++) {
		const f = wgs84ToGcj02([lon, lat]);
		lon -= f[0] - p[0];
		lat -= f[1] - p[1];
	}
	return [lon, lat];
}
