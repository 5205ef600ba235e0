// Children at risk, by area: how many live within the rule's distance of a segment whose four
// items are not all in place, and how many live farther than 1 km from every usable children's
// home and Sunshine Station. Answered by the in-memory analysis engine (a worker thread, so a
// province-wide pass never blocks other requests), counted per subdivision, and only ever
// returned as counts: small ones suppressed, no child, id or point leaves this module.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { createAnalysis, type Analysis, type ExposureResult } from '../analysis';
import { assertAreaInScope, NotFoundError, scopeFor } from './map';
import { childUnits, findUnit } from '../repositories/areas';
import { ruleRadius } from '../repositories/segment-rule';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { env } from '../env';
import {
	protectSiblings,
	suppress,
	suppressPart,
	type SuppressedCount
} from '$lib/domain/children';

/** Distance to the nearest usable children's home or Sunshine Station that counts as served. */
export const COVERAGE_RADIUS_M = 1000;

let shared: { db: Kysely<DB>; analysis: Analysis } | undefined;

/** The process's analysis engine for this database (one worker, one snapshot). */
export function analysisFor(db: Kysely<DB>): Analysis {
	if (shared?.db !== db) {
		void shared?.analysis.close();
		shared = {
			db,
			analysis: createAnalysis(db, {
				projectRoot: env().projectRoot,
				log: (m) => console.log(`[tongan] ${m}`)
			})
		};
	}
	return shared.analysis;
}

export async function closeAnalysis(): Promise<void> {
	const s = shared;
	shared = undefined;
	await s?.analysis.close();
}

export interface ExposureRow {
	code: string;
	name: string;
	children: SuppressedCount;
	nearIncomplete: SuppressedCount;
	uncovered: SuppressedCount;
	/** shares of the unit's children, 0..1; null when the counts behind them are suppressed */
	nearShare: number | null;
	uncoveredShare: number | null;
}

export interface Exposure {
	area: { code: string; name: string; level: string };
	radiusM: number;
	coverageM: number;
	total: Omit<ExposureRow, 'code' | 'name'>;
	bySubunit: ExposureRow[];
	ms: number;
}

const SUBUNIT_LENGTH: Record<string, number | undefined> = {
	province: 4,
	prefecture: 6,
	county: 9,
	township: 12
};

function row(
	children: number,
	near: number,
	uncovered: number
): Omit<ExposureRow, 'code' | 'name'> {
	const c = suppress(children);
	// the unit's total is shown too: a part whose rest is small would give the rest away
	const n = suppressPart(near, children);
	const u = suppressPart(uncovered, children);
	return {
		children: c,
		nearIncomplete: n,
		uncovered: u,
		nearShare: !c.suppressed && !n.suppressed ? near / children : null,
		uncoveredShare: !c.suppressed && !u.suppressed ? uncovered / children : null
	};
}

/**
 * The subdivisions' rows, each count hidden where a single small one could be worked out from
 * the area's total by subtraction (protectSiblings), and a share only where both counts show.
 */
function protectRows(
	rows: { code: string; name: string; raw: { children: number; near: number; uncovered: number } }[]
): ExposureRow[] {
	const own = rows.map((r) => row(r.raw.children, r.raw.near, r.raw.uncovered));
	const children = protectSiblings(
		rows.map((r) => r.raw.children),
		own.map((o) => o.children)
	);
	const near = protectSiblings(
		rows.map((r) => r.raw.near),
		own.map((o) => o.nearIncomplete)
	);
	const uncovered = protectSiblings(
		rows.map((r) => r.raw.uncovered),
		own.map((o) => o.uncovered)
	);
	return rows.map((r, i) => ({
		code: r.code,
		name: r.name,
		children: children[i],
		nearIncomplete: near[i],
		uncovered: uncovered[i],
		nearShare: !children[i].suppressed && !near[i].suppressed ? r.raw.near / r.raw.children : null,
		uncoveredShare:
			!children[i].suppressed && !uncovered[i].suppressed ? r.raw.uncovered / r.raw.children : null
	}));
}

function byUnit(r: ExposureResult): Map<string, { residences: number; count: number }> {
	const m = new Map<string, { residences: number; count: number }>();
	const g = r.groups;
	if (!g) return m;
	for (let i = 0; i < g.codes.length; i++)
		m.set(String(g.codes[i]), { residences: g.residences[i], count: g.count[i] });
	return m;
}

/** Exposure of the children of an area inside the viewer's jurisdiction, per subdivision. */
export async function exposure(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string
): Promise<Exposure> {
	const scope = scopeFor(who.jurisdiction);
	assertAreaInScope(scope, areaCode);
	const unit = await findUnit(db, areaCode);
	if (!unit) throw new NotFoundError(areaCode);
	const t0 = performance.now();
	const prefix = jurisdictionPrefix(areaCode);
	const len = SUBUNIT_LENGTH[unit.level];
	const radius = await ruleRadius(db);
	const a = analysisFor(db);
	const [near, uncovered] = await Promise.all([
		a.exposureIncomplete(prefix, radius, len),
		a.uncovered(prefix, COVERAGE_RADIUS_M, len)
	]);
	const nearBy = byUnit(near);
	const uncoveredBy = byUnit(uncovered);
	const subunits = len ? await childUnits(db, areaCode) : [];
	return {
		area: { code: unit.code, name: unit.name, level: unit.level },
		radiusM: radius,
		coverageM: COVERAGE_RADIUS_M,
		total: row(near.residences, near.count, uncovered.count),
		bySubunit: protectRows(
			subunits.map((s) => {
				const key = s.code.slice(0, len);
				const n = nearBy.get(key);
				return {
					code: s.code,
					name: s.name,
					raw: {
						children: n?.residences ?? 0,
						near: n?.count ?? 0,
						uncovered: uncoveredBy.get(key)?.count ?? 0
					}
				};
			})
		),
		ms: Math.round(performance.now() - t0)
	};
}
