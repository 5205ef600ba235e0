// Child residences. This module never returns a residence coordinate: only aggregates (counts
// per administrative unit and per grid cell). Exact points arrive with roles in the accounts
// issue, through a separate, audited function.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import { DIFFICULTY_CATEGORIES, LEFT_BEHIND_CATEGORIES } from '$lib/domain/children';
import { KEY_MODULUS, releaseTree, type CountNode } from '$lib/domain/disclosure';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE } from './segment-rule';
import { townshipPrefix } from '$lib/domain/admin';

/** Finest grid level kept in child_cells; coarser levels are derived by halving x and y. */
export const FINEST_CELL_LEVEL = 17;
export const COARSEST_CELL_LEVEL = 7;

/**
 * Recompute child_counts (every admin level) and child_cells (levels 7..17) from children:
 * everything, or only what depends on the given townships (9-digit codes) — their villages,
 * their own rows and cells, and the totals of the units above them.
 */
export async function refreshChildAggregates(db: Kysely<DB>, townships?: string[]): Promise<void> {
	if (townships && !townships.length) return;
	const towns = townships ? [...new Set(townships.map(townshipPrefix))] : [];
	const whereChildren = townships
		? sql`WHERE left(c.village_code, 9) = ANY(${towns}::text[])`
		: sql``;
	await sql`DELETE FROM child_counts ${townships ? sql`WHERE left(code, 9) = ANY(${towns}::text[])` : sql``}`.execute(
		db
	);
	// a child counts in its village and in every unit above it (prefix lengths 12, 9, 6, 4, 2);
	// scoped, villages and townships are counted from the children and the units above them
	// summed from all their townships' rows
	await sql`INSERT INTO child_counts ${unitCountsOf(whereChildren, townships ? [12, 9] : [12, 9, 6, 4, 2])}`.execute(
		db
	);
	if (townships) await sumUnitsAbove(db, towns);
	const townCodes = towns.map((t) => t + '000');
	const inTowns = townships ? sql`WHERE township_code = ANY(${townCodes}::text[])` : sql``;
	await sql`DELETE FROM child_cells ${inTowns}`.execute(db);
	await sql`INSERT INTO child_cells ${finestCellsOf(whereChildren)}`.execute(db);
	await finishAggregates(db, townships ? townCodes : null);
}

const COUNT_COLUMNS = sql.raw(
	'(code, total, left_behind, in_difficulty, total_key, left_behind_key, in_difficulty_key)'
);
const CELL_COLUMNS = sql.raw(
	'(level, x, y, township_code, total, left_behind, in_difficulty, total_key, left_behind_key, in_difficulty_key)'
);

/** The counted rows of child_counts (columns and query) for the children `where` selects. */
function unitCountsOf(where: RawBuilder<unknown>, lengths: number[]): RawBuilder<unknown> {
	const lb = [...LEFT_BEHIND_CATEGORIES] as string[];
	const df = [...DIFFICULTY_CATEGORIES] as string[];
	const lens = sql.join(lengths.map((l) => sql`(${sql.lit(l)})`));
	return sql`${COUNT_COLUMNS}
		SELECT a.code, agg.total, agg.left_behind, agg.in_difficulty,
			agg.total_key, agg.left_behind_key, agg.in_difficulty_key
		FROM (
			SELECT rpad(left(c.village_code, len), 12, '0') AS code,
				count(*)::int AS total,
				count(*) FILTER (WHERE c.categories && ${lb}::text[])::int AS left_behind,
				count(*) FILTER (WHERE c.categories && ${df}::text[])::int AS in_difficulty,
				${keySum(sql`c.record_key`)} AS total_key,
				${keySum(sql`c.record_key`, sql`c.categories && ${lb}::text[]`)} AS left_behind_key,
				${keySum(sql`c.record_key`, sql`c.categories && ${df}::text[]`)} AS in_difficulty_key
			FROM children c CROSS JOIN (VALUES ${lens}) AS l(len)
			${where}
			GROUP BY 1
		) agg
		JOIN admin_units a ON a.code = agg.code`;
}

