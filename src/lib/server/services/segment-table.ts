// The segment table behind every list, the dashboard's ranking and exports: each segment with
// its usable items, the rule's answer, the released count of children near it, its risk, in
// risk order. Computing it for the province (42,724 segments) takes a second or two, so it is
// computed once per data version and kept: a request then filters the kept table in memory
// (scope, filters and order are all plain fields of it). The province's table is computed at
// start and again after every change, in the background; a smaller area's list is filtered from
// it when it is ready, or computed on its own (fast) while it is not.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { listSegments, type SegmentRow } from '../repositories/equipment';
import { ruleRadius } from '../repositories/segment-rule';
import { currentDataVersion } from '../repositories/data-changes';
import { riverChiefsUnder } from '../repositories/users';
import { villageCentres, type VillageCentre } from '../repositories/areas';
import type { SegmentPlace } from '../repositories/waterways';
import { haversineMeters } from '$lib/geo/distance';
import { knownVersion } from './freshness';
import { releasedChildrenNear } from './released-counts';
import {
	compareRisk,
	completenessFromCount,
	riskScore,
	type Completeness
} from '$lib/domain/equipment';

export interface SegmentListItem extends SegmentRow {
	completeness: Completeness;
	risk: number;
}

/**
 * The version every kept table is computed for: the data version that every write the lists
 * show moves (app_meta.data_version, bumped by mapDataChanged and by applyDataChanges). The one
 * place that reads it, so the cache can follow whoever owns the data version.
 */
export async function segmentTableVersion(db: Kysely<DB>): Promise<string> {
	// the app's watcher knows it (no query per request); a database nothing watches is asked
	const known = knownVersion(db);
	return (known === undefined ? await currentDataVersion(db) : known) ?? '0';
}

/** The province's site prefix: one table every area's list can be filtered from. */
export const PROVINCE_SITE_PREFIX = '42';
/** Areas at least this large (province, prefecture) wait for the province's table. */
const LARGE_PREFIX_MAX = 4;
const MAX_KEPT = 64;

interface Entry {
	promise: Promise<SegmentListItem[]>;
	done: boolean;
}

interface Kept {
	version: string | undefined;
	tables: Map<string, Entry>;
	/** the river chiefs under a prefix (the list's filter), for the same version */
	chiefs: Map<string, Promise<{ id: number; name: string }[]>>;
	/** the villages under a prefix by township, for the places of exported rows */
	villages: Map<string, Promise<Map<string, VillageCentre[]>>>;
}
/** Per database (one in the app; tests open several, whose versions may coincide). */
const keptBy = new WeakMap<Kysely<DB>, Kept>();
function keptFor(db: Kysely<DB>): Kept {
	let k = keptBy.get(db);
	if (!k)
		keptBy.set(
			db,
			(k = { version: undefined, tables: new Map(), chiefs: new Map(), villages: new Map() })
		);
	return k;
}

/** Start a new version: what was kept for the old one is dropped. */
function turn(k: Kept, version: string): void {
	if (k.version === version) return;
	k.version = version;
	k.tables.clear();
	k.chiefs.clear();
	k.villages.clear();
}
/** When a province's or prefecture's table was last asked for (0: never). */
let largeAskedAt = 0;
/** After a change, the province's table is computed again only if large views are in use. */
const LARGE_IN_USE_MS = 15 * 60_000;

/**
 * The rows with `children_within` replaced by its released (perturbed) count: what lists, the
 * dashboard's ranking and exports show, and what risk and order are computed from, so neither
 * reveals more than the released count.
 */
async function compute(db: Kysely<DB>, sitePrefix: string): Promise<SegmentListItem[]> {
	const rows = await listSegments(db, { sitePrefix });
	const released = await releasedChildrenNear(
		db,
		rows.map((r) => ({ id: r.id, countedByRule: r.children_within })),
		await ruleRadius(db)
	);
	return rows
		.map((r) => {
			const children = released.get(r.id) ?? 0;
			return {
				...r,
				children_within: children,
				completeness: completenessFromCount(r.usable),
				risk: r.required ? riskScore(r.kind, children, r.usable) : 0
			};
		})
		.sort((a, b) =>
			compareRisk(
				{ ...a, childrenWithin: a.children_within },
				{ ...b, childrenWithin: b.children_within }
			)
		);
}

function keep(
	k: Kept,
	version: string,
	sitePrefix: string,
	promise: Promise<SegmentListItem[]>
): Entry {
	const kept = k.tables;
	turn(k, version);
	if (kept.size >= MAX_KEPT) {
		// the province's table serves every area: keep it, forget the small ones
		for (const p of kept.keys()) if (p !== PROVINCE_SITE_PREFIX) kept.delete(p);
	}
	const e: Entry = { promise, done: false };
	kept.set(sitePrefix, e);
	promise.then(
		() => (e.done = true),
		() => kept.get(sitePrefix) === e && kept.delete(sitePrefix)
	);
	return e;
}

