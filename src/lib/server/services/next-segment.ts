// After a check is saved, where to go next: the nearest segments still lacking items — a river
// chief's own, or (with none left) any in their area; anyone else's in their area. Several
// are given, nearest first, so that the phone can skip the ones already waiting in its outbox
// without asking again (it may be out of signal).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { nextSegmentsOwnFirst, type Principal } from '../auth/policy';
import { scopeFor } from '../auth/scope';
import { nearestIncompleteSegments, type NextSegment } from '../repositories/next-segment';

export type { NextSegment };

export async function nextSegments(
	db: Kysely<DB>,
	who: Principal,
	fromId: number,
	limit = 10
): Promise<NextSegment[]> {
	const { sitePrefix } = scopeFor(who.jurisdiction);
	if (nextSegmentsOwnFirst(who)) {
		const own = await nearestIncompleteSegments(db, {
			fromId,
			sitePrefix,
			chiefId: who.userId,
			limit
		});
		if (own.length) return own;
	}
	return nearestIncompleteSegments(db, { fromId, sitePrefix, limit });
}
