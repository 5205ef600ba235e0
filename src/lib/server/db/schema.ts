// Kysely table types. Geometry columns are typed as `unknown`: they are only ever read through
// ST_AsGeoJSON / ST_X / ST_Y or written through ST_GeomFromGeoJSON / ST_MakePoint in SQL.
// Over 400 lines on purpose: one type per table, all in one place, checked against the migrated
// database by tests/integration/schema-types.test.ts.
import type { ColumnType, Generated } from 'kysely';

type Geometry = unknown;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AppMetaTable {
	key: string;
	value: string;
	updated_at: GeneratedTimestamp;
}

export interface SchemaMigrationsTable {
	version: number;
	name: string;
	applied_at: GeneratedTimestamp;
	/** SHA-256 of the file as applied (null until the first start that keeps checksums) */
	checksum: string | null;
}

export interface AdminUnitsTable {
	code: string;
	level: 'province' | 'prefecture' | 'county' | 'township' | 'village';
	name: string;
	parent_code: string | null;
	geom: Geometry | null;
	center: Geometry;
	synthetic_geom: Generated<boolean>;
}

export interface WaterwaysTable {
	id: Generated<number>;
	kind: 'river' | 'canal' | 'lake_shore' | 'pond' | 'reservoir' | 'ditch';
	name: string;
	county_code: string;
	township_code: string;
	geom: Geometry;
	length_m: number;
	synthetic: Generated<boolean>;
	river_chief_id: number | null;
	/** the id its import source gave it (migration 0018); null when made in the app */
	source_id: Generated<string | null>;
}

export interface SafetyEquipmentTable {
	waterway_id: number;
	item: 'sign' | 'buoy' | 'rope' | 'pole' | 'barrier';
	status: Generated<'present' | 'missing' | 'damaged' | 'used' | 'unknown'>;
	/** the time of the state held: the newest check of the item, a rescue's included */
	checked_at: Timestamp | null;
	note: string | null;
	checked_by: number | null;
	photo_id: number | null;
	/** the item's newest inspection: a rescue's use leaves it (migration 0032) */
	inspected_at: Timestamp | null;
}

export interface ChildrenTable {
	id: Generated<number>;
	pseudonym: string;
	village_code: string;
	birth_date: ColumnType<Date, string, string>;
	categories: string[];
	residence: Geometry;
	synthetic: Generated<boolean>;
	/** fixed random key of the record for cell-key perturbation (domain/disclosure.ts) */
	record_key: Generated<number>;
	/** the id its import source gave it (migration 0018); null when made in the app */
	source_id: Generated<string | null>;
}

/** Key sums are reduced modulo KEY_MODULUS; bigint columns, read as float8 or summed in SQL. */
type KeySum = ColumnType<string | number, number | undefined, number>;

export interface ChildCountsTable {
	code: string;
	total: number;
	left_behind: number;
	in_difficulty: number;
	total_key: KeySum;
	left_behind_key: KeySum;
	in_difficulty_key: KeySum;
	/** what every reader shows: perturbed by releaseUnitCounts */
	total_released: Generated<number>;
	left_behind_released: Generated<number>;
	in_difficulty_released: Generated<number>;
}

export interface ChildCellsTable {
	level: number;
	x: number;
	y: number;
	township_code: string;
	total: number;
	left_behind: number;
	in_difficulty: number;
	total_key: KeySum;
	left_behind_key: KeySum;
	in_difficulty_key: KeySum;
}

export interface ChildrenHomesTable {
	id: Generated<number>;
	name: string;
	village_code: string;
	area_m2: number;
	status: Generated<'open' | 'suspended' | 'closed'>;
	geom: Geometry;
	synthetic: Generated<boolean>;
	/** the id its import source gave it (migration 0016); null when made in the app */
	source_id: string | null;
}

export interface SunshineStationsTable {
	id: Generated<number>;
	name: string;
	admin_code: string;
	services: Generated<string>;
	geom: Geometry;
	synthetic: Generated<boolean>;
	/** the id its import source gave it (migration 0018); null when made in the app */
	source_id: Generated<string | null>;
}

export interface InstitutionsTable {
	id: Generated<number>;
	kind: 'school' | 'kindergarten' | 'welfare' | 'rescue_protection' | 'workstation';
	name: string;
	admin_code: string;
	capacity: number | null;
	geom: Geometry;
	synthetic: Generated<boolean>;
	/** the id its import source gave it (migration 0018); null when made in the app */
	source_id: Generated<string | null>;
}

/** Boxes of changed rows, noted by triggers (migration 0004) until derived data follows. */
export interface DataChangesTable {
	id: Generated<number>;
	source: string;
	west: number;
	south: number;
	east: number;
	north: number;
	townships: Generated<string[]>;
	noted_at: GeneratedTimestamp;
}

/** One field check of a segment, stored once per client UUID (migration 0003). */
export interface EquipmentChecksTable {
	id: Generated<number>;
	client_uuid: string;
	waterway_id: number;
	user_id: number;
	recorded_at: Timestamp;
	received_at: GeneratedTimestamp;
	position: Geometry | null;
	note: string | null;
	/** an inspection, or the record of items used in a rescue (migration 0032) */
	kind: Generated<'inspection' | 'rescue'>;
}

