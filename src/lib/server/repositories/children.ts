// Child residences. This module never returns a residence coordinate: only aggregates (counts
// per administrative unit and per grid cell). Exact points arrive with roles in the accounts
// issue, through a separate, audited function.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { DIFFICULTY_CATEGORIES, LEFT_BEHIND_CATEGORIES } from '$lib/domain/children';

/** Finest grid level kept in child_cells; coarser levels are derived by halving x and y. */
export const FINEST_CELL_LEVEL = 17;
export const COARSEST_CELL_LEVEL = 7;

/** Recompute child_counts (every admin level) and child_cells (levels 7..17) from children. */
export async function refreshChildAggregates(db: Kysely<DB>): Promise<void> {
	const lb = [...LEFT_BEHIND_CATEGORIES] as string[];
	const df = [...DIFFICULTY_CATEGORIES] as string[];
	await sql`DELETE FROM child_counts`.execute(db);
	// a child counts in its village and in every unit above it (prefix lengths 12, 9, 6, 4, 2)
	await sql`
		INSERT INTO child_counts (code, total, left_behind, in_difficulty)
		SELECT a.code, agg.total, agg.left_behind, agg.in_difficulty
		FROM (
			SELECT rpad(left(c.village_code, len), 12, '0') AS code,
				count(*)::int AS total,
				count(*) FILTER (WHERE c.categories && ${lb}::text[])::int AS left_behind,
				count(*) FILTER (WHERE c.categories && ${df}::text[])::int AS in_difficulty
			FROM children c CROSS JOIN (VALUES (12), (9), (6), (4), (2)) AS l(len)
			GROUP BY 1
		) agg
		JOIN admin_units a ON a.code = agg.code`.execute(db);

	await sql`DELETE FROM child_cells`.execute(db);
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
			FROM children
		) p
		GROUP BY cx, cy, t`.execute(db);
	for (let level = FINEST_CELL_LEVEL - 1; level >= COARSEST_CELL_LEVEL; level--) {
		await sql`
			INSERT INTO child_cells (level, x, y, township_code, total, left_behind, in_difficulty)
			SELECT ${level}, x / 2, y / 2, township_code, sum(total)::int, sum(left_behind)::int, sum(in_difficulty)::int
			FROM child_cells WHERE level = ${level + 1}
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
