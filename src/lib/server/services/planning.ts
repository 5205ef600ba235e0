// Siting new children's homes (/planning): where k new sites reach the most children, with the
// usable homes and Sunshine Stations already there fixed.
//
// Privacy first. Demand is the jurisdiction's released grid cells at the finest level
// (releasedCellsFor, the very figures the viewer's map tiles show), placed at their centres; no
// child, residence or exact count is read here. Every figure this module returns (covered,
// gains, totals, a scenario's coverage at each reach) is a sum of those released values, so it
// is a function of what the viewer can already fetch, and no sequence of requests (moving a
// site by a metre at a time, differencing the answers) can learn more than the map shows: an
// answer changes only when a cell's centre crosses the circle, and by that cell's released
// value. The price is an aggregation error, stated in the README: a child up to half a cell's
// diagonal (≈ 190 m) inside or outside the reach may be counted on the other side, and each
// cell carries the perturbation's ±3.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { canPlanSites } from '../auth/policy';
import { assertAreaInScope, scopeFor } from '../auth/scope';
import { CheckRejected, Forbidden, NotFoundError } from '../errors';
import { findUnit, type AdminUnitRow } from './areas';
import { releasedCellsFor } from '../tiles/children-cells';
import { analysisFor } from './exposure';
import {
	deleteScenario,
	homesIn,
	insertScenario,
	scenarioOf,
	scenariosOf,
	usableSitesIn,
	prefecturesAndCounties,
	villageCentres,
	villagesWithCounts,
	villageTotals,
	type FixedSite,
	type ScenarioRow
} from '../repositories/planning';
import { MIN_HOME_AREA_M2 } from '../repositories/analysis-snapshot';
import { coverageByReach, coverSets, coveredWeight } from '../analysis/kernel/coverage.mjs';
import { tileXToLon, tileYToLat } from '$lib/geo/tiles';
import { haversineMeters } from '$lib/geo/distance';
import {
	CHOOSER_REACH_M,
	DEMAND_LEVEL,
	DIRECTOR_THRESHOLD,
	plansDirectly,
	type AreaChoice,
	REACHES,
	movedSite,
	type AreaCoverage,
	type ByCategory,
	type VillageCoverage,
	type Candidate,
	type ChosenSite,
	type DemandCell,
	type UncoveredCell,
	type NotCountingReason,
	type Scenario,
	type ScenarioSummary,
	type SitingAnswer
} from '$lib/domain/planning';

/** Degrees around the jurisdiction's cells in which existing sites can cover them (> 5 km). */
const FIXED_MARGIN_DEG = 0.06;

/** Refuse anyone but planners and administrators (before a route reads its input). */
export function assertPlanner(who: Principal): void {
	if (!canPlanSites(who)) throw new Forbidden('planning');
}

export interface PlanningArea {
	/** the planner as seen inside the area: every planning read is scoped to it */
	who: Principal;
	unit: AdminUnitRow;
}

/**
 * The area a planner plans in: their jurisdiction, or a unit inside it (`code`, e.g. a county
 * chosen by a province planner). A code outside the jurisdiction or naming no unit is "not
 * found" (a 404, as everywhere). Inside the area, the planner sees exactly what a planner of
 * that area sees: its own released cells (as its map tiles), villages and sites; scenarios are
 * saved to and listed for the area.
 */
export async function planningArea(
	db: Kysely<DB>,
	who: Principal,
	code?: string | null
): Promise<PlanningArea> {
	assertPlanner(who);
	const area = code || who.jurisdiction;
	assertAreaInScope(scopeFor(who.jurisdiction), area);
	const unit = await findUnit(db, area);
	if (!unit) throw new NotFoundError(area);
	return { who: { ...who, jurisdiction: unit.code }, unit };
}

/**
 * The area for a siting run or a saved scenario: one planned directly (a county or below).
 * Above it, the request is refused (400): the page always sends the chosen county.
 */
export async function sitingArea(
	db: Kysely<DB>,
	who: Principal,
	code?: string | null
): Promise<PlanningArea> {
	const a = await planningArea(db, who, code);
	if (!plansDirectly(a.unit.level)) throw new CheckRejected('area', 'plan.chooseArea');
	return a;
}

/**
 * The area chooser above the county: every prefecture and county inside the area with its
 * released children count (the dashboard's), its villages, the villages with a usable home or
 * station within CHOOSER_REACH_M of their centre, and the covered villages' share of the summed
 * released village counts. Village centres and released village counts only: no cell is
 * released here, so the page stays small (some 100 rows for the province).
 */
