// What the app derives from the data — which segments need the four items (and why), and the
// child counts the map shows — kept up to date when the data changes, whoever changed it: the
// app, an import, or an operator with psql. Triggers (migration 0004) note each change as a
// box in data_changes; applyDataChanges recomputes the rule only for the segments within the
// rule's distance of those boxes, refreshes child counts when children changed, and bumps
// app_meta.data_version so every app process drops its cached tiles and summaries.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE, ruleRadius } from '../repositories/segment-rule';
import { recomputeRuleFor, type RuleRunResult } from './segment-rule';
import { refreshChildAggregates } from '../repositories/children';
import { invalidateMapCaches } from './map';
import {
	countNotedChanges,
	currentDataVersion,
	dataVersionAndPending,
	incrementDataVersion,
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
			: await recomputeRuleFor(
					trx,
					ids.length > WHOLE_RULE_ABOVE ? { prefix: '' } : { ids },
					radius
				);
		await bumpDataVersion(trx);
		return {
			changes: boxes.length,
			childCountsRefreshed,
			rule,
			ms: Math.round(performance.now() - t0)
		};
	});
}

/** The data version this process last accounted for (its caches hold nothing older). */
let seenVersion: string | null | undefined;

/**
 * Tell every app process that what the map shows has changed: each one's watcher sees the new
 * app_meta.data_version within seconds and drops its cached tiles and summaries. Returns the new
 * version.
 */
export async function bumpDataVersion(db: Kysely<DB>): Promise<string> {
	return incrementDataVersion(db);
}

const changeListeners = new Set<() => void>();

/**
 * Run `fn` whenever this process learns that the data changed: its own write, or another
 * process's seen through the data version. Returns the way to stop.
 */
export function onDataChanged(fn: () => void): () => void {
	changeListeners.add(fn);
	return () => changeListeners.delete(fn);
}

function tellListeners(): void {
	for (const fn of changeListeners) fn();
}

/**
 * After a write that changes what the map shows: this process's caches at once, the other
 * processes' through the data version. When the new version directly follows the one this
 * process had seen, nobody else changed anything meanwhile and its watcher need not clear the
 * caches a second time.
 */
export async function mapDataChanged(db: Kysely<DB>): Promise<void> {
	invalidateMapCaches();
	const before = seenVersion;
	const v = await bumpDataVersion(db);
	if (before !== undefined && Number(v) === Number(before ?? 0) + 1) seenVersion = v;
	tellListeners();
}

/** How many noted changes wait to be applied (the settings page shows it). */
export async function pendingDataChanges(db: Kysely<DB>): Promise<number> {
	return countNotedChanges(db);
}

export interface Watcher {
	stop(): Promise<void>;
}

/**
 * Every `intervalMs`: apply noted changes, and drop this process's map caches when the data
 * version moved (this process's update or another's). One cheap query when nothing changed.
 */
export function watchDataChanges(
	db: Kysely<DB>,
	opts: { intervalMs?: number; log?: (msg: string) => void } = {}
): Watcher {
	const interval = opts.intervalMs ?? 3000;
	const log = opts.log ?? ((m: string) => console.log(`[tongan] ${m}`));
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let running: Promise<void> = Promise.resolve();

	const tick = async () => {
		const r = await dataVersionAndPending(db);
		let v = r.v;
		let applied = false;
		if (r.pending) {
			const u = await applyDataChanges(db);
			if (u) {
				log(
					`data changed (${u.changes} areas): rule recomputed for ${u.rule.segments} segments, ` +
						`${u.rule.changed} changed${u.childCountsRefreshed ? ', child counts refreshed' : ''} in ${u.ms} ms`
				);
				v = await currentDataVersion(db);
				applied = true;
			}
		}
		if (applied || (seenVersion !== undefined && v !== seenVersion)) {
			invalidateMapCaches();
			tellListeners();
		}
		seenVersion = v;
	};
	const loop = () => {
		if (stopped) return;
		running = tick()
			.catch((e) => log(`applying data changes failed: ${(e as Error).message}`))
			.finally(() => {
				if (!stopped) {
					timer = setTimeout(loop, interval);
					timer.unref?.();
				}
			});
	};
	loop();
	return {
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await running;
		}
	};
}
