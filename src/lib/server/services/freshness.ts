// One idea of freshness: the data version. It lives in the database (app_meta.data_version) and
// moves only by trigger (migration 0008), once per transaction that changed what the map shows,
// whoever wrote: the app, an import, psql. Changes to children, sites, village centres and
// segment geometry are first noted (data_changes, migration 0004) and move the version when they
// are applied, together with the derived data (services/derived-data.ts).
//
// This module is the one place that reads the version and tells the rest of the process:
// - currentVersion: the version in the database;
// - onChange: subscribe (the tile and summary caches, the analysis snapshot);
// - syncNow: after a write of this process, learn at once that the version moved;
// - applyNow: the same after a write whose changes are noted first (an import);
// - watchFreshness: every few seconds, apply noted changes and learn of other processes' writes;
// - cacheVersion / clientVersion: this process's count of changes seen (a cache key) and the
//   token an open page compares (tile URLs, GET /api/version).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	countNotedChanges,
	currentDataVersion,
	dataVersionAndPending
} from '../repositories/data-changes';
import { applyDataChanges } from './derived-data';

/** The database's data version (null before the first change). */
export async function currentVersion(db: Kysely<DB>): Promise<string | null> {
	return currentDataVersion(db);
}

/** The data version this process last accounted for (its caches hold nothing older). */
let seen: string | null | undefined;
/** The database a running watcher follows (the app's one), so its version is known here. */
let watched: Kysely<DB> | null = null;
/** How many changes this process has seen: its caches are keyed by it. */
let changesSeen = 0;
// this process's start, so that a token from before a restart never names today's tiles
const BOOT = Date.now().toString(36);

const listeners = new Set<() => void>();

/**
 * Run `fn` whenever this process learns that the data changed: its own write, or another
 * process's. Returns the way to stop.
 */
export function onChange(fn: () => void): () => void {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

/** A key for caches of this process: it moves with every change the process learns of. */
export function cacheVersion(): number {
	return changesSeen;
}

/**
 * The token an open page holds (in its tile URLs) and compares with GET /api/version: a new one
 * after every change the map shows, so a browser never draws a tile it cached before it.
 */
export function clientVersion(): string {
	return `${BOOT}.${changesSeen}`;
}

function publishChange(): void {
	changesSeen++;
	for (const fn of listeners) fn();
}

/** Take `v` as the current version; tell the listeners when it moved (or `moved` says so). */
function learn(v: string | null, moved: boolean): void {
	if (moved || (seen !== undefined && v !== seen)) publishChange();
	seen = v;
}

/**
 * After a write of this process: its own user sees the change at once, not at the watcher's
 * next look. The write moved the version by trigger; this only reads it. Once this process has
 * no version yet, a write is taken as a change.
 */
export async function syncNow(db: Kysely<DB>): Promise<void> {
	const v = await currentDataVersion(db);
	learn(v, seen === undefined);
}

/**
 * After a write of this process whose changes are first noted (sites, children, village centres,
 * segment geometry: an import): apply them now, so its own user finds them on the map at once,
 * not at the watcher's next look. When the watcher (or another process) holds the apply lock at
 * that moment, wait for it briefly: it is applying these very changes.
 */
export async function applyNow(db: Kysely<DB>, waitMs = 10_000): Promise<void> {
	const until = Date.now() + waitMs;
	let applied = false;
	for (;;) {
		applied = (await applyDataChanges(db)) !== null || applied;
		if ((await countNotedChanges(db)) === 0 || Date.now() > until) break;
		await new Promise((r) => setTimeout(r, 100));
	}
	learn(await currentDataVersion(db), applied);
}

/**
 * The data version as this process knows it, without a query: while a watcher follows `db`,
 * every write of this process is learnt at once (syncNow, applyNow) and another process's
 * within the watcher's interval, as the tiles learn it. Undefined when nothing watches `db` or
 * nothing is known yet: the caller reads the database. Twenty users on one list asked for the
 * version twenty times over, each query queued behind the others on the embedded engine.
 */
export function knownVersion(db: Kysely<DB>): string | null | undefined {
	return watched === db ? seen : undefined;
}

export interface Watcher {
	stop(): Promise<void>;
}

/**
 * Every `intervalMs`: apply noted changes, and tell this process when the data version moved
 * (its own update or another process's). One cheap query when nothing changed.
 */
export function watchFreshness(
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
					`data changed (${u.changes} areas): rule run for ${u.rule.segments} segments, ` +
						`${u.rule.changed} changed${u.childCountsRefreshed ? ', child counts refreshed' : ''} in ${u.ms} ms`
				);
				v = await currentDataVersion(db);
				applied = true;
			}
		}
		learn(v, applied);
	};
	watched = db;
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
			if (watched === db) watched = null;
			if (timer) clearTimeout(timer);
			await running;
		}
	};
}
