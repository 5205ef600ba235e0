// Which segments need the four items, and why: the rule's orchestration. Three ways to the same
// answer — the analysis engine's loaded snapshot, one read of what the rule needs measured in
// memory (analysis/rule.ts), or the PostGIS geography joins (the reference) — and the locks and
// transactions that keep writers in line. Every query is the repository's
// (repositories/segment-rule.ts); only the rows whose answer changed are written.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { measureRuleInput, ruleRows, type RuleRow } from '../analysis/rule';
import type { Analysis } from '../analysis';
import { analysisDataVersion } from '../repositories/analysis-snapshot';
import {
	lockRuleWrites,
	noteRuleRun,
	readRuleInput,
	runRuleInPostgis,
	ruleRadius,
	writeChangedRows,
	type RuleTarget
} from '../repositories/segment-rule';

export type RuleEngine = 'memory' | 'postgis';

export interface RuleRunResult {
	/** segments computed */
	segments: number;
	/** of which need the four items */
	required: number;
	/** rows written: segments whose answer changed (or was new) */
	changed: number;
	/**
	 * where the answer came from: the analysis engine's loaded snapshot, a read of what the rule
	 * needs, or the PostGIS geography joins
	 */
	from: 'snapshot' | 'database' | 'postgis';
}

/**
 * Recompute the rule for every segment inside a jurisdiction prefix ('42' = the province).
 * One transaction: readers see the old answer or the new one, never half. The default engine
 * measures in memory and writes only the segments whose answer changed: from the analysis
 * engine's snapshot when one is given and current (nothing to read), otherwise from one read
 * of what the rule needs (analysis/rule.ts). 'postgis' runs the same rule as geography joins
 * and rewrites every row, the reference the parity test and the benchmark compare against.
 */
export async function runSegmentRule(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number,
	engine: RuleEngine = 'memory',
	analysis?: Analysis
): Promise<RuleRunResult> {
	if (engine === 'postgis') return runRuleInPostgis(db, prefix, radiusM);
	const r = radiusM ?? (await ruleRadius(db));
	if (analysis && !db.isTransaction && /^\d{2,12}$/.test(prefix)) {
		const done = await runRuleFromSnapshot(db, analysis, prefix, r);
		if (done) return done;
	}
	return runRuleFromDatabase(db, { prefix }, r);
}

/**
 * The rule from the analysis engine's snapshot, when that is current: the worker measures, this
 * thread writes what changed. The snapshot's version is checked again under the write lock:
 * if the data moved on meanwhile (a change applied, a check recorded), nothing is written and
 * null tells the caller to read the data itself. A change noted but not yet applied is applied
 * after this write, by the change processor, which takes the same lock.
 */
async function runRuleFromSnapshot(
	db: Kysely<DB>,
	analysis: Analysis,
	prefix: string,
	radiusM: number
): Promise<RuleRunResult | null> {
	if (!analysis.loadedVersion()) return null;
	const m = await analysis.segmentRule(prefix, radiusM);
	const rows = ruleRows(m.segmentIds, m);
	return db.transaction().execute(async (trx) => {
		await lockRuleWrites(trx);
		if ((await analysisDataVersion(trx)) !== m.version) return null;
		return storeRule(trx, { prefix }, rows, radiusM, 'snapshot');
	});
}

/**
 * The in-memory rule for a prefix or a list of segments, read from the database, writing only
 * what changed. Outside a transaction the data is read through the pool (reads side by side)
 * and only the write is one transaction; inside a caller's transaction (the seed, the change
 * processor) everything runs there.
 */
export async function runRuleFromDatabase(
	db: Kysely<DB>,
	target: RuleTarget,
	radiusM?: number
): Promise<RuleRunResult> {
	const r = radiusM ?? (await ruleRadius(db));
	const rows = measureRuleInput(await readRuleInput(db, target, r), r);
	const write = async (trx: Kysely<DB>) => {
		await lockRuleWrites(trx);
		return storeRule(trx, target, rows, r, 'database');
	};
	return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/**
 * The rule's measurements for the segments `ids`, read `slice` segments per read (each a few
 * short statements) with `pause` between the reads: on the embedded engine one read for a
 * county's segments after a large import held every other user's page for seconds. Each
 * segment's answer depends only on what lies within the distance of it, so slices measure what
 * one read would. Nothing is written: storeRuleRows does, in the caller's transaction.
 */
export async function measureRuleInSlices(
	db: Kysely<DB>,
	ids: number[],
	radiusM: number,
	slice: number,
	pause: () => Promise<void>
): Promise<RuleRow[]> {
	const rows: RuleRow[] = [];
	for (let i = 0; i < ids.length; i += slice) {
		const part = ids.slice(i, i + slice);
		rows.push(...measureRuleInput(await readRuleInput(db, { ids: part }, radiusM), radiusM));
		await pause();
	}
	return rows;
}

/** Write what measureRuleInSlices measured for `ids`, in the caller's transaction. */
export async function storeRuleRows(
	trx: Kysely<DB>,
	ids: number[],
	rows: RuleRow[],
	radiusM: number
): Promise<RuleRunResult> {
	await lockRuleWrites(trx);
	return storeRule(trx, { ids }, rows, radiusM, 'database');
}

/** Write the rows that changed, and note the run for the settings page. */
async function storeRule(
	trx: Kysely<DB>,
	target: RuleTarget,
	rows: RuleRow[],
	radiusM: number,
	from: RuleRunResult['from']
): Promise<RuleRunResult> {
	const changed = await writeChangedRows(trx, target, rows, radiusM);
	const result = {
		segments: rows.length,
		required: rows.filter((x) => x.kinds.length > 0).length,
		changed,
		from
	};
	await noteRuleRun(trx, { at: new Date().toISOString(), radiusM, ...result });
	return result;
}