export async function areaChoices(db: Kysely<DB>, area: PlanningArea): Promise<AreaChoice[]> {
	assertPlanner(area.who);
	const { prefix } = scopeFor(area.unit.code);
	const [units, villages] = await Promise.all([
		prefecturesAndCounties(db, prefix),
		villageTotals(db, prefix)
	]);
	const [w, s, e, n] = area.unit.bbox;
	const m = FIXED_MARGIN_DEG;
	const sites = villages.length ? await usableSitesIn(db, w - m, s - m, e + m, n + m) : [];
	const nearest = nearestMeters(villages, sites);
	const tally = new Map<string, { villages: number; covered: number; all: number; in: number }>();
	villages.forEach((v, i) => {
		const d = nearest[i];
		const hit = d !== null && d <= CHOOSER_REACH_M;
		for (const key of [v.code.slice(0, 4), v.code.slice(0, 6)]) {
			let t = tally.get(key);
			if (!t) tally.set(key, (t = { villages: 0, covered: 0, all: 0, in: 0 }));
			t.villages++;
			t.all += v.total;
			if (hit) {
				t.covered++;
				t.in += v.total;
			}
		}
	});
	return units
		.filter((u) => u.code !== area.unit.code)
		.map((u) => {
			const t = tally.get(u.code.slice(0, u.level === 'prefecture' ? 4 : 6));
			return {
				code: u.code,
				name: u.name,
				level: u.level,
				children: u.children,
				villages: t?.villages ?? 0,
				villagesCovered: t?.covered ?? 0,
				childShare: t && t.all > 0 ? t.in / t.all : null
			};
		});
}

/**
 * The jurisdiction's demand: its released finest-level cells with a child, at their centres.
 * Released per jurisdiction exactly as the viewer's children tiles are.
 */
export async function demandCells(db: Kysely<DB>, prefix: string): Promise<DemandCell[]> {
	const released = await releasedCellsFor(db, prefix);
	const out: DemandCell[] = [];
	const head = `${DEMAND_LEVEL}/`;
	for (const [id, n] of released) {
		if (n <= 0 || !id.startsWith(head)) continue;
		const [, x, y] = id.split('/').map(Number);
		out.push({
			lon: tileXToLon(x + 0.5, DEMAND_LEVEL),
			lat: tileYToLat(y + 0.5, DEMAND_LEVEL),
			n
		});
	}
	// a stable order, so that every answer is the same whatever the map's iteration order
	out.sort((a, b) => a.lat - b.lat || a.lon - b.lon);
	return out;
}

function notCounting(h: { status: string; area_m2: number }): NotCountingReason | undefined {
	if (h.status === 'closed') return 'closed';
	if (h.status === 'suspended') return 'suspended';
	if (h.area_m2 < MIN_HOME_AREA_M2) return 'small';
	return undefined;
}

export interface PlanningBase {
	jurisdiction: string;
	cells: DemandCell[];
	/** usable homes and stations that already cover children (fixed) */
	fixed: FixedSite[];
	/** village centres and homes that do not count (upgrade candidates, with the reason) */
	candidates: Candidate[];
	/** released children covered now, at each reach, and in all */
	coverage: { reach: number; covered: number }[];
	/** released cells no usable site reaches at REACHES[0], with the first reach that does */
	uncovered: UncoveredCell[];
	all: number;
}

