// Coordinates as phones and platforms give them. AMap and WeChat give GCJ-02, Baidu BD-09,
// both hundreds of metres off WGS84; CGCS2000 equals WGS84 at map scale. gcoord converts.
// A pair outside the expected box whose swap falls inside it is a swapped pair.
import gcoord from 'gcoord';

export const CRS_CHOICES = ['auto', 'wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
export type CrsChoice = (typeof CRS_CHOICES)[number];
export type Crs = Exclude<CrsChoice, 'auto'>;

/** [west, south, east, north] in degrees */
export type Box = [number, number, number, number];
export const CHINA_BOX: Box = [73, 18, 135.1, 53.6];

/**
 * 'auto': the file's column names say which app the points came from ("高德经度", "百度坐标",
 * "gcj02_lng"); otherwise the points are taken as WGS84/CGCS2000, the surveyors' system.
 */
export function guessCrs(headers: string[]): Crs {
	const h = headers.join(' ').toLowerCase();
	if (/百度|baidu|bd-?09/.test(h)) return 'bd09';
	if (/高德|腾讯|微信|amap|gcj|火星/.test(h)) return 'gcj02';
	if (/cgcs|2000/.test(h)) return 'cgcs2000';
	return 'wgs84';
}

/** [lon, lat] in WGS84 from the given system. */
export function toWgs84(lon: number, lat: number, crs: Crs): [number, number] {
	if (crs === 'wgs84' || crs === 'cgcs2000') return [lon, lat];
	const from = crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
	const [x, y] = gcoord.transform([lon, lat], from, gcoord.WGS84) as [number, number];
	return [x, y];
}

export function inBox(lon: number, lat: number, b: Box): boolean {
	return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/** A pair that only lands in the box when swapped. */
export function looksSwapped(lon: number, lat: number, b: Box = CHINA_BOX): boolean {
	return !inBox(lon, lat, b) && inBox(lat, lon, b);
}
