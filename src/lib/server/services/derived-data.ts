// What the app derives from the data — which segments need the four items (and why), and the
// child counts the map shows — kept up to date when the data changes, whoever changed it: the
// app, an import, or an operator with psql. Triggers (migration 0004) note each change as a
// box in data_changes; applyDataChanges runs the rule only for the segments within the rule's
// distance of those boxes and refreshes child counts when children changed. Taking the noted
// changes moves the data version (trigger, migration 0008) in the same transaction, so every app
// process drops its cached tiles and summaries (services/freshness.ts runs this every few
// seconds).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE, ruleRadius } from '../repositories/segment-rule';
import { runRuleFromDatabase, type RuleRunResult } from './segment-rule';
import { refreshChildAggregates } from '../repositories/children';
import {
	countNotedChanges,
	segmentsNearBoxes,
	takeNotedChanges,
	tryApplyLock
} from '../repositories/data-changes';

/** Beyond this many segments one pass over every segment is cheaper than a box per segment. */
const WHOLE_RULE_ABOVE = 5000;

export interface DerivedUpdate {
	/** boxes noted by the triggers */
	changes: number;
	/** child counts refreshed for this many townships */
	childCountsRefreshed: boolean;
	rule: RuleRunResult;
	ms: number;
}

/**
 * Bring derived data up to date with every change noted so far. Returns null when there was
 * nothing to do or another process holds the lock. One transaction: the noted changes are
 * removed together with the update they caused.
 */
export async function applyDataChanges(db: Kysely<DB>): Promise<DerivedUpdate | null> {
	const t0 = performance.now();
	return db.transaction().execute(async (trx) => {
		if (!(await tryApplyLock(trx))) return null;
		const boxes = await takeNotedChanges(trx);
		if (!boxes.length) return null;
		// child counts: only the townships whose children changed (and the units above them)
		const towns = [
			...new Set(boxes.filter((b) => b.source === 'children').flatMap((b) => b.townships))
		];
		const childCountsRefreshed = towns.length > 0;
		if (childCountsRefreshed) await refreshChildAggregates(trx, towns);
		const radius = await ruleRadius(trx);
		const { dLon, dLat } = radiusToDegrees(radius, BOX_LATITUDE);
		const ids = await segmentsNearBoxes(trx, boxes, dLon, dLat);
		const rule = !ids.length
			? { segments: 0, required: 0, changed: 0, from: 'database' as const }
			: await runRuleFromDatabase(
					trx,
					ids.length > WHOLE_RULE_ABOVE ? { prefix: '' } : { ids },
					radius
				);
		return {
			changes: boxes.length,
			childCountsRefreshed,
			rule,
			ms: Math.round(performance.now() - t0)
		};
	});
}

/** How many noted changes wait to be applied (the settings page shows it). */
export async function pendingDataChanges(db: Kysely<DB>): Promise<number> {
	return countNotedChanges(db);
}