async function baseOf(db: Kysely<DB>, who: Principal): Promise<PlanningBase> {
	assertPlanner(who);
	const { prefix, jurisdiction } = scopeFor(who.jurisdiction);
	const [cells, villages, homes] = await Promise.all([
		demandCells(db, prefix),
		villageCentres(db, prefix),
		homesIn(db, prefix)
	]);
	let west = Infinity,
		south = Infinity,
		east = -Infinity,
		north = -Infinity;
	for (const c of [...cells, ...villages]) {
		west = Math.min(west, c.lon);
		east = Math.max(east, c.lon);
		south = Math.min(south, c.lat);
		north = Math.max(north, c.lat);
	}
	const fixed = Number.isFinite(west)
		? await usableSitesIn(
				db,
				west - FIXED_MARGIN_DEG,
				south - FIXED_MARGIN_DEG,
				east + FIXED_MARGIN_DEG,
				north + FIXED_MARGIN_DEG
			)
		: [];
	const candidates: Candidate[] = [
		...villages.map((v) => ({
			kind: 'village' as const,
			ref: v.code,
			name: v.name,
			lon: v.lon,
			lat: v.lat
		})),
		...homes.flatMap((h) => {
			const reason = notCounting(h);
			return reason
				? [
						{
							kind: 'upgrade' as const,
							ref: String(h.id),
							name: h.name,
							lon: h.lon,
							lat: h.lat,
							reason
						}
					]
				: [];
		})
	];
	const demand = asDemand(cells);
	const fixedLL = lonLat(fixed);
	const all = cells.reduce((a, c) => a + c.n, 0);
	// every reach in one pass: each cell's nearest usable site, bucketed by reach
	const now = coverageByReach(demand, fixedLL, REACHES);
	const coverage = REACHES.map((reach, i) => ({ reach, covered: now.weight[i] }));
	return {
		jurisdiction,
		cells,
		fixed,
		candidates,
		coverage,
		uncovered: uncoveredOf(cells, now.first),
		all
	};
}

/**
 * Uncovered demand: the released cells whose centre no usable site reaches at the smallest reach,
 * each with the first reach that covers it (`firstReach[i]`, REACHES.length when none does).
 * Only released cell values leave here (no sum, no new figure), so the layer says nothing the
 * children tiles do not.
 */
export function uncoveredOf(
	cells: readonly DemandCell[],
	firstReach: ArrayLike<number>
): UncoveredCell[] {
	const out: UncoveredCell[] = [];
	cells.forEach((c, i) => {
		const from = firstReach[i];
		if (from > 0) out.push({ lon: c.lon, lat: c.lat, n: c.n, from });
	});
	return out;
}

function asDemand(cells: readonly DemandCell[]) {
	return {
		lon: cells.map((c) => c.lon),
		lat: cells.map((c) => c.lat),
		w: cells.map((c) => c.n)
	};
}

function lonLat(points: readonly { lon: number; lat: number }[]) {
	return { lon: points.map((p) => p.lon), lat: points.map((p) => p.lat) };
}

/** What the planning page opens with: cells, existing sites, candidates, coverage now. */
export function planningBase(db: Kysely<DB>, who: Principal): Promise<PlanningBase> {
	return baseOf(db, who);
}

export interface SitingRequest {
	k: number;
	radiusM: number;
	/** points the planner placed on the map as extra candidates */
	placed?: readonly (readonly [number, number])[];
}

/** Choose k new sites (greedy with lazy evaluation, then swaps) on the released cells. */
export async function runSiting(
	db: Kysely<DB>,
	who: Principal,
	req: SitingRequest
): Promise<SitingAnswer> {
	const t0 = performance.now();
	const base = await baseOf(db, who);
	const candidates: Candidate[] = [
		...base.candidates,
		...(req.placed ?? []).map(([lon, lat], i) => ({
			kind: 'placed' as const,
			ref: String(i + 1),
			name: `#${i + 1}`,
			lon,
			lat
		}))
	];
	const out = await analysisFor(db).siting({
		demand: asDemand(base.cells),
		candidates: lonLat(candidates),
		fixed: lonLat(base.fixed),
		radius: req.radiusM,
		k: req.k
	});
	const sites: ChosenSite[] = out.chosen.map((j, i) => ({ ...candidates[j], gain: out.gains[i] }));
	return {
		radiusM: req.radiusM,
		k: req.k,
		sites,
		base: out.base,
		total: out.total,
		all: out.all,
		greedyTotal: out.greedyTotal,
		curve: out.curve,
		swaps: out.swaps,
		ms: Math.round(performance.now() - t0)
	};
}

/**
 * Released children covered with the existing sites and `sites` at `radiusM`: the server's
 * answer to a what-if, the reference the browser's Turf answer is held to.
 */
export async function evaluateSites(
	db: Kysely<DB>,
	who: Principal,
	radiusM: number,
	sites: readonly (readonly [number, number])[]
): Promise<{ base: number; total: number; all: number }> {
	const base = await baseOf(db, who);
	const demand = asDemand(base.cells);
	const fixed = lonLat(base.fixed);
	const withNew = {
		lon: [...fixed.lon, ...sites.map((s) => s[0])],
		lat: [...fixed.lat, ...sites.map((s) => s[1])]
	};
	return {
		base: coveredWeight(demand, fixed, radiusM).weight,
		total: coveredWeight(demand, withNew, radiusM).weight,
		all: base.all
	};
}

