// Accounts for a staffed province (bench/lib/campaigns.ts): the demo has township staff and
// village directors in a few places only, so a province-wide launch there assigns ~60 of its
// ~78,000 targets. A province in use has a township's staff in every township and a child
// director in every village, and then every target gets a holder. The bench's accounts for that
// are active only while it launches one such campaign. They are kept, inactive, between runs
// rather than deleted: deleting 28,000 users checks every table that names a user, two of them
// (equipment checks and events, 370,000 rows) without an index on that column, for each one.
// Inactive accounts hold no target, are offered as no assignee and cannot sign in (and no
// password hash verifies); adding them moves no data version (only a new river chief does, 0021).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/lib/server/db/schema';

/** The bench's accounts: "bench.staff.<code>" and "bench.director.<code>". */
const MINE = sql`(username LIKE 'bench.staff.%' OR username LIKE 'bench.director.%')`;

/**
 * An active township staff account in every township and a director in every village under
 * `prefix` (added the first time, activated again later). Returns how many were switched on.
 */
export async function activateStaff(db: Kysely<DB>, prefix: string): Promise<number> {
	await sql`
		INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code, active)
		SELECT CASE level WHEN 'township' THEN 'bench.staff.' ELSE 'bench.director.' END || code,
			'bench ' || name, '-',
			CASE level WHEN 'township' THEN 'township_staff' ELSE 'village_director' END, code, false
		FROM admin_units
		WHERE level IN ('township', 'village') AND code LIKE ${prefix + '%'}
		ON CONFLICT DO NOTHING`.execute(db);
	const n = await setActive(db, true);
	// What autovacuum's analyze would do on a server that runs it (the CI machine's PostgreSQL
	// does not: autovacuum = off). Without it each connection keeps the plan of its foreign-key
	// check on users made while the table held the demo's few accounts, a sequential scan: a
	// staffed launch on such a connection then scanned 28,000 accounts for each of its 78,000
	// targets (30-57 s instead of ~2 s, on every other launch of a freshly derived database).
	// ANALYZE gives the planner the table as it now is and makes every connection plan again.
	await sql`ANALYZE users`.execute(db);
	return n;
}

/**
 * Switch the bench's accounts on or off in one transaction that says the data version has
 * been seen to: only `active` changes, which moves no version, but the version trigger of 0008
 * would otherwise join the statement's old and new rows (28,000 each, without statistics) to
 * find that out, ~1 minute on the bench machine.
 */
async function setActive(db: Kysely<DB>, active: boolean): Promise<number> {
	return db.transaction().execute(async (trx) => {
		await sql`SELECT set_config('tongan.data_version_moved', 'yes', true)`.execute(trx);
		const r = await sql`
			UPDATE users SET active = ${active} WHERE ${MINE} AND active <> ${active}`.execute(trx);
		return Number(r.numAffectedRows ?? 0);
	});
}

/** Deactivate the bench's accounts (also those an interrupted run left active). */
export async function deactivateStaff(db: Kysely<DB>): Promise<number> {
	return setActive(db, false);
}
