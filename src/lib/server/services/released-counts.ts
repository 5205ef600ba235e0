// Released (perturbed) counts of children that are not a unit's or a cell's: how many live near
// each segment (the segment list, its page, the dashboard's risk ranking, exports). Each is the
// cell-key release of the very children counted (domain/disclosure.ts), so a set of children
// counted near two segments gets the same value at both, and no request can average it away.
// Segments' sets overlap and are not sums of one another, so no nesting repair applies.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { childrenVersion, childrenNearSegments } from '../repositories/children';
import { childrenNearIncompleteByVillage } from '../repositories/campaigns';
import { releaseCount } from '$lib/domain/disclosure';
import { analysisFor } from './exposure';
import { isSingleSession } from '../db/engine';

/** Beyond this many segments to count, the analysis engine counts them all at once. */
const ENGINE_ABOVE = 2000;
/**
 * Segments per statement when PostGIS counts them. On the embedded engine few: every other page
 * waits for the whole of each statement, and a county's 761 segments after a 300,000-row import
 * were one statement of 14.6 s. Settings, not constants: tests lower them.
 */
export const NEAR_PER_STATEMENT = { singleSession: 25, server: 5000 };

/** Every child counts near a segment, whoever's jurisdiction: the whole province's residences. */
const PROVINCE_PREFIX = '42';

let cache: { key: string; byId: Map<number, { n: number; released: number }> } | undefined;

/**
 * The released count of children within `radiusM` of each segment, by id. `countedByRule` is the
 * four-item rule's own count (segment_requirements.children_within): a kept answer whose count
 * differs from it is stale (the segment moved) and is counted again. Kept until the set of
 * children or the radius changes; segments not seen before are counted in one query.
 */
export async function releasedChildrenNear(
	db: Kysely<DB>,
	segments: { id: number; countedByRule: number }[],
	radiusM: number,
	engineAbove = ENGINE_ABOVE
): Promise<Map<number, number>> {
	const key = `${await childrenVersion(db)}|${radiusM}`;
	if (cache?.key !== key) cache = { key, byId: new Map() };
	const c = cache;
	let missing = segments
		.filter((s) => s.countedByRule > 0 && c.byId.get(s.id)?.n !== s.countedByRule)
		.map((s) => s.id);
	if (missing.length > engineAbove) {
		// a province's or prefecture's list: the analysis engine counts every segment's children
		// and sums their keys in one pass (PostGIS would take seconds); a segment whose count
		// differs from the rule's (a snapshot a moment old) is counted by PostGIS below
		const r = await analysisFor(db).perSegment(PROVINCE_PREFIX, radiusM);
		const rule = new Map(segments.map((s) => [s.id, s.countedByRule]));
		for (let i = 0; i < r.segmentIds.length; i++) {
			const id = r.segmentIds[i];
			if (rule.get(id) === r.counts[i] && r.counts[i] > 0)
				c.byId.set(id, { n: r.counts[i], released: releaseCount(r.counts[i], r.keySums[i]) });
		}
		missing = missing.filter((id) => c.byId.get(id)?.n !== rule.get(id));
	}
	const step = isSingleSession(db) ? NEAR_PER_STATEMENT.singleSession : NEAR_PER_STATEMENT.server;
	for (let i = 0; i < missing.length; i += step) {
		const part = missing.slice(i, i + step);
		const rows = await childrenNearSegments(db, part, radiusM);
		for (const id of part) c.byId.set(id, { n: 0, released: 0 });
		for (const r of rows) c.byId.set(Number(r.id), { n: r.n, released: releaseCount(r.n, r.k) });
	}
	return new Map(
		segments.map((s) => [s.id, s.countedByRule > 0 ? (c.byId.get(s.id)?.released ?? 0) : 0])
	);
}

/** Forget every kept answer (the next request counts again): for tests comparing the paths. */
export function forgetReleasedChildrenNear(): void {
	cache = undefined;
}

/**
 * The released count, per village of an area, of its children who live within `radiusM` of a
 * segment whose four items are incomplete (a campaign's household-visit targets). Each figure
 * is the cell-key release of exactly the children counted, so it is the same however often or
 * wherever it is asked for; villages with none are absent.
 */
export async function releasedChildrenNearIncompleteByVillage(
	db: Kysely<DB>,
	prefix: string,
	radiusM: number,
	/** 'memory': the in-memory engine counts (the same children, in a fraction of the time) */
	engine: 'memory' | 'postgis' = 'postgis'
): Promise<Map<string, number>> {
	if (engine === 'postgis') {
		const rows = await childrenNearIncompleteByVillage(db, prefix, radiusM);
		return new Map(rows.filter((r) => r.n > 0).map((r) => [r.code, releaseCount(r.n, r.k)]));
	}
	const g = (await analysisFor(db).exposureIncomplete(prefix, radiusM, 12)).groups;
	const out = new Map<string, number>();
	if (g)
		for (let i = 0; i < g.codes.length; i++)
			if (g.count[i] > 0)
				out.set(String(g.codes[i]).padStart(12, '0'), releaseCount(g.count[i], g.keySum[i]));
	return out;
}