/** The finest cells of child_cells (columns and query) for the children `where` selects. */
function finestCellsOf(where: RawBuilder<unknown>): RawBuilder<unknown> {
	const lb = [...LEFT_BEHIND_CATEGORIES] as string[];
	const df = [...DIFFICULTY_CATEGORIES] as string[];
	return sql`${CELL_COLUMNS}
		SELECT ${FINEST_CELL_LEVEL}, cx, cy, t, count(*)::int,
			count(*) FILTER (WHERE categories && ${lb}::text[])::int,
			count(*) FILTER (WHERE categories && ${df}::text[])::int,
			${keySum(sql`record_key`)},
			${keySum(sql`record_key`, sql`categories && ${lb}::text[]`)},
			${keySum(sql`record_key`, sql`categories && ${df}::text[]`)}
		FROM (
			SELECT categories, record_key, rpad(left(village_code, 9), 12, '0') AS t,
				floor((ST_X(residence) + 180.0) / 360.0 * 2 ^ ${FINEST_CELL_LEVEL})::int AS cx,
				floor((1.0 - ln(tan(radians(ST_Y(residence))) + 1.0 / cos(radians(ST_Y(residence)))) / pi())
					/ 2.0 * 2 ^ ${FINEST_CELL_LEVEL})::int AS cy
			FROM children c ${where}
		) p
		GROUP BY cx, cy, t`;
}

/** The counties, prefectures and province above `towns`, summed from all their townships' rows. */
async function sumUnitsAbove(db: Kysely<DB>, towns: string[]): Promise<void> {
	const above = new Map<string, number>();
	for (const t of towns)
		for (const len of [6, 4, 2]) above.set(t.slice(0, len).padEnd(12, '0'), len);
	const codes = [...above.keys()];
	await sql`DELETE FROM child_counts WHERE code = ANY(${codes}::text[])`.execute(db);
	await sql`
		INSERT INTO child_counts ${COUNT_COLUMNS}
		SELECT u.code, sum(t.total)::int, sum(t.left_behind)::int, sum(t.in_difficulty)::int,
			${keySum(sql`t.total_key`)}, ${keySum(sql`t.left_behind_key`)}, ${keySum(sql`t.in_difficulty_key`)}
		FROM unnest(${codes}::text[], ${[...above.values()]}::int[]) AS u(code, len)
		JOIN child_counts t ON left(t.code, u.len) = left(u.code, u.len)
			AND right(t.code, 3) = '000' AND substr(t.code, 7, 3) <> '000'
		JOIN admin_units a ON a.code = u.code
		GROUP BY u.code`.execute(db);
}

/**
 * From the finest cells of the townships (`townCodes`, 12 digits; null: everywhere): the
 * coarser cells, the released counts of every unit, and the children's version.
 */
async function finishAggregates(db: Kysely<DB>, townCodes: string[] | null): Promise<void> {
	for (let level = FINEST_CELL_LEVEL - 1; level >= COARSEST_CELL_LEVEL; level--) {
		await sql`
			INSERT INTO child_cells ${CELL_COLUMNS}
			SELECT ${level}, x / 2, y / 2, township_code, sum(total)::int, sum(left_behind)::int, sum(in_difficulty)::int,
				${keySum(sql`total_key`)}, ${keySum(sql`left_behind_key`)}, ${keySum(sql`in_difficulty_key`)}
			FROM child_cells WHERE level = ${level + 1} ${townCodes ? sql`AND township_code = ANY(${townCodes}::text[])` : sql``}
			GROUP BY x / 2, y / 2, township_code`.execute(db);
	}
	await releaseUnitCounts(db);
	await sql`
		INSERT INTO app_meta (key, value, updated_at) VALUES ('children_version', '1', now())
		ON CONFLICT (key) DO UPDATE SET value = (app_meta.value::bigint + 1)::text, updated_at = now()`.execute(
		db
	);
}

/**
 * The counts of the children of `townships`, worked out beside the tables (apply_child_counts,
 * apply_child_cells: temporary, the embedded engine's one session only), one short statement
 * per township with `pause` between them, so other users' queries run in between. Nothing
 * reads them but installChildAggregates. Returns the townships counted.
 */
export async function countChildrenAside(
	db: Kysely<DB>,
	townships: string[],
	pause: () => Promise<void>
): Promise<string[]> {
	const towns = [...new Set(townships.map(townshipPrefix))].sort();
	await dropChildrenAside(db);
	await sql`CREATE TEMP TABLE apply_child_counts (LIKE child_counts INCLUDING DEFAULTS)`.execute(
		db
	);
	await sql`CREATE TEMP TABLE apply_child_cells (LIKE child_cells INCLUDING DEFAULTS)`.execute(db);
	for (const t of towns) {
		const where = sql`WHERE c.village_code LIKE ${underPrefix(t)}`;
		await sql`INSERT INTO apply_child_counts ${unitCountsOf(where, [12, 9])}`.execute(db);
		await pause();
		await sql`INSERT INTO apply_child_cells ${finestCellsOf(where)}`.execute(db);
		await pause();
	}
	return towns;
}

