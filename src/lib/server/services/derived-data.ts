// What the app derives from the data — which segments need the four items (and why), and the
// child counts the map shows — kept up to date when the data changes, whoever changed it: the
// app, an import, or an operator with psql. Triggers (migration 0004) note each change as a
// box in data_changes; applyDataChanges runs the rule only for the segments within the rule's
// distance of those boxes and refreshes child counts when children changed. Taking the noted
// changes moves the data version (trigger, migration 0008) in the same transaction, so every app
// process drops its cached tiles and summaries (services/freshness.ts runs this every few
// seconds).
//
// On the embedded engine, whose one session serialises every statement, the work is done in
// short slices first, beside the tables, with other users' queries between them (a 300,000-row
// import's counts and rule held their pages for tens of seconds in one transaction); one short
// transaction then puts it in place, only if nothing was noted meanwhile: every released figure
// comes from one state of the data, never half of one.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE, ruleRadius } from '../repositories/segment-rule';
import {
	measureRuleInSlices,
	runRuleFromDatabase,
	storeRuleRows,
	type RuleRunResult
} from './segment-rule';
import {
	countChildrenAside,
	dropChildrenAside,
	installChildAggregates,
	refreshChildAggregates
} from '../repositories/children';
import {
	countNotedChanges,
	newestNotedChange,
	peekNotedChanges,
	segmentsNearBoxes,
	takeNotedChanges,
	tryApplyLock,
	type NotedChange
} from '../repositories/data-changes';
import { isSingleSession } from '../db/engine';

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
 * The sliced apply (embedded engine): segments per read of the rule (after a 300,000-row import
 * a read of 300 of the county's segments took 4-6 s under load, 100 about a third of that), and
 * how many times it
 * starts again when changes are noted while it works before it applies in one transaction
 * instead. Settings, not constants: tests change them.
 */
export const APPLY_SLICES = { segments: 100, attempts: 3 };

const pause = () => new Promise<void>((r) => setImmediate(r));

/** Each database's applies, one at a time (the watcher's and an import's): the embedded engine. */
const turns = new WeakMap<object, Promise<unknown>>();

/**
 * Bring derived data up to date with every change noted so far. Returns null when there was
 * nothing to do or another process holds the lock. The noted changes are removed together with
 * the update they caused, in one transaction; on the embedded engine that transaction only puts
 * in place what was worked out before it in short slices (applySliced).
 */
export async function applyDataChanges(db: Kysely<DB>): Promise<DerivedUpdate | null> {
	if (!isSingleSession(db)) return applyInOneTransaction(db);
	const run = (turns.get(db) ?? Promise.resolve()).then(() => applySliced(db));
	turns.set(
		db,
		run.catch(() => {})
	);
	return run;
}

/**
 * The children's counts and the rule worked out in short statements outside any transaction,
 * then put in place in one short transaction with the noted changes taken, provided none was
 * noted meanwhile (then everything read was one state of the data: a change lands with a note,
 * in the same transaction). Otherwise it starts again, and after a few tries applies in one
 * transaction as before.
 */
export async function applySliced(db: Kysely<DB>): Promise<DerivedUpdate | null> {
	const t0 = performance.now();
	for (let attempt = 0; attempt < APPLY_SLICES.attempts; attempt++) {
		const { changes, newest } = await peekNotedChanges(db);
		if (!changes.length) return null;
		const towns = townshipsOf(changes);
		try {
			const counted = towns.length ? await countChildrenAside(db, towns, pause) : [];
			const radius = await ruleRadius(db);
			const { dLon, dLat } = radiusToDegrees(radius, BOX_LATITUDE);
			const ids = await segmentsNearBoxes(db, changes, dLon, dLat);
			await pause();
			const rows = ids.length
				? await measureRuleInSlices(db, ids, radius, APPLY_SLICES.segments, pause)
				: [];
			const done = await db.transaction().execute(async (trx) => {
				if (!(await tryApplyLock(trx))) return null;
				// what was read is still the data: nothing noted since (nor taken), the same distance
				if ((await newestNotedChange(trx)) !== newest || (await ruleRadius(trx)) !== radius)
					return 'again' as const;
				const taken = await takeNotedChanges(trx);
				if (taken.length !== changes.length) return 'again' as const;
				if (counted.length) await installChildAggregates(trx, counted);
				const rule = ids.length
					? await storeRuleRows(trx, ids, rows, radius)
					: { segments: 0, required: 0, changed: 0, from: 'database' as const };
				return {
					changes: changes.length,
					childCountsRefreshed: counted.length > 0,
					rule,
					ms: Math.round(performance.now() - t0)
				};
			});
			if (done !== 'again') return done;
		} finally {
			if (towns.length) await dropChildrenAside(db).catch(() => {});
		}
	}
	return applyInOneTransaction(db);
}

/** The townships whose children changed. */
function townshipsOf(boxes: readonly NotedChange[]): string[] {
	return [...new Set(boxes.filter((b) => b.source === 'children').flatMap((b) => b.townships))];
}

async function applyInOneTransaction(db: Kysely<DB>): Promise<DerivedUpdate | null> {
	const t0 = performance.now();
	return db.transaction().execute(async (trx) => {
		if (!(await tryApplyLock(trx))) return null;
		const boxes = await takeNotedChanges(trx);
		if (!boxes.length) return null;
		// child counts: only the townships whose children changed (and the units above them)
		const towns = townshipsOf(boxes);
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
