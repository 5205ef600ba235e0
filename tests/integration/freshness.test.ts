// One path for every change (issue 11, item 5; migration 0008): a write to any table the map
// shows moves the data version by trigger, once per transaction, whoever wrote it; a statement
// that changed nothing does not move it; noted changes move it when they are applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import { applyDataChanges } from '../../src/lib/server/services/derived-data';

describe.each(testEngines())('the data version on %s', (engine) => {
	let d: TestDatabase;
	let segment: number;
	let user: number;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		segment = Number(
			(await sql<{ id: string }>`SELECT min(waterway_id) AS id FROM safety_equipment`.execute(d.db))
				.rows[0].id
		);
		user = Number(
			(await sql<{ id: string }>`SELECT min(id) AS id FROM users`.execute(d.db)).rows[0].id
		);
		// the fixture's townships have no Sunshine Station
		await sql`INSERT INTO sunshine_stations (name, admin_code, geom)
			SELECT '测试驿站', code, center FROM admin_units WHERE level = 'township' LIMIT 1`.execute(d.db);
	});
	afterAll(async () => {
		await d?.close();
	});

	const version = async () =>
		Number(
			(
				await sql<{
					v: string | null;
				}>`SELECT value AS v FROM app_meta WHERE key = 'data_version'`.execute(d.db)
			).rows[0]?.v ?? 0
		);
	/** How far `write` moves the version. */
	const moves = async (write: () => Promise<unknown>) => {
		const v0 = await version();
		await write();
		return (await version()) - v0;
	};

	it.each([
		[
			'an item state (safety_equipment)',
			() => sql`UPDATE safety_equipment SET status = CASE WHEN status = 'present' THEN 'missing' ELSE 'present' END
				WHERE waterway_id = ${segment} AND item = 'sign'`
		],
		[
			'a check (equipment_checks)',
			() => sql`INSERT INTO equipment_checks (client_uuid, waterway_id, user_id, recorded_at)
				VALUES (gen_random_uuid(), ${segment}, ${user}, now())`
		],
		[
			'an item event (equipment_events)',
			() => sql`INSERT INTO equipment_events (waterway_id, item, status, at)
				VALUES (${segment}, 'rope', 'present', now())`
		],
		[
			"the rule's answer (segment_requirements)",
			() => sql`UPDATE segment_requirements SET computed_at = now() WHERE waterway_id = ${segment}`
		],
		[
			"the rule's settings (settings)",
			() => sql`UPDATE settings SET updated_at = now() WHERE key = 'segment_rule_radius_m'`
		],
		[
			"a segment's river chief (waterways)",
			() => sql`UPDATE waterways SET river_chief_id = CASE WHEN river_chief_id IS NULL THEN ${user}::bigint END
				WHERE id = ${segment}`
		],
		[
			"a user's name (users: lists show and filter by river chief)",
			() => sql`UPDATE users SET display_name = display_name || '·' WHERE id = ${user}`
		],
		// names and descriptions the map's popups, lists and exports show (migration 0027): only
		// places and what the derived data reads are noted (0004, 0005), so a re-import that
		// renamed a home left every cache showing its old name
		[
			"a children's home's name (children_homes)",
			() =>
				sql`UPDATE children_homes SET name = name || '·' WHERE id = (SELECT min(id) FROM children_homes)`
		],
		[
			"an institution's capacity (institutions)",
			() => sql`UPDATE institutions SET capacity = coalesce(capacity, 0) + 1
				WHERE id = (SELECT min(id) FROM institutions)`
		],
		[
			"a Sunshine Station's services (sunshine_stations)",
			() => sql`UPDATE sunshine_stations SET services = services || '·'
				WHERE id = (SELECT min(id) FROM sunshine_stations)`
		],
		[
			"a segment's name (waterways)",
			() => sql`UPDATE waterways SET name = name || '·' WHERE id = ${segment}`
		],
		[
			"a village's name (admin_units)",
			() => sql`UPDATE admin_units SET name = name || '·'
				WHERE code = (SELECT min(code) FROM admin_units WHERE level = 'village')`
		]
	])('moves by one for %s', async (_what, write) => {
		expect(await moves(() => write().execute(d.db))).toBe(1);
	});

	it("does not move for a user's sign-in bookkeeping", async () => {
		expect(
			await moves(() =>
				sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = ${user}`.execute(
					d.db
				)
			)
		).toBe(0);
	});

	it('moves once for a bulk update of many rows, and not for their unshown columns', async () => {
		// row triggers with a condition (0027): the statement triggers joined a bulk update's old
		// and new rows without statistics, and an update of every account took minutes
		expect(
			await moves(() => sql`UPDATE users SET display_name = display_name || '·'`.execute(d.db))
		).toBe(1);
		expect(
			await moves(() => sql`UPDATE users SET failed_logins = failed_logins`.execute(d.db))
		).toBe(0);
		expect(
			await moves(() =>
				sql`UPDATE waterways SET river_chief_id = CASE WHEN river_chief_id IS NULL THEN ${user}::bigint END`.execute(
					d.db
				)
			)
		).toBe(1);
		expect(
			await moves(() =>
				sql`UPDATE children_homes SET synthetic = synthetic, name = name`.execute(d.db)
			)
		).toBe(0);
	});

	it('does not move for a statement that changed no row', async () => {
		expect(
			await moves(() => sql`UPDATE safety_equipment SET note = note WHERE false`.execute(d.db))
		).toBe(0);
		expect(
			await moves(() => sql`DELETE FROM segment_requirements WHERE waterway_id = -1`.execute(d.db))
		).toBe(0);
		// a segment's other columns: its geometry is noted for the derived data (0004) instead
		expect(
			await moves(() =>
				sql`UPDATE waterways SET river_chief_id = river_chief_id WHERE id = ${segment}`.execute(
					d.db
				)
			)
		).toBe(0);
	});

	it('moves once for a transaction that writes several tables (as a check does)', async () => {
		expect(
			await moves(() =>
				d.db.transaction().execute(async (trx) => {
					await sql`INSERT INTO equipment_events (waterway_id, item, status, at)
						VALUES (${segment}, 'pole', 'missing', now())`.execute(trx);
					await sql`UPDATE safety_equipment SET status = 'missing'
						WHERE waterway_id = ${segment} AND item = 'pole'`.execute(trx);
					await sql`UPDATE segment_requirements SET computed_at = now() WHERE waterway_id = ${segment}`.execute(
						trx
					);
				})
			)
		).toBe(1);
		// and again for the next transaction
		expect(
			await moves(() =>
				sql`UPDATE settings SET updated_at = now() WHERE key = 'segment_rule_radius_m'`.execute(
					d.db
				)
			)
		).toBe(1);
	});

	it('moves for a noted change when it is applied, not before', async () => {
		expect(
			await moves(() =>
				sql`UPDATE children_homes SET area_m2 = coalesce(area_m2, 0) + 1
					WHERE id = (SELECT min(id) FROM children_homes)`.execute(d.db)
			)
		).toBe(0);
		expect(await moves(() => applyDataChanges(d.db))).toBe(1);
		// nothing left to apply: nothing moves
		expect(await moves(() => applyDataChanges(d.db))).toBe(0);
	});
});