/** Append-only history of every item state (migration 0003). */
export interface EquipmentEventsTable {
	id: Generated<number>;
	waterway_id: number;
	item: 'sign' | 'buoy' | 'rope' | 'pole' | 'barrier';
	status: 'present' | 'missing' | 'damaged' | 'used' | 'unknown';
	at: Timestamp;
	check_id: number | null;
	user_id: number | null;
	photo_id: number | null;
	note: string | null;
}

export interface PhotosTable {
	id: Generated<number>;
	check_id: number;
	item: string | null;
	mime: string;
	bytes: Uint8Array;
	width: number;
	height: number;
	taken_at: Timestamp | null;
	gps: Geometry | null;
	created_at: GeneratedTimestamp;
}

/** The four-item rule's answer per segment, with its reasons (segment rule). */
export interface SegmentRequirementsTable {
	waterway_id: number;
	required: boolean;
	radius_m: number;
	near_kinds: Generated<string[]>;
	children_within: Generated<number>;
	nearest_m: number | null;
	nearest_kind: string | null;
	computed_at: GeneratedTimestamp;
}

export interface SettingsTable {
	key: string;
	value: unknown;
	updated_at: GeneratedTimestamp;
	updated_by: number | null;
}

export interface DB {
	app_meta: AppMetaTable;
	schema_migrations: SchemaMigrationsTable;
	admin_units: AdminUnitsTable;
	waterways: WaterwaysTable;
	safety_equipment: SafetyEquipmentTable;
	children: ChildrenTable;
	child_counts: ChildCountsTable;
	child_cells: ChildCellsTable;
	children_homes: ChildrenHomesTable;
	sunshine_stations: SunshineStationsTable;
	institutions: InstitutionsTable;
	users: UsersTable;
	sessions: SessionsTable;
	emergency_declarations: EmergencyDeclarationsTable;
	audit_log: AuditLogTable;
	login_throttle: LoginThrottleTable;
	data_changes: DataChangesTable;
	equipment_checks: EquipmentChecksTable;
	equipment_events: EquipmentEventsTable;
	photos: PhotosTable;
	segment_requirements: SegmentRequirementsTable;
	settings: SettingsTable;
	planning_scenarios: PlanningScenariosTable;
	campaigns: CampaignsTable;
	checklist_items: ChecklistItemsTable;
	campaign_targets: CampaignTargetsTable;
	target_checks: TargetChecksTable;
	check_answers: CheckAnswersTable;
	hazards: HazardsTable;
	hazard_photos: HazardPhotosTable;
	hazard_events: HazardEventsTable;
	hazard_escalations: HazardEscalationsTable;
	check_photos: CheckPhotosTable;
	import_mappings: ImportMappingsTable;
	import_staging: ImportStagingTable;
	checklist_versions: ChecklistVersionsTable;
	annual_figures: AnnualFiguresTable;
}

/** The stock figures of an area's annual report, kept per year (migration 0031). */
export interface AnnualFiguresTable {
	area_code: string;
	year: number;
	taken_at: Date;
	figures: ColumnType<unknown, string, string>;
}

/** A campaign's edited checklist, whole, one row per version (migration 0013). */
export interface ChecklistVersionsTable {
	id: Generated<number>;
	campaign_id: number;
	checklist: import('../../domain/campaign').Checklist;
	version: number;
	items: ColumnType<unknown, string, string>;
	edit: ColumnType<unknown, string, string>;
	created_by: number;
	created_at: GeneratedTimestamp;
}

/** Each user's last column mapping per import kind (migration 0016). */
export interface ImportMappingsTable {
	user_id: number;
	kind: string;
	mapping: ColumnType<unknown, string, string>;
	updated_at: GeneratedTimestamp;
}

/** An import's rows between the check and the apply (migration 0022). */
export interface ImportStagingTable {
	stage: string;
	n: number;
	row: ColumnType<unknown, string, string>;
	staged_at: GeneratedTimestamp;
}

/** A flood-season hazard campaign (migration 0010). */
export interface CampaignsTable {
	id: Generated<number>;
	name: string;
	area_code: string;
	starts_at: Timestamp;
	ends_at: Timestamp;
	rules: ColumnType<unknown, string, string>;
	created_by: number;
	created_at: GeneratedTimestamp;
}

export interface ChecklistItemsTable {
	checklist: import('../../domain/campaign').Checklist;
	item: string;
	position: number;
	active: Generated<boolean>;
}

export interface CampaignTargetsTable {
	id: Generated<number>;
	campaign_id: number;
	kind: import('../../domain/campaign').TargetKind;
	source_id: number | null;
	name: string;
	area_code: string;
	geom: Geometry;
	checklist: import('../../domain/campaign').Checklist;
	reason: ColumnType<unknown, string, string>;
	flagged: Generated<boolean>;
	nearest_water: string | null;
	nearest_water_m: number | null;
	assignee_id: number | null;
	added_by: number | null;
	created_at: GeneratedTimestamp;
	/** the phone's id of a target added in the field (migration 0012) */
	client_uuid: string | null;
}

