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
