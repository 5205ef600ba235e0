// The Kysely schema types (src/lib/server/db/schema.ts) describe the migrated database exactly,
// on both engines: every table and every column. COLUMNS is checked against the types by the
// compiler (every table of DB, every column of each, nothing else) and against the database here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import type { DB } from '../../src/lib/server/db/schema';

type Columns = { readonly [T in keyof DB]: readonly (keyof DB[T] & string)[] };
/** The typed columns a list leaves out (never when it has them all). */
type Missing<C extends Columns> = {
	[T in keyof DB]: Exclude<keyof DB[T], C[T][number]>;
}[keyof DB];
/** Compile-time: `true` only when nothing is missing; otherwise the missing names, and an error. */
type Complete<C extends Columns> = [Missing<C>] extends [never] ? true : Missing<C>;

const COLUMNS = {
	app_meta: ['key', 'value', 'updated_at'],
	schema_migrations: ['version', 'name', 'applied_at', 'checksum'],
	admin_units: ['code', 'level', 'name', 'parent_code', 'geom', 'center', 'synthetic_geom'],
	waterways: [
		'id',
		'kind',
		'name',
		'county_code',
		'township_code',
		'geom',
		'length_m',
		'synthetic',
		'river_chief_id',
		'source_id'
	],
	safety_equipment: [
		'waterway_id',
		'item',
		'status',
		'checked_at',
		'note',
		'checked_by',
		'photo_id',
		'inspected_at'
	],
	children: [
		'id',
		'pseudonym',
		'village_code',
		'birth_date',
		'categories',
		'residence',
		'synthetic',
		'record_key',
		'source_id'
	],
	child_counts: [
		'code',
		'total',
		'left_behind',
		'in_difficulty',
		'total_key',
		'left_behind_key',
		'in_difficulty_key',
		'total_released',
		'left_behind_released',
		'in_difficulty_released'
	],
	child_cells: [
		'level',
		'x',
		'y',
		'township_code',
		'total',
		'left_behind',
		'in_difficulty',
		'total_key',
		'left_behind_key',
		'in_difficulty_key'
	],
	children_homes: [
		'id',
		'name',
		'village_code',
		'area_m2',
		'status',
		'geom',
		'synthetic',
		'source_id'
	],
	sunshine_stations: ['id', 'name', 'admin_code', 'services', 'geom', 'synthetic', 'source_id'],
	institutions: ['id', 'kind', 'name', 'admin_code', 'capacity', 'geom', 'synthetic', 'source_id'],
	users: [
		'id',
		'username',
		'display_name',
		'password_hash',
		'role',
		'jurisdiction_code',
		'active',
		'totp_secret',
		'totp_enabled',
		'failed_logins',
		'locked_until',
		'totp_last_step',
		'password_changed_at',
		'created_at',
		'created_by'
	],
	sessions: [
		'id',
		'user_id',
		'created_at',
		'last_seen_at',
		'expires_at',
		'second_factor_ok',
		'ip',
		'user_agent'
	],
	emergency_declarations: [
		'id',
		'area_code',
		'starts_at',
		'ends_at',
		'reason',
		'declared_by',
		'created_at'
	],
	audit_log: [
		'id',
		'at',
		'user_id',
		'username',
		'role',
		'action',
		'resource',
		'jurisdiction_code',
		'purpose',
		'emergency_id',
		'ip',
		'user_agent',
		'detail'
	],
	login_throttle: ['username', 'address', 'failures', 'first_failed_at', 'locked_until'],
	data_changes: ['id', 'source', 'west', 'south', 'east', 'north', 'townships', 'noted_at'],
	equipment_checks: [
		'id',
		'client_uuid',
		'waterway_id',
		'user_id',
		'recorded_at',
		'received_at',
		'position',
		'note',
		'kind'
	],
	equipment_events: [
		'id',
		'waterway_id',
		'item',
		'status',
		'at',
		'check_id',
		'user_id',
		'photo_id',
		'note'
	],
	photos: [
		'id',
		'check_id',
		'item',
		'mime',
		'bytes',
		'width',
		'height',
		'taken_at',
		'gps',
		'created_at'
	],
	segment_requirements: [
		'waterway_id',
		'required',
		'radius_m',
		'near_kinds',
		'children_within',
		'nearest_m',
		'nearest_kind',
		'computed_at'
	],
	settings: ['key', 'value', 'updated_at', 'updated_by'],
	planning_scenarios: [
		'id',
		'user_id',
		'jurisdiction',
		'name',
		'radius_m',
		'k',
		'sites',
		'summary',
		'created_at'
	],
	campaigns: [
		'id',
		'name',
		'area_code',
		'starts_at',
		'ends_at',
		'rules',
		'created_by',
		'created_at'
	],
	checklist_items: ['checklist', 'item', 'position', 'active'],
	campaign_targets: [
		'id',
		'campaign_id',
		'kind',
		'source_id',
		'name',
		'area_code',
		'geom',
		'checklist',
		'reason',
		'flagged',
		'nearest_water',
		'nearest_water_m',
		'assignee_id',
		'added_by',
		'client_uuid',
		'created_at'
	],
	target_checks: [
		'id',
		'client_uuid',
		'target_id',
		'user_id',
		'recorded_at',
		'received_at',
		'position',
		'note',
		'checklist_version_id'
	],
	check_answers: ['check_id', 'item', 'answer', 'note'],
	hazards: [
		'id',
		'target_id',
		'check_id',
		'item',
		'description',
		'state',
		'found_by',
		'found_at',
		'severity',
		'responsible',
		'deadline',
		'registered_by',
		'registered_at',
		'fix_note',
		'fixed_by',
		'fixed_at',
		'closed_by',
		'closed_at'
	],
	hazard_photos: [
		'id',
		'hazard_id',
		'stage',
		'mime',
		'bytes',
		'width',
		'height',
		'taken_at',
		'gps',
		'user_id',
		'created_at'
	],
	hazard_events: [
		'id',
		'hazard_id',
		'from_state',
		'to_state',
		'user_id',
		'at',
		'note',
		'detail',
		'client_uuid'
	],
	hazard_escalations: ['hazard_id', 'level', 'supervisor_code', 'due_at', 'recorded_at'],
	check_photos: [
		'id',
		'upload_id',
		'check_id',
		'user_id',
		'item',
		'size_bytes',
		'complete',
		'sha256',
		'taken_at',
		'gps',
		'stamp',
		'created_at',
		'completed_at'
	],
	import_mappings: ['user_id', 'kind', 'mapping', 'updated_at'],
	import_staging: ['stage', 'n', 'row', 'staged_at'],
	checklist_versions: [
		'id',
		'campaign_id',
		'checklist',
		'version',
		'items',
		'edit',
		'created_by',
		'created_at'
	],
	annual_figures: ['area_code', 'year', 'taken_at', 'figures']
} as const satisfies Columns;
const complete: Complete<typeof COLUMNS> = true;

describe.each(testEngines())('schema types on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	it('type every table and every column of the migrated database, and nothing else', async () => {
		expect(complete).toBe(true);
		const r = await sql<{ t: string; c: string }>`
			SELECT table_name AS t, column_name AS c FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name <> 'spatial_ref_sys'
				AND table_name IN (SELECT table_name FROM information_schema.tables
					WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`.execute(d.db);
		const inDb = new Map<string, string[]>();
		for (const { t, c } of r.rows) inDb.set(t, [...(inDb.get(t) ?? []), c]);
		expect([...inDb.keys()].sort()).toEqual(Object.keys(COLUMNS).sort());
		for (const [t, cols] of Object.entries(COLUMNS))
			expect([...(inDb.get(t) ?? [])].sort(), t).toEqual([...cols].sort());
	});
});
