// Child residences. This module never returns a residence coordinate: only aggregates (counts
// per administrative unit and per grid cell). Exact points arrive with roles in the accounts
// issue, through a separate, audited function.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { DIFFICULTY_CATEGORIES, LEFT_BEHIND_CATEGORIES } from '$lib/domain/children';

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
	const lb = [...LEFT_BEHIND_CATEGORIES] as string[];
	const df = [...DIFFICULTY_CATEGORIES] as string[];
	const towns = townships ? [...new Set(townships.map((t) => t.slice(0, 9)))] : [];
	const townCodes = towns.map((t) => t + '000');
	// a child counts in its village and in every unit above it (prefix lengths 12, 9, 6, 4, 2);
	// scoped, villages and townships are counted from the children and the units above them
	// summed from all their townships' rows
	const lengths = townships ? sql`(VALUES (12), (9))` : sql`(VALUES (12), (9), (6), (4), (2))`;
	const whereChildren = townships
		? sql`WHERE left(c.village_code, 9) = ANY(${towns}::text[])`
		: sql``;
	await sql`DELETE FROM child_counts ${townships ? sql`WHERE left(code, 9) = ANY(${towns}::text[])` : sql``}`.execute(
		db
	);
	await sql`
		INSERT INTO child_counts (code, total, left_behind, in_difficulty)
		SELECT a.code, agg.total, agg.left_behind, agg.in_difficulty
		FROM (
			SELECT rpad(left(c.village_code, len), 12, '0') AS code,
				count(*)::int AS total,
				count(*) FILTER (WHERE c.categories && ${lb}::text[])::int AS left_behind,
				count(*) FILTER (WHERE c.categories && ${df}::text[])::int AS in_difficulty
			FROM children c CROSS JOIN ${lengths} AS l(len)
			${whereChildren}
			GROUP BY 1
		) agg
		JOIN admin_units a ON a.code = agg.code`.execute(db);
	if (townships) {
		const above = new Map<string, number>();
		for (const t of towns)
			for (const len of [6, 4, 2]) above.set(t.slice(0, len).padEnd(12, '0'), len);
		const codes = [...above.keys()];
		await sql`DELETE FROM child_counts WHERE code = ANY(${codes}::text[])`.execute(db);
		await sql`
			INSERT INTO child_counts (code, total, left_behind, in_difficulty)
			SELECT u.code, sum(t.total)::int, sum(t.left_behind)::int, sum(t.in_difficulty)::int
			FROM unnest(${codes}::text[], ${[...above.values()]}::int[]) AS u(code, len)
			JOIN child_counts t ON left(t.code, u.len) = left(u.code, u.len)
				AND right(t.code, 3) = '000' AND substr(t.code, 7, 3) <> '000'
			JOIN admin_units a ON a.code = u.code
			GROUP BY u.code`.execute(db);
	}

	const inTowns = townships ? sql`WHERE township_code = ANY(${townCodes}::text[])` : sql``;
	await sql`DELETE FROM child_cells ${inTowns}`.execute(db);
	await sql`
		INSERT INTO child_cells (level, x, y, township_code, total, left_behind, in_difficulty)
		SELECT ${FINEST_CELL_LEVEL}, cx, cy, t, count(*)::int,
			count(*) FILTER (WHERE categories && ${lb}::text[])::int,
			count(*) FILTER (WHERE categories && ${df}::text[])::int
		FROM (
			SELECT categories, rpad(left(village_code, 9), 12, '0') AS t,
				floor((ST_X(residence) + 180.0) / 360.0 * 2 ^ ${FINEST_CELL_LEVEL})::int AS cx,
				floor((1.0 - ln(tan(radians(ST_Y(residence))) + 1.0 / cos(radians(ST_Y(residence)))) / pi())
					/ 2.0 * 2 ^ ${FINEST_CELL_LEVEL})::int AS cy
			FROM children c ${whereChildren}
		) p
		GROUP BY cx, cy, t`.execute(db);
	for (let level = FINEST_CELL_LEVEL - 1; level >= COARSEST_CELL_LEVEL; level--) {
		await sql`
			INSERT INTO child_cells (level, x, y, township_code, total, left_behind, in_difficulty)
			SELECT ${level}, x / 2, y / 2, township_code, sum(total)::int, sum(left_behind)::int, sum(in_difficulty)::int
			FROM child_cells WHERE level = ${level + 1} ${townships ? sql`AND township_code = ANY(${townCodes}::text[])` : sql``}
			GROUP BY x / 2, y / 2, township_code`.execute(db);
	}
}

export interface ChildCounts {
	total: number;
	leftBehind: number;
	inDifficulty: number;
}

export async function countsForUnit(db: Kysely<DB>, code: string): Promise<ChildCounts> {
	const row = await db
		.selectFrom('child_counts')
		.select(['total', 'left_behind', 'in_difficulty'])
		.where('code', '=', code)
		.executeTakeFirst();
	return {
		total: row?.total ?? 0,
		leftBehind: row?.left_behind ?? 0,
		inDifficulty: row?.in_difficulty ?? 0
	};
}