/**
 * Save a scenario. Its figures are recomputed here from the sites (never taken from the
 * browser): each site's gain in the order given, and the coverage at each reach.
 */
export async function saveScenario(
	db: Kysely<DB>,
	who: Principal,
	s: { name: string; radiusM: number; k: number; sites: readonly Candidate[] }
): Promise<number> {
	const base = await baseOf(db, who);
	const demand = asDemand(base.cells);
	const fixed = lonLat(base.fixed);
	const own = ownCandidates(base.candidates, s.sites);
	const sites: ChosenSite[] = [];
	// each site's gain in the order given: what its cover set adds to what is covered so far
	// (one cover set per site, not one coverage pass per prefix of the list)
	const { weight: baseAtRadius, covered } = coveredWeight(demand, fixed, s.radiusM);
	const sets = coverSets(demand, lonLat(own), s.radiusM);
	let before = baseAtRadius;
	for (let i = 0; i < own.length; i++) {
		let gain = 0;
		for (let k = sets.start[i]; k < sets.start[i + 1]; k++) {
			const d = sets.idx[k];
			if (covered[d]) continue;
			covered[d] = 1;
			gain += demand.w[d];
		}
		sites.push({ ...own[i], gain });
		before += gain;
	}
	const all = {
		lon: [...fixed.lon, ...own.map((p) => p.lon)],
		lat: [...fixed.lat, ...own.map((p) => p.lat)]
	};
	const byReach: Record<string, number> = {};
	const withSites = coverageByReach(demand, all, REACHES);
	REACHES.forEach((r, i) => (byReach[r] = withSites.weight[i]));
	const summary: ScenarioSummary = {
		base: baseAtRadius,
		total: before,
		all: base.all,
		byReach,
		newSites: own.filter((p) => p.kind !== 'upgrade').length,
		upgrades: own.filter((p) => p.kind === 'upgrade').length
	};
	return insertScenario(db, {
		user_id: who.userId,
		jurisdiction: base.jurisdiction,
		name: s.name,
		radius_m: s.radiusM,
		k: s.k,
		sites,
		summary
	});
}

/** Farther than this from its village centre or home (metres), a site has been moved. */
const SAME_PLACE_M = 1;

/**
 * The sites as the server knows them: a village centre or home still where it is takes the
 * server's name, code and reason (not the browser's); one that is not there any more (dragged)
 * is a moved planned point, with no name or code of the place it left.
 */
function ownCandidates(known: readonly Candidate[], sites: readonly Candidate[]): Candidate[] {
	const byRef = new Map(known.map((c) => [`${c.kind}:${c.ref}`, c]));
	return sites.map((p) => {
		if (p.kind === 'placed')
			return { kind: p.kind, ref: p.ref, name: p.name, lon: p.lon, lat: p.lat };
		const c = p.kind === 'moved' ? undefined : byRef.get(`${p.kind}:${p.ref}`);
		return c && haversineMeters([c.lon, c.lat], [p.lon, p.lat]) <= SAME_PLACE_M
			? c
			: movedSite(p.lon, p.lat);
	});
}

function toScenario(r: ScenarioRow): Scenario {
	return {
		id: r.id,
		name: r.name,
		radiusM: r.radius_m,
		k: r.k,
		createdAt: new Date(r.created_at).toISOString(),
		sites: r.sites as ChosenSite[],
		summary: r.summary as ScenarioSummary
	};
}

/** The user's scenarios for their jurisdiction, newest first. */
export async function listScenarios(db: Kysely<DB>, who: Principal): Promise<Scenario[]> {
	assertPlanner(who);
	return (await scenariosOf(db, who.userId, scopeFor(who.jurisdiction).jurisdiction)).map(
		toScenario
	);
}

/** One of the user's scenarios; another user's or another area's does not exist for them. */
export async function getScenario(db: Kysely<DB>, who: Principal, id: number): Promise<Scenario> {
	assertPlanner(who);
	// scenario ids are int4: a larger number names nothing (and must not reach the query)
	if (!Number.isSafeInteger(id) || id < 1 || id > 2 ** 31 - 1) throw new NotFoundError(String(id));
	const r = await scenarioOf(db, id, who.userId, scopeFor(who.jurisdiction).jurisdiction);
	if (!r) throw new NotFoundError(String(id));
	return toScenario(r);
}