/**
 * In one transaction: the townships' counts worked out by countChildrenAside replace theirs, and
 * everything that follows from them (the units above, the coarser cells, the released counts)
 * is worked out from them at once. The caller has checked that no child changed since.
 */
export async function installChildAggregates(trx: Kysely<DB>, towns: string[]): Promise<void> {
	const townCodes = towns.map((t) => t + '000');
	await sql`DELETE FROM child_counts WHERE left(code, 9) = ANY(${towns}::text[])`.execute(trx);
	await sql`INSERT INTO child_counts ${COUNT_COLUMNS}
		SELECT code, total, left_behind, in_difficulty, total_key, left_behind_key, in_difficulty_key
		FROM apply_child_counts`.execute(trx);
	await sumUnitsAbove(trx, towns);
	await sql`DELETE FROM child_cells WHERE township_code = ANY(${townCodes}::text[])`.execute(trx);
	await sql`INSERT INTO child_cells ${CELL_COLUMNS}
		SELECT level, x, y, township_code, total, left_behind, in_difficulty,
			total_key, left_behind_key, in_difficulty_key
		FROM apply_child_cells`.execute(trx);
	await finishAggregates(trx, townCodes);
}

export async function dropChildrenAside(db: Kysely<DB>): Promise<void> {
	await sql`DROP TABLE IF EXISTS apply_child_counts, apply_child_cells`.execute(db);
}

/** The sum of record keys (or of key sums) of the rows counted, reduced modulo KEY_MODULUS. */
export function keySum(column: RawBuilder<unknown>, filter?: RawBuilder<unknown>) {
	return filter
		? sql`(coalesce(sum(${column}) FILTER (WHERE ${filter}), 0) % ${KEY_MODULUS})::bigint`
		: sql`(coalesce(sum(${column}), 0) % ${KEY_MODULUS})::bigint`;
}

const MEASURES = ['total', 'left_behind', 'in_difficulty'] as const;

/**
 * The released counts of every administrative unit (the one table every panel, dashboard,
 * export and village label reads): perturbed from the true counts and their key sums, each
 * unit as the sum of its subdivisions (releaseTree), for the whole province at once so that a
 * township's value is released knowing its villages. Only changed rows are written.
 */
export async function releaseUnitCounts(db: Kysely<DB>): Promise<number> {
	const r = await sql<{
		code: string;
		parent_code: string | null;
		total: number;
		left_behind: number;
		in_difficulty: number;
		total_key: number;
		left_behind_key: number;
		in_difficulty_key: number;
		total_released: number;
		left_behind_released: number;
		in_difficulty_released: number;
	}>`
		SELECT c.code, a.parent_code, c.total, c.left_behind, c.in_difficulty,
			c.total_key::float8 AS total_key, c.left_behind_key::float8 AS left_behind_key,
			c.in_difficulty_key::float8 AS in_difficulty_key,
			c.total_released, c.left_behind_released, c.in_difficulty_released
		FROM child_counts c JOIN admin_units a ON a.code = c.code`.execute(db);
	const byCode = new Map(r.rows.map((row) => [row.code, row]));
	const childrenOf = new Map<string, string[]>();
	const roots: string[] = [];
	for (const row of r.rows) {
		if (row.parent_code && byCode.has(row.parent_code)) {
			const list = childrenOf.get(row.parent_code) ?? [];
			list.push(row.code);
			childrenOf.set(row.parent_code, list);
		} else roots.push(row.code);
	}
	const released = new Map<string, Record<(typeof MEASURES)[number], number>>();
	for (const m of MEASURES) {
		const node = (code: string): CountNode & { code: string } => {
			const row = byCode.get(code)!;
			return {
				code,
				count: row[m],
				keySum: row[`${m}_key`],
				parts: (childrenOf.get(code) ?? []).map(node)
			};
		};
		for (const root of roots)
			releaseTree(node(root), (n, out) => {
				const code = (n as CountNode & { code: string }).code;
				const rec = released.get(code) ?? { total: 0, left_behind: 0, in_difficulty: 0 };
				rec[m] = out.released;
				released.set(code, rec);
			});
	}
	const changed = r.rows.filter((row) => {
		const v = released.get(row.code)!;
		return (
			v.total !== row.total_released ||
			v.left_behind !== row.left_behind_released ||
			v.in_difficulty !== row.in_difficulty_released
		);
	});
	if (!changed.length) return 0;
	const codes = changed.map((c) => c.code);
	const col = (m: (typeof MEASURES)[number]) => changed.map((c) => released.get(c.code)![m]);
	await sql`
		UPDATE child_counts c SET total_released = u.t, left_behind_released = u.l,
			in_difficulty_released = u.d
		FROM unnest(${codes}::text[], ${col('total')}::int[], ${col('left_behind')}::int[],
			${col('in_difficulty')}::int[]) AS u(code, t, l, d)
		WHERE c.code = u.code`.execute(db);
	return changed.length;
}

