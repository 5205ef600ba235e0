// Tile and page latency against the running app, as a signed-in province administrator.
// Sources `children` (aggregates) and `water` (segments), zooms 5–14, around real places.
import { tileOf } from '../../src/lib/geo/tiles';
import { percentile, round } from './stats';

export interface TileRef {
	source: 'children' | 'water';
	z: number;
	x: number;
	y: number;
}

export const PLACES = {
	wuhan: [114.3, 30.59],
	honghu: [113.47, 29.83],
	yichang: [111.29, 30.7],
	xiangyang: [112.14, 32.04],
	jingzhou: [112.24, 30.33],
	shiyan: [110.79, 32.63],
	huanggang: [114.87, 30.45],
	enshi: [109.49, 30.28],
	xiaogan: [113.92, 30.92],
	suizhou: [113.38, 31.69]
} as const satisfies Record<string, readonly [number, number]>;

/** A block of (2·half+1)² tiles per zoom 5–14 around a place, both sources. */
export function tilesAround(
	place: readonly [number, number],
	half = 1,
	zooms = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
): TileRef[] {
	const out: TileRef[] = [];
	for (const z of zooms) {
		const c = tileOf(place[0], place[1], z);
		const h = z <= 6 ? 0 : half;
		for (let dy = -h; dy <= h; dy++)
			for (let dx = -h; dx <= h; dx++)
				for (const source of ['children', 'water'] as const)
					out.push({ source, z, x: c.x + dx, y: c.y + dy });
	}
	return out;
}

export interface Sample {
	ms: number;
	bytes: number;
	status: number;
	z: number;
}

export async function getTile(url: string, cookie: string, t: TileRef): Promise<Sample> {
	const t0 = performance.now();
	const r = await fetch(`${url}/tiles/${t.source}/${t.z}/${t.x}/${t.y}.mvt`, {
		headers: { cookie }
	});
	const body = new Uint8Array(await r.arrayBuffer());
	if (r.status !== 200 && r.status !== 204)
		throw new Error(`tile ${t.source}/${t.z}/${t.x}/${t.y}: ${r.status}`);
	return { ms: performance.now() - t0, bytes: body.byteLength, status: r.status, z: t.z };
}

export async function getPage(url: string, cookie: string, p = '/'): Promise<Sample> {
	const t0 = performance.now();
	const r = await fetch(`${url}${p}`, { headers: { cookie } });
	await r.arrayBuffer();
	if (r.status !== 200) throw new Error(`page ${p}: ${r.status}`);
	return { ms: performance.now() - t0, bytes: 0, status: r.status, z: -1 };
}

export async function sequential(url: string, cookie: string, list: TileRef[]): Promise<Sample[]> {
	const out: Sample[] = [];
	for (const t of list) out.push(await getTile(url, cookie, t));
	return out;
}

/** `clients` concurrent clients, each working through its own list; tiles per second overall. */
export async function concurrent(
	url: string,
	cookie: string,
	lists: TileRef[][]
): Promise<{ perS: number; samples: Sample[] }> {
	const t0 = performance.now();
	const all = await Promise.all(lists.map((l) => sequential(url, cookie, l)));
	const s = (performance.now() - t0) / 1000;
	const samples = all.flat();
	return { perS: round(samples.length / s, 0), samples };
}

export function summary(samples: Sample[]) {
	const ms = samples.map((s) => s.ms);
	return {
		n: samples.length,
		p50_ms: round(percentile(ms, 50)),
		p95_ms: round(percentile(ms, 95)),
		max_ms: round(Math.max(...ms)),
		max_bytes: Math.max(0, ...samples.map((s) => s.bytes))
	};
}

/** p95 per zoom band, to see where cold tiles are slow */
export function byZoom(samples: Sample[]) {
	const out: Record<string, number> = {};
	for (const [name, lo, hi] of [
		['z5-7', 5, 7],
		['z8-10', 8, 10],
		['z11-14', 11, 14]
	] as const) {
		const s = samples.filter((x) => x.z >= lo && x.z <= hi).map((x) => x.ms);
		out[name] = round(percentile(s, 95));
	}
	return out;
}

/**
 * Idle and busy from one stream of requests: analyses run in windows of ~1 s with ~1 s pauses
 * between them, while one client works through `list` (new tiles, warm tiles and pages).
 * A request started while an analysis was running counts as busy; one that started and ended
 * with none running counts as idle. Both draw from the same mix, so only the analysis differs.
 */
export async function idleVersusBusy(
	url: string,
	cookie: string,
	list: TileRef[],
	analyse: () => Promise<unknown>
): Promise<{ idle: Sample[]; busy: Sample[]; analyses: number }> {
	let inFlight = false;
	let done = false;
	let analyses = 0;
	const controller = (async () => {
		while (!done) {
			const until = performance.now() + 1000;
			while (!done && performance.now() < until) {
				inFlight = true;
				await analyse();
				inFlight = false;
				analyses++;
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	})();
	const idle: Sample[] = [];
	const busy: Sample[] = [];
	for (let i = 0; i < list.length; i++) {
		const startBusy = inFlight;
		const s = await (i % 12 === 11 ? getPage(url, cookie) : getTile(url, cookie, list[i]));
		if (startBusy) busy.push(s);
		else if (!inFlight) idle.push(s);
	}
	done = true;
	await controller;
	return { idle, busy, analyses };
}