/**
 * Every segment under `sitePrefix` (a viewer's scope), in risk order, as of the current data
 * version. The array is shared: callers filter or slice it, never change it.
 */
export async function segmentTable(
	db: Kysely<DB>,
	sitePrefix: string
): Promise<readonly SegmentListItem[]> {
	const version = await segmentTableVersion(db);
	if (sitePrefix.length <= LARGE_PREFIX_MAX) largeAskedAt = Date.now();
	const k = keptFor(db);
	const kept = k.tables;
	if (k.version === version) {
		const own = kept.get(sitePrefix);
		if (own) return own.promise;
		// the nearest kept table of a larger area (the province's, usually) holds this one
		for (let n = sitePrefix.length - 1; n >= 2; n--) {
			const up = kept.get(sitePrefix.slice(0, n));
			// kept too: filtering the province's 42,724 rows on every request was most of a
			// county list's time when twenty users asked at once
			if (up && (up.done || sitePrefix.length <= LARGE_PREFIX_MAX))
				return keep(
					k,
					version,
					sitePrefix,
					up.promise.then((rows) => rows.filter((r) => r.township_code.startsWith(sitePrefix)))
				).promise;
		}
	}
	return keep(k, version, sitePrefix, compute(db, sitePrefix)).promise;
}

/**
 * Compute the province's table for the current version unless it is kept already: at start
 * and after every change, so that the first province or prefecture request does not pay it.
 */
export async function warmSegmentTable(db: Kysely<DB>): Promise<number> {
	const asked = largeAskedAt;
	const n = (await segmentTable(db, PROVINCE_SITE_PREFIX)).length;
	// warming is not a user's view
	largeAskedAt = asked;
	return n;
}

/**
 * Whether to compute the province's table again after a change: when a province's or
 * prefecture's view was asked for lately. (On the embedded engine the province's read takes
 * the one connection for a second or more: not after every check when nobody looks.)
 */
export function largeViewsInUse(now = Date.now()): boolean {
	return largeAskedAt > 0 && now - largeAskedAt < LARGE_IN_USE_MS;
}

/**
 * The river chiefs under `sitePrefix` (the list's filter offers them), kept for the data
 * version: a chief's name, role and area move it (migration 0008), and so does a new chief
 * (0021). A river chief's list of their own segments never needs it.
 */
export async function riverChiefsKept(
	db: Kysely<DB>,
	sitePrefix: string
): Promise<{ id: number; name: string }[]> {
	return keptRead(
		db,
		(k) => k.chiefs,
		sitePrefix,
		() => riverChiefsUnder(db, sitePrefix)
	);
}

/** One read of something kept for the data version, shared by every request that needs it. */
async function keptRead<T>(
	db: Kysely<DB>,
	pick: (k: Kept) => Map<string, Promise<T>>,
	key: string,
	read: () => Promise<T>
): Promise<T> {
	const version = await segmentTableVersion(db);
	const k = keptFor(db);
	turn(k, version);
	const kept = pick(k);
	let p = kept.get(key);
	if (!p) {
		if (kept.size >= MAX_KEPT) kept.clear();
		const mine = read();
		kept.set(key, (p = mine));
		mine.catch(() => kept.get(key) === mine && kept.delete(key));
	}
	return p;
}

/**
 * Where each row is, for exports: the point halfway along the segment (read with the row) and
 * the village of its own township whose centre is nearest that point on the sphere, the lowest
 * code on a tie (segments are registered to townships, not villages; nothing here is about
 * children). The villages are read once per data version; a lateral query per segment took
 * 0.15–0.45 s per 2,000 rows, ten seconds of a province's export.
 */
export async function segmentPlacesOf(
	db: Kysely<DB>,
	sitePrefix: string,
	rows: readonly SegmentListItem[]
): Promise<Map<number, SegmentPlace>> {
	const byTownship = await keptRead(
		db,
		(k) => k.villages,
		sitePrefix,
		async () => {
			const m = new Map<string, VillageCentre[]>();
			for (const v of await villageCentres(db, sitePrefix)) {
				let list = m.get(v.township_code);
				if (!list) m.set(v.township_code, (list = []));
				list.push(v);
			}
			return m;
		}
	);
	const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
	return new Map(
		rows.map((r) => {
			let best: VillageCentre | null = null;
			let bestM = Infinity;
			// in code order: a later village wins only when strictly nearer
			for (const v of byTownship.get(r.township_code) ?? []) {
				const m =
					v.lon === null || v.lat === null
						? Infinity
						: haversineMeters(r.mid, [Number(v.lon), Number(v.lat)]);
				if (best === null || m < bestM) [best, bestM] = [v, m];
			}
			return [
				r.id,
				{
					lon: round6(r.mid[0]),
					lat: round6(r.mid[1]),
					village_code: best?.code ?? null,
					village_name: best?.name ?? null
				}
			];
		})
	);
}

/** Forget every kept table (tests comparing paths). */
export function forgetSegmentTables(db: Kysely<DB>): void {
	keptBy.delete(db);
}
