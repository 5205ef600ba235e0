// The waterways issue's cases: the four-item rule for the whole province (segment_rule), the
// rule following a local change of the data, and the server time of the waterway list for the
// county with the most segments. segment_rule is measured as the other analyses are (the
// analysis engine's snapshot loaded, the answer back in the main thread), and also as the
// product runs it: stored (compared with the stored answer, changed rows written), every row
// rewritten, and cold (no snapshot: the rule reads what it needs from the database).
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/engine';
import type { Analysis } from '../../src/lib/server/analysis';
import { runSegmentRule } from '../../src/lib/server/services/segment-rule';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import { riverChiefsFor, segmentsFor } from '../../src/lib/server/services/waterways';
import { childUnits, findUnit } from '../../src/lib/server/repositories/areas';
import { median, medianOf, round } from './stats';
import { WARMUP, workerFloor } from './analyses';

export interface RuleBench {
	/** the rule for every segment of the province from the loaded snapshot, as the other cases */
	app_ms: number;
	/** one distance per point the rule reads (children and the other kinds), in the worker */
	floor_ms: number;
	floor_points: number;
	app_runs_ms: number[];
	/** the same, compared with the stored answer and the changed rows written (none here) */
	app_stored_ms: number;
	/** stored when every row changes (first computation, or a new distance) */
	app_rewrite_ms: number;
	/** stored without a snapshot: the rule reads what it needs from the database */
	app_cold_ms: number;
	postgis_plain_ms: number | null;
	same_answer: boolean | null;
	/** segments whose stored answer differs from PostGIS's (reasons, counts, nearest ±1 m) */
	rows_differing: number | null;
	result: { segments: number; required: number };
	/** children moved 100 m, then the background pass that brings rule and counts up to date */
	local_change: { children_moved: number; segments: number; changed: number; ms: number };
	/** the waterway list (as its route loads it) for the county with the most segments */
	county_list: { county: string; segments: number; ms: number };
}

