// Which segments need the four items, and why. A segment needs them when it lies within the
// configured distance (default 500 m) of a village centre, a child's home, a school, a
// kindergarten, a children's home or a Sunshine Station. Computed in PostGIS: a degree box
// around the segment finds candidates through the GiST indexes, then great-circle metres on
// the sphere (geography, use_spheroid = false) decide. The reasons are stored with the result.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { radiusToDegrees } from '$lib/geo/proximity';
import { computeRuleFast, ruleRows, type RuleRow, type RuleTarget } from '../analysis/rule';
import { dataFingerprint } from '../analysis/source';
import type { Analysis } from '../analysis';
import type { RuleKind } from '$lib/domain/equipment';

export const DEFAULT_RULE_RADIUS_M = 500;

// Hubei reaches 33.3°N: a box sized for that latitude covers the radius everywhere in the province
export const BOX_LATITUDE = 33.5;

export async function ruleRadius(db: Kysely<DB>): Promise<number> {
	const r = await sql<{
		value: unknown;
	}>`SELECT value FROM settings WHERE key = 'segment_rule_radius_m'`.execute(db);
	const v = Number(r.rows[0]?.value);
	return Number.isFinite(v) && v > 0 ? v : DEFAULT_RULE_RADIUS_M;
}

function sources(): { kind: RuleKind; from: RawBuilder<unknown> }[] {
	return [
		{ kind: 'children', from: sql`SELECT residence AS geom FROM children` },
		{ kind: 'village', from: sql`SELECT center AS geom FROM admin_units WHERE level = 'village'` },
		{ kind: 'school', from: sql`SELECT geom FROM institutions WHERE kind = 'school'` },
		{ kind: 'kindergarten', from: sql`SELECT geom FROM institutions WHERE kind = 'kindergarten'` },
		{ kind: 'children_home', from: sql`SELECT geom FROM children_homes WHERE status = 'open'` },
		{ kind: 'sunshine_station', from: sql`SELECT geom FROM sunshine_stations` }
	];
}

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
export async function recomputeSegmentRule(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number,
	engine: RuleEngine = 'memory',
	analysis?: Analysis
): Promise<RuleRunResult> {
	if (engine === 'postgis') return recomputeSegmentRuleSql(db, prefix, radiusM);
	const r = radiusM ?? (await ruleRadius(db));
	if (analysis && !db.isTransaction && /^\d{2,12}$/.test(prefix)) {
		const done = await recomputeFromSnapshot(db, analysis, prefix, r);
		if (done) return done;
	}
	return recomputeRuleFor(db, { prefix }, r);
}

/** Serialises writers of segment_requirements (the settings page, the change processor). */
export const RULE_WRITE_LOCK = 7263004;

/**
 * The rule from the analysis engine's snapshot, when that is current: the worker measures, this
 * thread writes what changed. The snapshot's fingerprint is checked again under the write lock:
 * if the data moved on meanwhile (a change applied, a check recorded), nothing is written and
 * null tells the caller to read the data itself. A change noted but not yet applied is applied
 * after this write, by the change processor, which takes the same lock.
 */
async function recomputeFromSnapshot(
	db: Kysely<DB>,
	analysis: Analysis,
	prefix: string,
	radiusM: number
): Promise<RuleRunResult | null> {
	if (!analysis.loadedVersion()) return null;
	const m = await analysis.segmentRule(prefix, radiusM);
	const rows = ruleRows(m.segmentIds, m);
	return db.transaction().execute(async (trx) => {
		await sql`SELECT pg_advisory_xact_lock(${RULE_WRITE_LOCK})`.execute(trx);
		if ((await dataFingerprint(trx)) !== m.version) return null;
		return storeRule(trx, { prefix }, rows, radiusM, 'snapshot');
	});
}

/**
 * The in-memory rule for a prefix or a list of segments, read from the database, writing only
 * what changed. Outside a transaction the data is read through the pool (reads side by side)
 * and only the write is one transaction; inside a caller's transaction (the seed, the change
 * processor) everything runs there.
 */
export async function recomputeRuleFor(
	db: Kysely<DB>,
	target: RuleTarget,
	radiusM?: number
): Promise<RuleRunResult> {
	const r = radiusM ?? (await ruleRadius(db));
	const rows = await computeRuleFast(db, target, r);
	const write = async (trx: Kysely<DB>) => {
		await sql`SELECT pg_advisory_xact_lock(${RULE_WRITE_LOCK})`.execute(trx);
		return storeRule(trx, target, rows, r, 'database');
	};
	return db.isTransaction ? write(db) : db.transaction().execute(write);
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
	const run = { at: new Date().toISOString(), radiusM, ...result };
	await sql`
		INSERT INTO settings (key, value, updated_at) VALUES ('segment_rule_last_run', ${JSON.stringify(run)}::jsonb, now())
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`.execute(trx);
	return result;
}

// one line per answer, built the same way for the stored and the new one: a row is rewritten
// only when its line differs. Both sides print a float8 as its shortest exact digits, but
// PostgreSQL spells small ones with an exponent, so stored numbers are re-read as numbers.
const ruleLine = (id: number, radiusM: number, kinds: string, children: number, nearest: string) =>
	`${id}|${radiusM}|${kinds}|${children}|${nearest}`;
const newLine = (r: RuleRow, radiusM: number) =>
	ruleLine(
		r.waterwayId,
		radiusM,
		r.kinds.join(','),
		r.children,
		`${r.nearestM ?? ''}|${r.nearestKind ?? ''}`
	);
