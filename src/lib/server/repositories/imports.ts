// The imports' SQL around the kinds (import-kinds.ts): each user's remembered column mapping
// and the box of the importer's jurisdiction.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

export async function rememberedMapping(
	db: Kysely<DB>,
	userId: number,
	kind: string
): Promise<Record<string, string> | null> {
	const r = await db
		.selectFrom('import_mappings')
		.select('mapping')
		.where('user_id', '=', userId)
		.where('kind', '=', kind)
		.executeTakeFirst();
	if (!r) return null;
	// jsonb arrives parsed on one engine and as text on the other
	const m = typeof r.mapping === 'string' ? JSON.parse(r.mapping) : r.mapping;
	return m && typeof m === 'object' ? (m as Record<string, string>) : null;
}

export async function rememberMapping(
	db: Kysely<DB>,
	userId: number,
	kind: string,
	mapping: Record<string, string>
): Promise<void> {
	const json = JSON.stringify(mapping);
	await db
		.insertInto('import_mappings')
		.values({ user_id: userId, kind, mapping: json })
		.onConflict((oc) =>
			oc.columns(['user_id', 'kind']).doUpdateSet({ mapping: json, updated_at: sql`now()` })
		)
		.execute();
}

/** The jurisdiction's bounding box [w, s, e, n], or null when the unit has no geometry. */
export async function unitBox(
	db: Kysely<DB>,
	code: string
): Promise<[number, number, number, number] | null> {
	const r = await sql<{ w: number; s: number; e: number; n: number }>`
		SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
		FROM (SELECT geom::box2d AS b FROM admin_units WHERE code = ${code} AND geom IS NOT NULL) x`.execute(
		db
	);
	const b = r.rows[0];
	return b ? [Number(b.w), Number(b.s), Number(b.e), Number(b.n)] : null;
}

/** The tables each kind of import writes (repositories/import-kinds.ts, the kinds' `apply`). */
export const IMPORT_WRITES: Record<string, readonly string[]> = {
	children: ['children'],
	children_homes: ['children_homes'],
	sunshine_stations: ['sunshine_stations'],
	institutions: ['institutions'],
	waterways: ['waterways', 'safety_equipment'],
	river_chiefs: ['waterways'],
	equipment: ['safety_equipment', 'equipment_events']
};

/**
 * Statistics for the tables an import just wrote, taken at once. The embedded engine has no
 * autovacuum to do it later, and a PostgreSQL server with autovacuum waits until a tenth of the
 * table has changed: until then the planner goes by the old counts (a county with 3,400 children
 * given 300,000 more is still planned as 3,400, in the derived data that follows and in every
 * page after), and each connection keeps the plans it made on them. ANALYZE reads a sample of at
 * most 30,000 rows per table, and makes every connection plan again.
 */
export async function analyzeWritten(db: Kysely<DB>, kind: string): Promise<void> {
	for (const t of IMPORT_WRITES[kind] ?? []) await sql`ANALYZE ${sql.table(t)}`.execute(db);
}

/** Where a commit stages its rows (migration 0022): emptied by every commit, so all its rows die. */
export const STAGE_TABLE = 'import_staging';

/**
 * The dead rows each table holds, as the statistics count them. The statement before asks this
 * session to report what it has counted (PostgreSQL reports at most once a second otherwise),
 * so the rows the commit just left dead are in the count.
 */
export async function deadRows(
	db: Kysely<DB>,
	tables: readonly string[]
): Promise<Map<string, number>> {
	await sql`SELECT pg_stat_force_next_flush()`.execute(db);
	const r = await sql<{ t: string; dead: number }>`
		SELECT relname AS t, n_dead_tup AS dead FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND relname = ANY(${[...tables]}::text[])`.execute(db);
	return new Map(r.rows.map((x) => [x.t, Number(x.dead)]));
}

/**
 * Reclaim a table's dead rows: what autovacuum does on a server. Not in a transaction (VACUUM
 * cannot run in one). Pages untouched since the last vacuum are skipped, so it costs about what
 * was changed since.
 */
export async function vacuum(db: Kysely<DB>, table: string): Promise<void> {
	await sql`VACUUM ${sql.table(table)}`.execute(db);
}

/**
 * Statistics for one table (see analyzeWritten), from a sample of 300 × `target` rows when a
 * target is given (the server's default_statistics_target otherwise, 100: 30,000 rows).
 */
export async function analyze(db: Kysely<DB>, table: string, target?: number): Promise<void> {
	if (target === undefined) {
		await sql`ANALYZE ${sql.table(table)}`.execute(db);
		return;
	}
	await db.transaction().execute(async (trx) => {
		await sql`SELECT set_config('default_statistics_target', ${String(target)}, true)`.execute(trx);
		await sql`ANALYZE ${sql.table(table)}`.execute(trx);
	});
}
