// Synthetic demo data around the real administrative units: child residences, children's
// homes, schools and other institutions, the 60 Sunshine Stations and four-item states.
// Everything here is invented with a fixed seed and is labelled 演示数据 in the UI. No real
// child is represented.
import { booleanPointInPolygon } from '@turf/turf';
import type { GeoAdminUnit, GeoSegment } from './geodata';
import { rng, offsetMeters, hashString } from './random';
import type { ChildCategory } from '$lib/domain/children';
import { prefecturePrefix } from '$lib/domain/admin';
import { statusesFor, type EquipmentItem, type EquipmentStatus } from '$lib/domain/equipment';

/** The survey day the demo ages refer to. */
export const DEMO_REFERENCE_DATE = new Date(Date.UTC(2026, 5, 30));
export const SUNSHINE_STATION_COUNT = 60;

export interface SynthChild {
	pseudonym: string;
	village: string;
	birthDate: string;
	categories: ChildCategory[];
	lon: number;
	lat: number;
}
export interface SynthPoint {
	name: string;
	code: string;
	lon: number;
	lat: number;
}
export interface SynthHome extends SynthPoint {
	areaM2: number;
}
export interface SynthInstitution extends SynthPoint {
	kind: 'school' | 'kindergarten' | 'welfare' | 'rescue_protection' | 'workstation';
	capacity: number;
}

const DIFFICULTY_WEIGHTS: [ChildCategory, number][] = [
	['low_income_family', 0.46],
	['guardianship_missing', 0.16],
	['severely_disabled', 0.12],
	['seriously_ill', 0.1],
	['de_facto_unsupported', 0.1],
	['orphan', 0.05],
	['hiv_affected', 0.01]
];

function weighted<T>(r: () => number, items: [T, number][]): T {
	let x = r() * items.reduce((s, [, w]) => s + w, 0);
	for (const [v, w] of items) {
		x -= w;
		if (x <= 0) return v;
	}
	return items[items.length - 1][0];
}

function birthDateForAge(ageYears: number, dayOfYear: number): string {
	const d = new Date(DEMO_REFERENCE_DATE);
	d.setUTCFullYear(d.getUTCFullYear() - ageYears - 1);
	d.setUTCDate(d.getUTCDate() + 1 + dayOfYear);
	return d.toISOString().slice(0, 10);
}

/** The polygon a synthetic point must stay in: its own unit's (a village's: its township's). */
export type UnitArea = GeoJSON.Polygon | GeoJSON.MultiPolygon | null | undefined;

/**
 * A point `eastM`/`northM` metres from `anchor`, kept strictly inside `area`. Scattering around
 * a centre near a boundary (a village on a township's edge, a lake shore) put homes, schools and
 * stations in the next township, or in none, so a unit's figures counted points that lie outside
 * it on the map. A point that falls outside is pulled back towards its anchor (half the offset,
 * then a quarter, …) and, failing that, put on the anchor itself: a point already inside stays
 * exactly where it was, and no extra random draw shifts the points after it.
 */
export function placeInside(
	anchor: readonly [number, number],
	eastM: number,
	northM: number,
	area: UnitArea
): [number, number] {
	const p = offsetMeters(anchor, eastM, northM);
	if (!area) return p;
	const inside = (q: [number, number]) => booleanPointInPolygon(q, area, { ignoreBoundary: true });
	if (inside(p)) return p;
	for (let f = 0.5; f > 1 / 64; f /= 2) {
		const q = offsetMeters(anchor, eastM * f, northM * f);
		if (inside(q)) return q;
	}
	// the anchor (a unit's or a village's centre) is inside its unit: geodata/build/verify.ts
	return [anchor[0], anchor[1]];
}

/** Village committees (村委会) have 2xx–3xx suffixes, urban communities (居委会) 0xx–1xx. */
export function isRuralVillage(code: string): boolean {
	return Number(code.slice(9, 12)) >= 200;
}