function storedLine(line: string): [number, string] {
	const [id, radius, kinds, children, nearest, kind] = line.split('|');
	const d = nearest === '' ? '' : String(Number(nearest));
	return [
		Number(id),
		ruleLine(Number(id), Number(radius), kinds, Number(children), `${d}|${kind}`)
	];
}

async function writeChangedRows(
	trx: Kysely<DB>,
	target: RuleTarget,
	rows: RuleRow[],
	radiusM: number
): Promise<number> {
	const inTarget =
		'prefix' in target
			? sql`waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${target.prefix + '%'})`
			: sql`waterway_id = ANY(${target.ids}::bigint[])`;
	const stored = await sql<{ lines: string | null }>`
		SELECT string_agg(waterway_id || '|' || radius_m || '|' || array_to_string(near_kinds, ',') || '|'
			|| children_within || '|' || coalesce(nearest_m::text, '') || '|' || coalesce(nearest_kind, ''), E'\n') AS lines
		FROM segment_requirements WHERE ${inTarget}`.execute(trx);
	const old = new Map<number, string>();
	for (const line of (stored.rows[0]?.lines ?? '').split('\n')) {
		if (line) old.set(...storedLine(line));
	}
	const changed = rows.filter((x) => old.get(x.waterwayId) !== newLine(x, radiusM));
	const computed = new Set(rows.map((x) => x.waterwayId));
	const gone = [...old.keys()].filter((id) => !computed.has(id));
	if (gone.length) {
		await sql`DELETE FROM segment_requirements WHERE waterway_id = ANY(${gone}::bigint[])`.execute(
			trx
		);
	}
	if (changed.length) {
		await sql`
			INSERT INTO segment_requirements (waterway_id, required, radius_m, near_kinds, children_within, nearest_m, nearest_kind)
			SELECT w, k <> '', ${radiusM},
				CASE WHEN k = '' THEN '{}'::text[] ELSE string_to_array(k, ',') END, c, d, nk
			FROM unnest(${changed.map((x) => x.waterwayId)}::bigint[], ${changed.map((x) => x.kinds.join(','))}::text[],
				${changed.map((x) => x.children)}::int[], ${changed.map((x) => x.nearestM)}::float8[],
				${changed.map((x) => x.nearestKind)}::text[]) AS t(w, k, c, d, nk)
			ON CONFLICT (waterway_id) DO UPDATE SET required = EXCLUDED.required, radius_m = EXCLUDED.radius_m,
				near_kinds = EXCLUDED.near_kinds, children_within = EXCLUDED.children_within,
				nearest_m = EXCLUDED.nearest_m, nearest_kind = EXCLUDED.nearest_kind, computed_at = now()`.execute(
			trx
		);
	}
	return changed.length + gone.length;
}

async function recomputeSegmentRuleSql(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number
): Promise<RuleRunResult> {
	// inside a caller's transaction (the seed) run there; otherwise in a transaction of its own
	const run = <T>(fn: (trx: Kysely<DB>) => Promise<T>) =>
		db.isTransaction ? fn(db) : db.transaction().execute(fn);
	return run(async (trx) => {
		const r = radiusM ?? (await ruleRadius(trx));
		const { dLat, dLon } = radiusToDegrees(r, BOX_LATITUDE);
		const like = `${prefix}%`;
		await sql`CREATE TEMP TABLE IF NOT EXISTS rule_hits (waterway_id bigint, kind text, n integer, d double precision) ON COMMIT DROP`.execute(
			trx
		);
		await sql`TRUNCATE rule_hits`.execute(trx);
		for (const s of sources()) {
			// each segment is cast to geography once (materialised), not once per candidate pair
			await sql`
				WITH w AS MATERIALIZED (
					SELECT id, geom, ST_Expand(geom, ${dLon}, ${dLat}) AS box, geom::geography AS g
					FROM waterways WHERE township_code LIKE ${like}
				)
				INSERT INTO rule_hits (waterway_id, kind, n, d)
				SELECT w.id, ${s.kind}, count(*)::int, min(ST_Distance(w.g, x.geom::geography, false))
				FROM w
				JOIN (${s.from}) x ON x.geom && w.box AND ST_DWithin(w.g, x.geom::geography, ${r}, false)
				GROUP BY w.id`.execute(trx);
		}
		await sql`DELETE FROM segment_requirements WHERE waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${like})`.execute(
			trx
		);
		await sql`
			INSERT INTO segment_requirements (waterway_id, required, radius_m, near_kinds, children_within, nearest_m, nearest_kind)
			SELECT w.id, h.waterway_id IS NOT NULL, ${r},
				coalesce(h.kinds, '{}'), coalesce(h.children, 0), h.nearest_m, h.nearest_kind
			FROM waterways w
			LEFT JOIN (
				SELECT waterway_id,
					array_agg(kind ORDER BY kind) AS kinds,
					sum(n) FILTER (WHERE kind = 'children')::int AS children,
					min(d) AS nearest_m,
					(array_agg(kind ORDER BY d, kind))[1] AS nearest_kind
				FROM rule_hits GROUP BY waterway_id
			) h ON h.waterway_id = w.id
			WHERE w.township_code LIKE ${like}`.execute(trx);
		const c = await sql<{ n: number; req: number }>`
			SELECT count(*)::int AS n, count(*) FILTER (WHERE required)::int AS req
			FROM segment_requirements sr JOIN waterways w ON w.id = sr.waterway_id
			WHERE w.township_code LIKE ${like}`.execute(trx);
		return {
			segments: c.rows[0].n,
			required: c.rows[0].req,
			changed: c.rows[0].n,
			from: 'postgis' as const
		};
	});
}
