// The SQL of the four-item rule: which segments need the four items, and why. A segment needs
// them when it lies within the configured distance (default 500 m) of a village centre, a
// child's home, a school, a kindergarten, a children's home or a Sunshine Station. Here: the
// rule's distance, the reads the in-memory rule measures (analysis/rule.ts), the write lock,
// the diff write of segment_requirements, and the same rule as PostGIS geography joins (a degree
// box around the segment finds candidates through the GiST indexes, then great-circle metres on
// the sphere, use_spheroid = false, decide). Which of these runs when is the service's
// (services/segment-rule.ts).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import { radiusToDegrees } from '$lib/geo/proximity';
import type { RuleRow } from '../analysis/rule';
import { RULE_KIND_ORDER, type RuleKind } from '$lib/domain/equipment';

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

/** Serialises writers of segment_requirements (the settings page, the change processor). */
export const RULE_WRITE_LOCK = 7263004;

/** Take the rule's write lock for the rest of the transaction. */
export async function lockRuleWrites(trx: Kysely<DB>): Promise<void> {
	await sql`SELECT pg_advisory_xact_lock(${RULE_WRITE_LOCK})`.execute(trx);
}

/** Which segments to compute: every one in a jurisdiction prefix, or a list of ids. */
export type RuleTarget = { prefix: string } | { ids: number[] };

// every source as (id, geom); villages have no id of their own, so their 12-digit code stands in
// (exact in a float8), which keeps "each point once" true when boxes overlap below
export const POINT_SOURCES: Record<RuleKind, string> = {
	children: `SELECT id, residence AS geom FROM children`,
	village: `SELECT code::bigint AS id, center AS geom FROM admin_units WHERE level = 'village'`,
	school: `SELECT id, geom FROM institutions WHERE kind = 'school'`,
	kindergarten: `SELECT id, geom FROM institutions WHERE kind = 'kindergarten'`,
	children_home: `SELECT id, geom FROM children_homes WHERE status = 'open'`,
	sunshine_station: `SELECT id, geom FROM sunshine_stations`
};

/** What the in-memory rule reads: the target segments and each kind's points near them. */
export interface RuleInput {
	/** the segments as one WKB collection (plain 2D), in id order */
	segments: Uint8Array | null;
	/** their ids, comma-separated, in the same order */
	ids: string | null;
	/** per kind (in RULE_KIND_ORDER), the points inside the segments' boxes, as WKB */
	points: (Uint8Array | null)[];
}

async function wkb(db: Kysely<DB>, query: ReturnType<typeof sql>): Promise<Uint8Array | null> {
	const r = await query.execute(db);
	const v = (r.rows[0] as { wkb: Uint8Array | null } | undefined)?.wkb ?? null;
	return v ? new Uint8Array(v) : null;
}

/**
 * One read of what the rule needs for the target segments: the segments, then each kind of
 * point inside the segments' boxes grown by the radius. The seven reads are sent at once: on a
 * pool they run side by side on the server, on one connection (a transaction, the embedded
 * engine) they queue there. Each read sees its own snapshot, as separate statements do in a
 * READ COMMITTED transaction; a change that lands meanwhile is noted in data_changes and brings
 * the rule up to date again.
 */
export async function readRuleInput(
	db: Kysely<DB>,
	target: RuleTarget,
	radiusM: number
): Promise<RuleInput> {
	const { dLon: boxLon, dLat: boxLat } = radiusToDegrees(radiusM, BOX_LATITUDE);
	const segWhere =
		'prefix' in target
			? sql`township_code LIKE ${underPrefix(target.prefix)}`
			: sql`id = ANY(${target.ids}::bigint[])`;
	// a jurisdiction: one box around all its segments; a few segments: a box around each
	// (through the GiST index), every point once however many boxes hold it
	const from = (kind: RuleKind) =>
		'prefix' in target
			? sql`(${sql.raw(POINT_SOURCES[kind])}) p
				WHERE p.geom && (SELECT ST_Expand(ST_Extent(geom)::geometry, ${boxLon}, ${boxLat})
					FROM waterways WHERE ${segWhere})`
			: sql`(SELECT DISTINCT ON (p.id) p.id, p.geom FROM (${sql.raw(POINT_SOURCES[kind])}) p
				JOIN waterways w ON w.id = ANY(${target.ids}::bigint[])
					AND p.geom && ST_Expand(w.geom, ${boxLon}, ${boxLat})) p`;
	// plain 2D geometry (half the bytes of ids carried in z/m) and the ids as text alongside
	const segRead = sql<{ wkb: Uint8Array | null; ids: string | null }>`
		SELECT ST_AsBinary(ST_Collect(geom ORDER BY id)) AS wkb, string_agg(id::text, ',' ORDER BY id) AS ids
		FROM waterways WHERE ${segWhere}`.execute(db);
	const pointReads = RULE_KIND_ORDER.map((kind) =>
		wkb(db, sql`SELECT ST_AsBinary(ST_Collect(p.geom)) AS wkb FROM ${from(kind)}`)
	);
	// awaited one by one below; a failure is thrown there, not reported as unhandled here
	for (const r of [segRead, ...pointReads]) r.catch(() => {});
	const segRow = (await segRead).rows[0];
	return {
		segments: segRow?.wkb ? new Uint8Array(segRow.wkb) : null,
		ids: segRow?.ids ?? null,
		points: await Promise.all(pointReads)
	};
}