export function synthChildren(village: GeoAdminUnit, area?: UnitArea): SynthChild[] {
	const r = rng(`children:${village.code}`);
	const rural = isRuralVillage(village.code);
	// lognormal count per village: ≈12 on average, a few villages with 40+
	const n = Math.max(0, Math.round(Math.exp(2.26 + 0.6 * r.normal())));
	const out: SynthChild[] = [];
	for (let i = 0; i < n; i++) {
		const cats = new Set<ChildCategory>();
		const leftBehind = r.chance(rural ? 0.62 : 0.35);
		if (leftBehind) cats.add(rural ? 'left_behind_rural' : 'left_behind_urban');
		if (!leftBehind || r.chance(0.12)) {
			cats.add(weighted(r.next, DIFFICULTY_WEIGHTS));
			if (r.chance(0.15)) cats.add(weighted(r.next, DIFFICULTY_WEIGHTS));
		}
		if (r.chance(0.08)) cats.add('single_parent');
		const maxAge = leftBehind ? 15 : 17;
		const age = r.int(0, maxAge);
		// homes scatter around the village centre; a tail of outlying hamlets
		const spread = r.chance(0.85) ? 350 : 1200;
		const [lon, lat] = placeInside(village.center, r.normal() * spread, r.normal() * spread, area);
		out.push({
			pseudonym: `C${village.code}${String(i).padStart(3, '0')}`,
			village: village.code,
			birthDate: birthDateForAge(age, r.int(0, 364)),
			categories: [...cats],
			lon,
			lat
		});
	}
	return out;
}

export function synthHome(village: GeoAdminUnit, area?: UnitArea): SynthHome | null {
	const r = rng(`home:${village.code}`);
	if (!r.chance(0.86)) return null;
	const [lon, lat] = placeInside(village.center, r.normal() * 80, r.normal() * 80, area);
	// most rooms 40–160 m²; about 6% below the 30 m² the plan requires
	const areaM2 = r.chance(0.06) ? r.int(12, 29) : r.int(30, 160);
	return { name: `${village.name}儿童之家`, code: village.code, lon, lat, areaM2 };
}

export function synthTownshipInstitutions(
	township: GeoAdminUnit,
	villages: GeoAdminUnit[]
): SynthInstitution[] {
	const r = rng(`inst:${township.code}`);
	const out: SynthInstitution[] = [];
	// the township's own and its villages' points all lie in the township
	const near = (p: readonly [number, number], m: number) =>
		placeInside(p, r.normal() * m, r.normal() * m, township.geom);
	const [wlon, wlat] = near(township.center, 150);
	out.push({
		kind: 'workstation',
		name: `${township.name}未成年人保护工作站`,
		code: township.code,
		lon: wlon,
		lat: wlat,
		capacity: 0
	});
	const [slon, slat] = near(township.center, 400);
	out.push({
		kind: 'school',
		name: `${township.name}中心学校`,
		code: township.code,
		lon: slon,
		lat: slat,
		capacity: r.int(300, 1500)
	});
	const [klon, klat] = near(township.center, 400);
	out.push({
		kind: 'kindergarten',
		name: `${township.name}中心幼儿园`,
		code: township.code,
		lon: klon,
		lat: klat,
		capacity: r.int(80, 300)
	});
	for (const v of villages) {
		const vr = rng(`vinst:${v.code}`);
		if (vr.chance(0.22)) {
			const [lon, lat] = placeInside(v.center, vr.normal() * 300, vr.normal() * 300, township.geom);
			out.push({
				kind: 'school',
				name: `${v.name}小学`,
				code: v.code,
				lon,
				lat,
				capacity: vr.int(40, 400)
			});
		}
		if (vr.chance(0.16)) {
			const [lon, lat] = placeInside(v.center, vr.normal() * 300, vr.normal() * 300, township.geom);
			out.push({
				kind: 'kindergarten',
				name: `${v.name}幼儿园`,
				code: v.code,
				lon,
				lat,
				capacity: vr.int(20, 150)
			});
		}
	}
	return out;
}

export function synthCountyInstitutions(county: GeoAdminUnit): SynthInstitution[] {
	const r = rng(`county:${county.code}`);
	const [wlon, wlat] = placeInside(
		county.center,
		r.normal() * 1500,
		r.normal() * 1500,
		county.geom
	);
	const [rlon, rlat] = placeInside(
		county.center,
		r.normal() * 1500,
		r.normal() * 1500,
		county.geom
	);
	return [
		{
			kind: 'welfare',
			name: `${county.name}儿童福利院`,
			code: county.code,
			lon: wlon,
			lat: wlat,
			capacity: r.int(30, 200)
		},
		{
			kind: 'rescue_protection',
			name: `${county.name}未成年人救助保护中心`,
			code: county.code,
			lon: rlon,
			lat: rlat,
			capacity: r.int(10, 60)
		}
	];
}