export async function removeScenario(db: Kysely<DB>, who: Principal, id: number): Promise<void> {
	assertPlanner(who);
	if (!Number.isSafeInteger(id) || id < 1 || id > 2 ** 31 - 1) return;
	await deleteScenario(db, id, who.userId, scopeFor(who.jurisdiction).jurisdiction);
}

/** Nearest sites are looked for this far (metres); beyond, a village has none near (null). */
export const NEAREST_CAP_M = 9000;
/** Bucket size (degrees) of the nearest-site index: two buckets span more than NEAREST_CAP_M. */
const BUCKET_DEG = 0.05;

/** Metres from each point to the nearest site, within NEAREST_CAP_M (else null). */
export function nearestMeters(
	points: readonly { lon: number; lat: number }[],
	sites: readonly { lon: number; lat: number }[]
): (number | null)[] {
	const buckets = new Map<string, { lon: number; lat: number }[]>();
	const key = (x: number, y: number) => `${x}/${y}`;
	for (const s of sites) {
		const k = key(Math.floor(s.lon / BUCKET_DEG), Math.floor(s.lat / BUCKET_DEG));
		const list = buckets.get(k);
		if (list) list.push(s);
		else buckets.set(k, [s]);
	}
	return points.map((p) => {
		const bx = Math.floor(p.lon / BUCKET_DEG);
		const by = Math.floor(p.lat / BUCKET_DEG);
		let best = Infinity;
		for (let dx = -2; dx <= 2; dx++)
			for (let dy = -2; dy <= 2; dy++)
				for (const s of buckets.get(key(bx + dx, by + dy)) ?? []) {
					const d = haversineMeters([p.lon, p.lat], [s.lon, s.lat]);
					if (d < best) best = d;
				}
		return best <= NEAREST_CAP_M ? best : null;
	});
}

const zero = (): ByCategory => ({ total: 0, leftBehind: 0, inDifficulty: 0 });
function add(a: ByCategory, b: ByCategory): void {
	a.total += b.total;
	a.leftBehind += b.leftBehind;
	a.inDifficulty += b.inDifficulty;
}

export interface VillageCoverageAnswer {
	villages: VillageCoverage[];
	townships: AreaCoverage[];
	jurisdiction: AreaCoverage;
}

/**
 * Coverage by village and township, by category, at each of REACHES. A village counts as
 * covered at a reach when its centre lies within it of a usable home (open, ≥ 30 m²) or a
 * Sunshine Station, and then with all its children. Every figure is a village's released count
 * (the one its area page shows) or a sum of them, so nothing here says more than the area pages
 * already do; the price is the village's extent as the aggregation's error (README).
 */
export async function villageCoverage(
	db: Kysely<DB>,
	who: Principal,
	/** the planning base already read for this request (the page reads it once) */
	known?: PlanningBase
): Promise<VillageCoverageAnswer> {
	const base = known ?? (await baseOf(db, who));
	const { prefix } = scopeFor(who.jurisdiction);
	const rows = await villagesWithCounts(db, prefix);
	const nearest = nearestMeters(rows, base.fixed);
	const villages: VillageCoverage[] = rows.map((r, i) => {
		const d = nearest[i];
		return {
			code: r.code,
			name: r.name,
			township: r.township_code,
			lon: r.lon,
			lat: r.lat,
			counts: { total: r.total, leftBehind: r.left_behind, inDifficulty: r.in_difficulty },
			nearestM: d === null ? null : Math.round(d),
			covered: REACHES.map((reach) => d !== null && d <= reach),
			homes: r.homes,
			directors: r.directors ? r.directors.split('、') : [],
			needsExtraDirector: r.left_behind + r.in_difficulty > DIRECTOR_THRESHOLD
		};
	});
	const towns = new Map<string, AreaCoverage>();
	const whole: AreaCoverage = {
		code: base.jurisdiction,
		name: '',
		all: zero(),
		covered: REACHES.map(zero)
	};
	rows.forEach((r, i) => {
		let t = towns.get(r.township_code);
		if (!t) {
			t = { code: r.township_code, name: r.township_name, all: zero(), covered: REACHES.map(zero) };
			towns.set(r.township_code, t);
		}
		const v = villages[i];
		for (const a of [t, whole]) {
			add(a.all, v.counts);
			v.covered.forEach((c, j) => c && add(a.covered[j], v.counts));
		}
	});
	return { villages, townships: [...towns.values()], jurisdiction: whole };
}
