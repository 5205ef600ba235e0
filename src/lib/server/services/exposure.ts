// Children at risk, by area: how many live within the rule's distance of a segment whose four
// items are not all in place, and how many live farther than 1 km from every usable children's
// home and Sunshine Station. Answered by the in-memory analysis engine (a worker thread, so a
// province-wide pass never blocks other requests), counted per subdivision, and only ever
// returned as released (perturbed) counts: no child, id or point leaves this module.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { createAnalysis, type Analysis, type ExposureResult } from '../analysis';
import { assertAreaInScope, scopeFor } from '../auth/scope';
import { NotFoundError } from '../errors';
import { childUnits, releasedTotal } from '../repositories/areas';
import { findUnit } from './areas';
import { ruleRadius } from '../repositories/segment-rule';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { env } from '../env';
import { releaseTree, releasedShare, type CountNode } from '$lib/domain/disclosure';

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
	/** released (perturbed) counts, domain/disclosure.ts */
	children: number;
	nearIncomplete: number;
	uncovered: number;
	/** shares of the unit's children, 0..1, from the released counts; null without children */
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

/** Code lengths of the levels, village up: a unit's parts are the units one step finer. */
const LEVEL_LENGTHS = [12, 9, 6, 4, 2];

/**
 * Released counts of a set of children per unit of an area: the set's villages (count and key
 * sum, as the engine counted them), summed up the levels to the area,
 * released bottom-up (releaseTree), so a township's figure is the same on its own page and on
 * its county's.
 */
function releasePerUnit(r: ExposureResult, prefix: string): Map<string, number> {
	const areaLength = prefix.length;
	const g = r.groups;
	const villages = new Map<string, { count: number; keySum: number }>();
	if (g)
		for (let i = 0; i < g.codes.length; i++)
			if (g.count[i] > 0)
				villages.set(String(g.codes[i]).padStart(12, '0'), {
					count: g.count[i],
					keySum: g.keySum[i]
				});
	// one node per unit at each level from the villages up to the area
	const nodes = new Map<string, CountNode & { code: string }>();
	for (const [code, v] of villages)
		nodes.set(code, { code, count: v.count, keySum: v.keySum, parts: [] });
	for (const len of LEVEL_LENGTHS.slice(1).filter((l) => l >= areaLength)) {
		const finer = [...nodes.values()].filter((n) => n.code.length > len && isAtLength(n.code, len));
		for (const n of finer) {
			const code = n.code.slice(0, len);
			const up = nodes.get(code) ?? { code, count: 0, keySum: 0, parts: [] };
			up.count += n.count;
			up.keySum += n.keySum;
			up.parts!.push(n);
			nodes.set(code, up);
		}
	}
	const out = new Map<string, number>();
	const root = nodes.get(prefix);
	if (root)
		releaseTree(root, (n, res) => out.set((n as CountNode & { code: string }).code, res.released));
	return out;
}

/** Whether a node's code is exactly one level finer than `len` (its parent is at `len`). */
function isAtLength(code: string, len: number): boolean {
	const i = LEVEL_LENGTHS.indexOf(len);
	return i > 0 && code.length === LEVEL_LENGTHS[i - 1];
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
	// per village: the released figures of every unit above are released from them
	const [near, uncovered] = await Promise.all([
		a.exposureIncomplete(prefix, radius, 12),
		a.uncovered(prefix, COVERAGE_RADIUS_M, 12)
	]);
	const nearBy = releasePerUnit(near, prefix);
	const uncoveredBy = releasePerUnit(uncovered, prefix);
	// the children of each unit: the released counts every page reads (child_counts)
	const [own, subunits] = await Promise.all([
		releasedTotal(db, areaCode),
		len ? childUnits(db, areaCode) : Promise.resolve([])
	]);
	const row = (code: string, children: number): Omit<ExposureRow, 'code' | 'name'> => {
		const n = nearBy.get(code) ?? 0;
		const u = uncoveredBy.get(code) ?? 0;
		return {
			children,
			nearIncomplete: n,
			uncovered: u,
			nearShare: releasedShare(n, children),
			uncoveredShare: releasedShare(u, children)
		};
	};
	return {
		area: { code: unit.code, name: unit.name, level: unit.level },
		radiusM: radius,
		coverageM: COVERAGE_RADIUS_M,
		total: row(prefix, own),
		bySubunit: subunits.map((s) => ({
			code: s.code,
			name: s.name,
			...row(s.code.slice(0, len), s.children)
		})),
		ms: Math.round(performance.now() - t0)
	};
}