/**
 * What changes whenever the children do (any insert, update or delete: their aggregates are
 * refreshed then): the caches of released counts are kept until it moves. One key lookup.
 */
export async function childrenVersion(db: Kysely<DB>): Promise<string> {
	const r = await sql<{ v: string }>`
		SELECT value AS v FROM app_meta WHERE key = 'children_version'`.execute(db);
	return r.rows[0]?.v ?? '0';
}

/**
 * For each segment: how many children live within `radiusM` (great-circle metres, as the
 * four-item rule counts them) and the sum of their record keys, to release the count.
 */
export async function childrenNearSegments(
	db: Kysely<DB>,
	ids: number[],
	radiusM: number
): Promise<{ id: number; n: number; k: number }[]> {
	if (!ids.length) return [];
	// a box in degrees around each segment lets the residences' GiST index find the candidates;
	// the geography distance then decides, as the four-item rule does (segment-rule.ts)
	const { dLat, dLon } = radiusToDegrees(radiusM, BOX_LATITUDE);
	const r = await sql<{ id: number; n: number; k: number }>`
		WITH w AS MATERIALIZED (
			SELECT id, ST_Expand(geom, ${dLon}, ${dLat}) AS box, geom::geography AS g
			FROM waterways WHERE id = ANY(${ids}::bigint[])
		)
		SELECT w.id::float8 AS id, count(c.id)::int AS n,
			(coalesce(sum(c.record_key), 0) % ${KEY_MODULUS})::float8 AS k
		FROM w
		JOIN children c ON c.residence && w.box
			AND ST_DWithin(w.g, c.residence::geography, ${radiusM}, false)
		GROUP BY w.id`.execute(db);
	return r.rows;
}

/**
 * Great-circle metres from a segment to the nearest child's home within `radiusM`, or null.
 * Only ever shown as a band (domain/disclosure.ts distanceBand).
 */
export async function nearestChildDistanceM(
	db: Kysely<DB>,
	waterwayId: number,
	radiusM: number
): Promise<number | null> {
	const { dLat, dLon } = radiusToDegrees(radiusM, BOX_LATITUDE);
	const r = await sql<{ m: number | null }>`
		SELECT min(ST_Distance(w.geom::geography, c.residence::geography, false)) AS m
		FROM waterways w
		JOIN children c ON c.residence && ST_Expand(w.geom, ${dLon}, ${dLat})
		WHERE w.id = ${waterwayId}`.execute(db);
	const m = r.rows[0]?.m;
	return m === null || m === undefined || m > radiusM ? null : Number(m);
}

export interface ChildCellSumRow {
	level: number;
	x: number;
	y: number;
	total: number;
	/** the cells' record keys summed modulo KEY_MODULUS (the cell-key method's key) */
	key: number;
}

/** Every grid cell (all levels) summed over the townships of a LIKE pattern, with its key. */
export async function childCellSums(db: Kysely<DB>, prefix: string): Promise<ChildCellSumRow[]> {
	const r = await sql<ChildCellSumRow>`
		SELECT level, x, y, sum(total)::int AS total,
			(sum(total_key) % ${KEY_MODULUS})::float8 AS key
		FROM child_cells WHERE township_code LIKE ${underPrefix(prefix)}
		GROUP BY level, x, y`.execute(db);
	return r.rows;
}