/** Note a run of the rule for the settings page. */
export async function noteRuleRun(trx: Kysely<DB>, run: Record<string, unknown>): Promise<void> {
	await sql`
		INSERT INTO settings (key, value, updated_at) VALUES ('segment_rule_last_run', ${JSON.stringify(run)}::jsonb, now())
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`.execute(trx);
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

/** Write the rows whose answer changed and delete those of segments gone; returns how many. */
export async function writeChangedRows(
	trx: Kysely<DB>,
	target: RuleTarget,
	rows: RuleRow[],
	radiusM: number
): Promise<number> {
	const inTarget =
		'prefix' in target
			? sql`waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${underPrefix(target.prefix)})`
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

/**
 * The rule as PostGIS geography joins for every segment in a prefix, rewriting every row: the
 * reference the parity test and the benchmark compare the in-memory rule against.
 */
export async function runRuleInPostgis(
	db: Kysely<DB>,
	prefix: string,
	radiusM?: number
): Promise<{ segments: number; required: number; changed: number; from: 'postgis' }> {
	// inside a caller's transaction (the seed) run there; otherwise in a transaction of its own
	const run = <T>(fn: (trx: Kysely<DB>) => Promise<T>) =>
		db.isTransaction ? fn(db) : db.transaction().execute(fn);
	return run(async (trx) => {
		const r = radiusM ?? (await ruleRadius(trx));
		const { dLat, dLon } = radiusToDegrees(r, BOX_LATITUDE);
		await sql`CREATE TEMP TABLE IF NOT EXISTS rule_hits (waterway_id bigint, kind text, n integer, d double precision) ON COMMIT DROP`.execute(
			trx
		);
		await sql`TRUNCATE rule_hits`.execute(trx);
		for (const s of sources()) {
			// each segment is cast to geography once (materialised), not once per candidate pair
			await sql`
				WITH w AS MATERIALIZED (
					SELECT id, geom, ST_Expand(geom, ${dLon}, ${dLat}) AS box, geom::geography AS g
					FROM waterways WHERE township_code LIKE ${underPrefix(prefix)}
				)
				INSERT INTO rule_hits (waterway_id, kind, n, d)
				SELECT w.id, ${s.kind}, count(*)::int, min(ST_Distance(w.g, x.geom::geography, false))
				FROM w
				JOIN (${s.from}) x ON x.geom && w.box AND ST_DWithin(w.g, x.geom::geography, ${r}, false)
				GROUP BY w.id`.execute(trx);
		}
		await sql`DELETE FROM segment_requirements WHERE waterway_id IN (SELECT id FROM waterways WHERE township_code LIKE ${underPrefix(prefix)})`.execute(
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
			WHERE w.township_code LIKE ${underPrefix(prefix)}`.execute(trx);
		const c = await sql<{ n: number; req: number }>`
			SELECT count(*)::int AS n, count(*) FILTER (WHERE required)::int AS req
			FROM segment_requirements sr JOIN waterways w ON w.id = sr.waterway_id
			WHERE w.township_code LIKE ${underPrefix(prefix)}`.execute(trx);
		return {
			segments: c.rows[0].n,
			required: c.rows[0].req,
			changed: c.rows[0].n,
			from: 'postgis' as const
		};
	});
}
