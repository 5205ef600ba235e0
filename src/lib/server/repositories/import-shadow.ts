// A large children's import on the embedded engine, written beside the table instead of into it.
// The embedded engine has one session: a transaction that inserts 300,000 children (five index
// writes each) holds it, and every other user's page, for half a minute. So the new children
// go first into a shadow table shaped like `children` (same columns, checks and indexes), in
// short committed statements with other users' queries between them; nothing reads the shadow,
// so nobody sees a row of it. The commit's one transaction then makes the shadow a child of
// `children` (ALTER TABLE … INHERIT: a catalog change, so every `FROM children` sees its rows
// at once), with the updates, the change notes and the audit entry: all or nothing. Afterwards
// the rows are moved into `children` itself, a slice per short transaction (each row is in
// exactly one of the two tables at every commit), and the empty shadow is dropped.
//
// Only on the embedded engine, whose one session serialises every transaction: PostgreSQL's
// own sessions read the old rows while its import transaction writes (MVCC), and there the
// catalog locks these steps take would make readers wait instead. The service runs a commit
// and the moves one at a time (services/imports.ts), so no upsert by source id runs while
// rows of one source id could sit in two tables.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** Shadow tables are named by this prefix and the commit's stage id. */
const SHADOW_PREFIX = 'import_children_';

/** The shadow table of a commit's stage (a UUID: hex digits only in the name). */
export const shadowOf = (stage: string): string =>
	SHADOW_PREFIX + stage.replace(/[^0-9a-f]/gi, '').slice(0, 32);

/** What a new child is written with; its record key is the table's random default (0007). */
const NEW_COLUMNS =
	'id, source_id, pseudonym, village_code, birth_date, categories, residence, synthetic';
// every column: a child moved into the table must keep its record key, which seeds the noise of
// each released count it is in (a new key would release the same children with other noise)
const COLUMNS = `${NEW_COLUMNS}, record_key`;

/** The shadow, empty: the columns, checks and indexes of `children`, not its triggers. */
export async function createShadow(db: Kysely<DB>, shadow: string): Promise<void> {
	await sql`CREATE TABLE ${sql.table(shadow)}
		(LIKE children INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`.execute(db);
}

export interface ShadowPoint {
	lon: number;
	lat: number;
	villageCode: string;
}

/**
 * Move the staged children numbered [from, to) whose source id is not in `children` into the
 * shadow, with ids from the table's own sequence and a random pseudonym each (as the upsert
 * gives a new child). The rows moved leave the stage: what stays there are the updates, which
 * the commit's transaction applies. Returns the points written, for the change notes.
 */
export async function fillShadow(
	db: Kysely<DB>,
	shadow: string,
	stage: string,
	from: number,
	to: number
): Promise<ShadowPoint[]> {
	const r = await sql<{ lon: number; lat: number; vc: string }>`
		WITH moved AS (
			DELETE FROM import_staging s
			WHERE s.stage = ${stage} AND s.n >= ${from} AND s.n < ${to}
				AND NOT EXISTS (SELECT 1 FROM children c WHERE c.source_id = s.row->>'sid')
			RETURNING s.row
		), r AS (
			SELECT x.* FROM moved m,
				jsonb_to_record(m.row) AS x(sid text, vc text, birth date, cats text, lon float8, lat float8)
			-- near rows together: the spatial and village indexes are written in fewer places
			ORDER BY x.vc, x.lon
		)
		INSERT INTO ${sql.table(shadow)} (${sql.raw(NEW_COLUMNS)})
		SELECT nextval(pg_get_serial_sequence('children', 'id')), sid,
			'imp-' || md5(random()::text || clock_timestamp()::text || sid), vc, birth,
			string_to_array(cats, ','), ST_SetSRID(ST_MakePoint(lon, lat), 4326), false
		FROM r
		RETURNING ST_X(residence) AS lon, ST_Y(residence) AS lat, village_code AS vc`.execute(db);
	return r.rows.map((x) => ({ lon: Number(x.lon), lat: Number(x.lat), villageCode: x.vc }));
}

