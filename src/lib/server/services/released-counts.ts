// Released (perturbed) counts of children that are not a unit's or a cell's: how many live near
// each segment (the segment list, its page, the dashboard's risk ranking, exports). Each is the
// cell-key release of the very children counted (domain/disclosure.ts), so a set of children
// counted near two segments gets the same value at both, and no request can average it away.
// Segments' sets overlap and are not sums of one another, so no nesting repair applies.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { childrenFingerprint, childrenNearSegments } from '../repositories/children';
import { releaseCount } from '$lib/domain/disclosure';

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
	radiusM: number
): Promise<Map<number, number>> {
	const key = `${await childrenFingerprint(db)}|${radiusM}`;
	if (cache?.key !== key) cache = { key, byId: new Map() };
	const c = cache;
	const missing = segments
		.filter((s) => s.countedByRule > 0 && c.byId.get(s.id)?.n !== s.countedByRule)
		.map((s) => s.id);
	for (let i = 0; i < missing.length; i += 5000) {
		const part = missing.slice(i, i + 5000);
		const rows = await childrenNearSegments(db, part, radiusM);
		for (const id of part) c.byId.set(id, { n: 0, released: 0 });
		for (const r of rows) c.byId.set(Number(r.id), { n: r.n, released: releaseCount(r.n, r.k) });
	}
	return new Map(
		segments.map((s) => [s.id, s.countedByRule > 0 ? (c.byId.get(s.id)?.released ?? 0) : 0])
	);
}
