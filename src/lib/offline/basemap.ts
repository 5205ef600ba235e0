// The operator's basemap out of signal. The map reads the PMTiles archive as byte ranges of
// one file (/tiles/basemap.pmtiles); the service worker keeps every range it has fetched, and
// answers from them when the network does not. While online, the segment list asks the worker
// to fetch the tiles around the listed segments at the zooms a field worker uses, so that the
// map of their own area is drawn offline even where they have not looked yet.
// Shared by the service worker and the pages, and unit-tested; no maplibre here.

export const BASEMAP_PATH = '/tiles/basemap.pmtiles';
export const BASEMAP_CACHE = 'tongan-basemap';

/** The zooms kept around a user's segments (clamped to the archive's own). */
export const KEEP_ZOOMS = [10, 15] as const;
/** At most this many tiles are kept for one area: a whole zoom is left out rather than cut. */
export const KEEP_MAX_TILES = 400;

export interface KeepBasemapMessage {
	type: 'keep-basemap';
	/** the archive's same-origin URL, with its version */
	url: string;
	tiles: [number, number, number][];
}

export function isBasemapRequest(url: URL): boolean {
	return url.pathname === BASEMAP_PATH;
}

/**
 * The cache key of one byte range of one version of the archive. A Range header that is not
 * a single plain range is not kept (null).
 */
export function basemapRangeKey(url: URL, range: string | null): string | null {
	const m = /^bytes=(\d+)-(\d+)$/.exec(range?.trim() ?? '');
	if (!m) return null;
	const v = url.searchParams.get('v') ?? '';
	return `${url.origin}${url.pathname}?v=${encodeURIComponent(v)}&bytes=${m[1]}-${m[2]}`;
}

/** The archive version a kept key belongs to. */
export function versionOfKey(key: string): string {
	return new URL(key).searchParams.get('v') ?? '';
}

const lonToX = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
const latToY = (lat: number, z: number) => {
	const φ = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
	return ((1 - Math.log(Math.tan(φ) + 1 / Math.cos(φ)) / Math.PI) / 2) * 2 ** z;
};

/**
 * The tiles over `bbox` (grown by half its size each way, at least ~1 km, for the screen around
 * it), zoom by zoom from the lowest, as long as a whole zoom fits in `max` tiles.
 */
export function tilesAround(
	bbox: [number, number, number, number],
	minZoom: number,
	maxZoom: number,
	max = KEEP_MAX_TILES
): [number, number, number][] {
	const [w0, s0, e0, n0] = bbox;
	const padX = Math.max((e0 - w0) / 2, 0.01);
	const padY = Math.max((n0 - s0) / 2, 0.01);
	const [w, s, e, n] = [w0 - padX, s0 - padY, e0 + padX, n0 + padY];
	const out: [number, number, number][] = [];
	for (let z = Math.max(0, minZoom); z <= maxZoom; z++) {
		const last = 2 ** z - 1;
		const x0 = Math.max(0, Math.floor(lonToX(w, z)));
		const x1 = Math.min(last, Math.floor(lonToX(e, z)));
		const y0 = Math.max(0, Math.floor(latToY(n, z)));
		const y1 = Math.min(last, Math.floor(latToY(s, z)));
		if (out.length + (x1 - x0 + 1) * (y1 - y0 + 1) > max) break;
		for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push([z, x, y]);
	}
	return out;
}

/** Ask the service worker to keep the basemap around this area (nothing when offline). */
export async function askToKeepBasemap(
	basemap: { url: string; minZoom: number; maxZoom: number } | null | undefined,
	bbox: [number, number, number, number]
): Promise<void> {
	if (!basemap || !('serviceWorker' in navigator) || !navigator.onLine) return;
	// an archive that ends below KEEP_ZOOMS: its deepest zoom, which the map draws larger
	const hi = Math.min(basemap.maxZoom, KEEP_ZOOMS[1]);
	const tiles = tilesAround(bbox, Math.min(Math.max(basemap.minZoom, KEEP_ZOOMS[0]), hi), hi);
	if (!tiles.length) return;
	const reg = await navigator.serviceWorker.ready;
	reg.active?.postMessage({
		type: 'keep-basemap',
		url: basemap.url,
		tiles
	} satisfies KeepBasemapMessage);
}