export interface TargetChecksTable {
	id: Generated<number>;
	client_uuid: string;
	target_id: number;
	user_id: number;
	recorded_at: Timestamp;
	received_at: GeneratedTimestamp;
	position: Geometry | null;
	note: string | null;
	/** the checklist version answered; null: the default set (migration 0013) */
	checklist_version_id: Generated<number | null>;
}

export interface CheckAnswersTable {
	check_id: number;
	item: string;
	answer: import('../../domain/campaign').Answer;
	note: string | null;
}

export interface HazardsTable {
	id: Generated<number>;
	target_id: number;
	check_id: number | null;
	item: string;
	description: Generated<string>;
	state: Generated<import('../../domain/hazard').HazardState>;
	found_by: number;
	found_at: Timestamp;
	severity: import('../../domain/hazard').HazardSeverity | null;
	responsible: string | null;
	deadline: Timestamp | null;
	registered_by: number | null;
	registered_at: Timestamp | null;
	fix_note: string | null;
	fixed_by: number | null;
	fixed_at: Timestamp | null;
	closed_by: number | null;
	closed_at: Timestamp | null;
}

export interface HazardPhotosTable {
	id: Generated<number>;
	hazard_id: number;
	stage: 'found' | 'after';
	mime: string;
	bytes: Uint8Array;
	width: number;
	height: number;
	taken_at: Timestamp | null;
	gps: Geometry | null;
	user_id: number;
	created_at: GeneratedTimestamp;
}

/** A target check's photo, uploaded after the check with tus into UPLOAD_DIR (migration 0012). */
export interface CheckPhotosTable {
	id: Generated<number>;
	upload_id: string;
	check_id: number;
	user_id: number;
	item: string | null;
	size_bytes: ColumnType<number, number, number>;
	complete: Generated<boolean>;
	sha256: string | null;
	taken_at: Timestamp | null;
	gps: Geometry | null;
	stamp: string | null;
	created_at: GeneratedTimestamp;
	completed_at: Timestamp | null;
}

/** Append-only log of every hazard transition (migration 0010). */
export interface HazardEventsTable {
	id: Generated<number>;
	hazard_id: number;
	from_state: string | null;
	to_state: string;
	user_id: number;
	at: GeneratedTimestamp;
	note: string | null;
	detail: ColumnType<unknown, string | undefined, never>;
	/** the phone's UUID for the step (migration 0030): a step sent again is not taken twice */
	client_uuid: ColumnType<string | null, string | null | undefined, never>;
}

/** 挂牌督办: an overdue hazard supervised by its county (1) or prefecture (2); append-only (0014). */
export interface HazardEscalationsTable {
	hazard_id: number;
	level: number;
	supervisor_code: string;
	due_at: Timestamp;
	recorded_at: GeneratedTimestamp;
}

export interface UsersTable {
	id: Generated<number>;
	username: string;
	display_name: string;
	password_hash: string;
	role: import('../auth/roles').Role;
	jurisdiction_code: string;
	active: Generated<boolean>;
	totp_secret: string | null;
	totp_enabled: Generated<boolean>;
	failed_logins: Generated<number>;
	locked_until: Timestamp | null;
	/** the last TOTP time step accepted (migration 0006) */
	totp_last_step: ColumnType<string | number | null, number | null | undefined, number | null>;
	password_changed_at: GeneratedTimestamp;
	created_at: GeneratedTimestamp;
	created_by: number | null;
}

/** Failed sign-ins per (typed name, client address), and per address with username '' (0006). */
export interface LoginThrottleTable {
	username: string;
	address: string;
	failures: number;
	first_failed_at: Timestamp;
	locked_until: Timestamp | null;
}

export interface SessionsTable {
	id: string;
	user_id: number;
	created_at: GeneratedTimestamp;
	last_seen_at: GeneratedTimestamp;
	expires_at: Timestamp;
	second_factor_ok: Generated<boolean>;
	ip: string | null;
	user_agent: string | null;
}

export interface EmergencyDeclarationsTable {
	id: Generated<number>;
	area_code: string;
	starts_at: Timestamp;
	ends_at: Timestamp;
	reason: string;
	declared_by: number;
	created_at: GeneratedTimestamp;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: GeneratedTimestamp;
	user_id: number | null;
	username: string | null;
	role: string | null;
	action: string;
	resource: string | null;
	jurisdiction_code: string | null;
	purpose: string | null;
	emergency_id: number | null;
	ip: string | null;
	user_agent: string | null;
	detail: ColumnType<Record<string, unknown>, string | undefined, never>;
}

/** A planner's saved siting scenario (migration 0009); figures are sums of released cells. */
export interface PlanningScenariosTable {
	id: Generated<number>;
	user_id: number;
	jurisdiction: string;
	name: string;
	radius_m: number;
	k: number;
	sites: ColumnType<unknown, string, string>;
	summary: ColumnType<unknown, string, string>;
	created_at: GeneratedTimestamp;
}