/**
 * The change notes (migration 0004) the rows would have left had they been inserted into
 * `children`: one per 0.1° cell touched, its extent and townships, as note_data_change groups
 * them. Written in the commit's transaction, since the shadow has no trigger.
 */
export class ShadowNotes {
	private cells = new Map<string, { w: number; s: number; e: number; n: number; t: Set<string> }>();

	add(points: readonly ShadowPoint[]): void {
		for (const p of points) {
			const key = `${Math.floor(p.lon * 10)}/${Math.floor(p.lat * 10)}`;
			const c = this.cells.get(key);
			const township = p.villageCode.slice(0, 9);
			if (!c)
				this.cells.set(key, { w: p.lon, s: p.lat, e: p.lon, n: p.lat, t: new Set([township]) });
			else {
				c.w = Math.min(c.w, p.lon);
				c.s = Math.min(c.s, p.lat);
				c.e = Math.max(c.e, p.lon);
				c.n = Math.max(c.n, p.lat);
				c.t.add(township);
			}
		}
	}

	async write(db: Kysely<DB>): Promise<void> {
		const cells = [...this.cells.values()];
		if (cells.length === 0) return;
		await sql`
			INSERT INTO data_changes (source, west, south, east, north, townships)
			SELECT 'children', w, s, e, n, string_to_array(t, ',')
			FROM unnest(
				${cells.map((c) => c.w)}::float8[], ${cells.map((c) => c.s)}::float8[],
				${cells.map((c) => c.e)}::float8[], ${cells.map((c) => c.n)}::float8[],
				${cells.map((c) => [...c.t].sort().join(','))}::text[]
			) AS x(w, s, e, n, t)`.execute(db);
	}
}

/** In the commit's transaction: the shadow's rows become rows of `children`. */
export async function attachShadow(trx: Kysely<DB>, shadow: string): Promise<void> {
	await sql`ALTER TABLE ${sql.table(shadow)} INHERIT children`.execute(trx);
}

/** Shadows attached to `children` (their rows visible, still to move), oldest first. */
export async function attachedShadows(db: Kysely<DB>): Promise<string[]> {
	const r = await sql<{ name: string }>`
		SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'children'::regclass ORDER BY c.oid`.execute(db);
	return r.rows.map((x) => x.name);
}

/** Shadows never attached: a commit that died before its transaction left them. */
export async function detachedShadows(db: Kysely<DB>): Promise<string[]> {
	const r = await sql<{ name: string }>`
		SELECT c.relname AS name FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE c.relkind = 'r' AND s.nspname = current_schema()
			AND c.relname LIKE ${SHADOW_PREFIX + '%'}
			AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)`.execute(db);
	return r.rows.map((x) => x.name);
}

export async function dropShadow(db: Kysely<DB>, shadow: string): Promise<void> {
	await sql`DROP TABLE IF EXISTS ${sql.table(shadow)}`.execute(db);
}

/**
 * Move up to `limit` rows of an attached shadow into `children`, in one short transaction: each
 * row leaves the shadow as it enters the table, so a reader sees it once whenever it looks. Not
 * a change of the data: the change note trigger is off for this transaction only (a crash in it
 * rolls that back too), else the analysis engine would read every residence again per slice.
 * Returns the rows moved; 0 once the shadow is empty.
 */
export async function moveShadowSlice(
	db: Kysely<DB>,
	shadow: string,
	limit: number
): Promise<number> {
	return db.transaction().execute(async (trx) => {
		await sql`ALTER TABLE children DISABLE TRIGGER children_changes_ins`.execute(trx);
		const r = await sql`
			WITH m AS (
				DELETE FROM ${sql.table(shadow)}
				WHERE id IN (SELECT id FROM ${sql.table(shadow)} ORDER BY id LIMIT ${limit})
				RETURNING ${sql.raw(COLUMNS)}
			)
			INSERT INTO children (${sql.raw(COLUMNS)}) OVERRIDING SYSTEM VALUE
			SELECT ${sql.raw(COLUMNS)} FROM m ORDER BY id`.execute(trx);
		await sql`ALTER TABLE children ENABLE TRIGGER children_changes_ins`.execute(trx);
		return Number(r.numAffectedRows ?? 0);
	});
}