/**
 * Exactly 60 Sunshine Stations across the province, chosen from all townships (not just the
 * seeded area) so that a fixture area gets the same stations it has inside the province:
 * every prefecture-level unit gets a share in proportion to its townships, then the
 * townships with the lowest stable hash win.
 */
export function pickSunshineTownships(allUnits: GeoAdminUnit[]): string[] {
	const townships = allUnits.filter((u) => u.level === 'township');
	const byPref = new Map<string, GeoAdminUnit[]>();
	for (const t of townships) {
		const k = prefecturePrefix(t.code);
		byPref.set(k, [...(byPref.get(k) ?? []), t]);
	}
	const prefs = [...byPref.keys()].sort();
	const quotas = prefs.map(
		(p) => (byPref.get(p)!.length / townships.length) * SUNSHINE_STATION_COUNT
	);
	const counts = quotas.map((q) => Math.max(1, Math.floor(q)));
	// largest remainders fill up to exactly 60
	const order = quotas
		.map((q, i) => ({ i, rem: q - Math.floor(q) }))
		.sort((a, b) => b.rem - a.rem || a.i - b.i);
	let total = counts.reduce((a, b) => a + b, 0);
	for (let k = 0; total < SUNSHINE_STATION_COUNT; k = (k + 1) % order.length) {
		counts[order[k].i]++;
		total++;
	}
	for (
		let k = order.length - 1;
		total > SUNSHINE_STATION_COUNT;
		k = (k - 1 + order.length) % order.length
	) {
		if (counts[order[k].i] > 1) {
			counts[order[k].i]--;
			total--;
		}
	}
	const chosen: string[] = [];
	prefs.forEach((p, i) => {
		const ranked = [...byPref.get(p)!].sort(
			(a, b) => hashString(`sun:${a.code}`) - hashString(`sun:${b.code}`)
		);
		chosen.push(...ranked.slice(0, counts[i]).map((t) => t.code));
	});
	return chosen.sort();
}

export function synthStation(township: GeoAdminUnit): SynthPoint {
	const r = rng(`station:${township.code}`);
	const [lon, lat] = placeInside(
		township.center,
		r.normal() * 300,
		r.normal() * 300,
		township.geom
	);
	return { name: `阳光驿站·${township.name}`, code: township.code, lon, lat };
}

/**
 * Four-item states with realistic gaps: about 40% of segments complete, some never checked,
 * the rest with one or more items missing, damaged or used and not replaced. Keyed by the
 * segment's geometry so it does not depend on insertion order.
 */
export function synthEquipment(seg: GeoSegment): Record<EquipmentItem, EquipmentStatus> {
	const [lon, lat] = seg.geom[0];
	const r = rng(`eq:${seg.kind}:${lon}:${lat}:${seg.geom.length}`);
	const u = r.next();
	const items: EquipmentItem[] = ['sign', 'buoy', 'rope', 'pole'];
	const out = {} as Record<EquipmentItem, EquipmentStatus>;
	if (u < 0.4) {
		for (const i of items) out[i] = 'present';
	} else if (u < 0.55) {
		for (const i of items) out[i] = 'unknown';
	} else {
		for (const i of items) {
			const s = r.chance(0.55)
				? 'present'
				: r.pick(['missing', 'missing', 'damaged', 'used'] as const);
			// a sign is not "used up" in a rescue: damaged instead (same draw, same completeness)
			out[i] = s === 'used' && !statusesFor(i).includes(s) ? 'damaged' : s;
		}
		if (items.every((i) => out[i] === 'present')) out[r.pick(items)] = 'missing';
	}
	out.barrier =
		seg.kind === 'pond' || seg.kind === 'reservoir'
			? r.chance(0.3)
				? 'present'
				: 'missing'
			: 'unknown';
	return out;
}
