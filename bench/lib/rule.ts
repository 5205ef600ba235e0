// The waterways issue's cases: the four-item rule for the whole province (segment_rule), the
// rule following a local change of the data, and the server time of the waterway list for the
// county with the most segments.
import { sql } from 'kysely';
import type { Database } from '../../src/lib/server/db/engine';
import { recomputeSegmentRule } from '../../src/lib/server/repositories/segment-rule';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';
import { riverChiefsFor, segmentsFor } from '../../src/lib/server/services/waterways';
import { childUnits, findUnit } from '../../src/lib/server/repositories/areas';
import { median, round } from './stats';

export interface RuleBench {
	/** the app's recompute of the province with the data as it is (writes only what changed) */
	app_ms: number;
	/** the same when every row changes (first computation, or a new distance) */
	app_rewrite_ms: number;
	postgis_plain_ms: number | null;
	same_answer: boolean | null;
	result: { segments: number; required: number };
	/** children moved 100 m, then the background pass that brings rule and counts up to date */
	local_change: { children_moved: number; segments: number; changed: number; ms: number };
	/** the waterway list (as its route loads it) for the county with the most segments */
	county_list: { county: string; segments: number; ms: number };
}

export async function benchRule(
	d: Database,
	opts: { runs: number; skipSql: boolean },
	log: (m: string) => void
): Promise<RuleBench> {
	const db = d.db;
	log('case segment_rule…');
	// every row new: what the first computation (or a changed distance) writes
	await sql`DELETE FROM segment_requirements`.execute(db);
	let t = performance.now();
	const first = await recomputeSegmentRule(db, '42', 500, 'memory');
	const rewriteMs = performance.now() - t;
	log(`  app, every row written: ${Math.round(rewriteMs)} ms ${JSON.stringify(first)}`);
	const runs: number[] = [];
	let app = first;
	for (let i = 0; i < opts.runs; i++) {
		t = performance.now();
		app = await recomputeSegmentRule(db, '42', 500, 'memory');
		runs.push(performance.now() - t);
	}
	log(`  app: ${runs.map((x) => Math.round(x)).join(', ')} ms ${JSON.stringify(app)}`);
	let pgMs: number | null = null;
	let same: boolean | null = null;
	if (!opts.skipSql) {
		t = performance.now();
		const ref = await recomputeSegmentRule(db, '42', 500, 'postgis');
		pgMs = performance.now() - t;
		same = ref.segments === app.segments && ref.required === app.required;
		log(`  plain PostGIS: ${Math.round(pgMs)} ms ${JSON.stringify(ref)}`);
		// leave the app's own answer in place
		await recomputeSegmentRule(db, '42', 500, 'memory');
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
		app_ms: round(median(runs), 0),
		app_rewrite_ms: round(rewriteMs, 0),
		postgis_plain_ms: pgMs === null ? null : round(pgMs, 0),
		same_answer: same,
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