export async function benchRule(
	d: Database,
	analysis: Analysis,
	opts: { runs: number; skipSql: boolean },
	log: (m: string) => void
): Promise<RuleBench> {
	const db = d.db;
	log('case segment_rule…');
	const runs = Math.max(opts.runs, 5);
	// cold: no snapshot, every kind read from the database (as after a restart)
	const cold = await medianOf(opts.runs, () => runSegmentRule(db, '42', 500, 'memory'));
	log(`  cold (reads the data): ${cold.all.map((x) => Math.round(x)).join(', ')} ms`);
	// every row new: what the first computation (or a changed distance) writes
	await analysis.refresh();
	await sql`DELETE FROM segment_requirements`.execute(db);
	let t = performance.now();
	const first = await runSegmentRule(db, '42', 500, 'memory', analysis);
	const rewriteMs = performance.now() - t;
	log(`  every row written: ${Math.round(rewriteMs)} ms ${JSON.stringify(first)}`);
	const compute = await medianOf(runs, () => analysis.segmentRule('42', 500), WARMUP);
	const floor = await workerFloor('rule', Math.max(opts.runs, 15));
	log(`  floor: ${round(floor.ms, 2)} ms for ${floor.points} points`);
	log(`  from the snapshot: ${compute.all.map((x) => round(x, 1)).join(', ')} ms`);
	const stored = await medianOf(runs, () => runSegmentRule(db, '42', 500, 'memory', analysis));
	const app = stored.value;
	log(`  stored: ${stored.all.map((x) => Math.round(x)).join(', ')} ms ${JSON.stringify(app)}`);
	if (app.from !== 'snapshot' || first.from !== 'snapshot')
		throw new Error('segment_rule did not run from the snapshot');
	let pgMs: number | null = null;
	let same: boolean | null = null;
	let rowsDiffering: number | null = null;
	if (!opts.skipSql) {
		t = performance.now();
		const ref = await runSegmentRule(db, '42', 500, 'postgis');
		pgMs = performance.now() - t;
		// then the app's answer again, from the snapshot, compared row by row with PostGIS's
		// (distances on the same sphere, computed differently: equal within a metre)
		await sql`DROP TABLE IF EXISTS bench_rule_postgis`.execute(db);
		await sql`CREATE TABLE bench_rule_postgis AS SELECT * FROM segment_requirements`.execute(db);
		await runSegmentRule(db, '42', 500, 'memory', analysis);
		const diff = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM segment_requirements a
			FULL JOIN bench_rule_postgis b USING (waterway_id)
			WHERE a.required IS DISTINCT FROM b.required OR a.near_kinds IS DISTINCT FROM b.near_kinds
				OR a.children_within IS DISTINCT FROM b.children_within
				OR a.nearest_kind IS DISTINCT FROM b.nearest_kind
				OR abs(coalesce(a.nearest_m, -1) - coalesce(b.nearest_m, -1)) >= 1`.execute(db);
		await sql`DROP TABLE bench_rule_postgis`.execute(db);
		rowsDiffering = diff.rows[0].n;
		same = ref.segments === app.segments && ref.required === app.required && rowsDiffering === 0;
		log(
			`  plain PostGIS: ${Math.round(pgMs)} ms ${JSON.stringify(ref)}; rows answered differently: ${rowsDiffering}`
		);
	}

	log('case rule after a local change…');
	// 200 children of one township moved 100 m east, as an import would
	const town = await sql<{ code: string }>`
		SELECT left(village_code, 9) AS code FROM children GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`.execute(
		db
	);
	const moved = await sql<{ id: number }>`
		SELECT id FROM children WHERE village_code LIKE ${town.rows[0].code + '%'} ORDER BY id LIMIT 200`.execute(
		db
	);
	const ids = moved.rows.map((r) => Number(r.id));
	await applyDataChanges(db);
	await sql`UPDATE children SET residence = ST_Translate(residence, 0.001, 0) WHERE id = ANY(${ids}::bigint[])`.execute(
		db
	);
	t = performance.now();
	const u = await applyDataChanges(db);
	const localMs = performance.now() - t;
	log(`  ${Math.round(localMs)} ms ${JSON.stringify(u)}`);
	await sql`UPDATE children SET residence = ST_Translate(residence, -0.001, 0) WHERE id = ANY(${ids}::bigint[])`.execute(
		db
	);
	await applyDataChanges(db);

	log('case county waterway list…');
	const county = await sql<{ code: string; n: number }>`
		SELECT county_code AS code, count(*)::int AS n FROM waterways GROUP BY 1 ORDER BY 2 DESC LIMIT 1`.execute(
		db
	);
	const who = {
		userId: 0,
		username: 'bench',
		role: 'county_admin' as const,
		jurisdiction: county.rows[0].code
	};
	const listRuns: number[] = [];
	let listed = 0;
	for (let i = 0; i < Math.max(opts.runs, 5); i++) {
		t = performance.now();
		const all = await segmentsFor(db, who, { mine: false });
		await childUnits(db, who.jurisdiction);
		await findUnit(db, who.jurisdiction);
		await riverChiefsFor(db, who);
		listRuns.push(performance.now() - t);
		listed = all.length;
	}
	const unit = await findUnit(db, who.jurisdiction);
	const listMs = median(listRuns);
	log(`  ${unit?.name} (${listed} segments): ${listRuns.map((x) => Math.round(x)).join(', ')} ms`);

	return {
		app_ms: round(compute.ms, 1),
		floor_ms: round(floor.ms, 2),
		floor_points: floor.points,
		app_runs_ms: compute.all.map((x) => round(x, 1)),
		app_stored_ms: round(stored.ms, 0),
		app_rewrite_ms: round(rewriteMs, 0),
		app_cold_ms: round(cold.ms, 0),
		postgis_plain_ms: pgMs === null ? null : round(pgMs, 0),
		same_answer: same,
		rows_differing: rowsDiffering,
		result: { segments: app.segments, required: app.required },
		local_change: {
			children_moved: ids.length,
			segments: u?.rule.segments ?? 0,
			changed: u?.rule.changed ?? 0,
			ms: round(localMs, 0)
		},
		county_list: {
			county: unit?.name ?? county.rows[0].code,
			segments: listed,
			ms: round(listMs, 0)
		}
	};
}
