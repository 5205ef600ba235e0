-- 0010: flood-season hazard campaigns (汛期隐患排查). A campaign lists its targets (each with why it
-- is on the list and who is to visit it), checks of a target answer its checklist item by item
-- (idempotent by the phone's UUID), and each hazard found runs 排查 → 登记 → 整改 → 销号 with every
-- transition logged append-only. The state rules live in src/lib/domain/hazard.ts; the CHECKs
-- here make the database refuse a row that skipped a step all the same.

CREATE TABLE campaigns (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL,
	area_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	starts_at timestamptz NOT NULL,
	ends_at timestamptz NOT NULL,
	rules jsonb NOT NULL,
	created_by bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT campaigns_name_chk CHECK (length(name) BETWEEN 1 AND 100),
	CONSTRAINT campaigns_period_chk CHECK (ends_at > starts_at)
);
CREATE INDEX campaigns_area_idx ON campaigns (area_code);

-- The items of each checklist, in order. Answers copy the label they were given under, so an
-- item renamed or retired mid-campaign leaves the answers already given as they were.
CREATE TABLE checklist_items (
	checklist text NOT NULL,
	item text NOT NULL,
	position smallint NOT NULL,
	active boolean NOT NULL DEFAULT true,
	PRIMARY KEY (checklist, item),
	CONSTRAINT checklist_items_checklist_chk CHECK (checklist IN ('institution', 'home', 'waterway', 'field'))
);
INSERT INTO checklist_items (checklist, item, position) VALUES
	('institution', 'buildings', 1), ('institution', 'wall', 2), ('institution', 'hillside', 3),
	('institution', 'water', 4), ('institution', 'fire', 5), ('institution', 'bus', 6),
	('institution', 'hygiene', 7),
	('home', 'electricity', 1), ('home', 'gas', 2), ('home', 'water', 3), ('home', 'fire', 4),
	('home', 'food', 5),
	('waterway', 'sign', 1), ('waterway', 'buoy', 2), ('waterway', 'rope', 3), ('waterway', 'pole', 4),
	('waterway', 'barrier', 5),
	('field', 'secured', 1), ('field', 'marked', 2);

CREATE TABLE campaign_targets (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	kind text NOT NULL,
	-- the institution, segment, home or station (none for a village or a field point)
	source_id bigint,
	name text NOT NULL,
	-- the township or village the target lies in: assignment and scope go by it
	area_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	-- where to go: the site, a segment's midpoint, a village's centre, a field point
	geom geometry(Point, 4326) NOT NULL,
	checklist text NOT NULL,
	reason jsonb NOT NULL,
	flagged boolean NOT NULL DEFAULT false,
	nearest_water text,
	nearest_water_m double precision,
	assignee_id bigint REFERENCES users (id),
	added_by bigint REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT campaign_targets_kind_chk CHECK (
		kind IN ('institution', 'segment', 'children_home', 'station', 'village', 'field')
	),
	CONSTRAINT campaign_targets_checklist_chk CHECK (checklist IN ('institution', 'home', 'waterway', 'field'))
);
CREATE UNIQUE INDEX campaign_targets_source_uq ON campaign_targets (campaign_id, kind, source_id)
	WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX campaign_targets_village_uq ON campaign_targets (campaign_id, area_code)
	WHERE kind = 'village';
CREATE INDEX campaign_targets_campaign_idx ON campaign_targets (campaign_id, area_code);
CREATE INDEX campaign_targets_assignee_idx ON campaign_targets (assignee_id);

CREATE TABLE target_checks (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	client_uuid uuid NOT NULL,
	target_id bigint NOT NULL REFERENCES campaign_targets (id) ON DELETE CASCADE,
	user_id bigint NOT NULL REFERENCES users (id),
	recorded_at timestamptz NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	position geometry(Point, 4326),
	note text,
	CONSTRAINT target_checks_note_chk CHECK (note IS NULL OR length(note) <= 1000)
);
CREATE UNIQUE INDEX target_checks_client_uuid_uq ON target_checks (client_uuid);
CREATE INDEX target_checks_target_idx ON target_checks (target_id, recorded_at DESC);

CREATE TABLE check_answers (
	check_id bigint NOT NULL REFERENCES target_checks (id) ON DELETE CASCADE,
	item text NOT NULL,
	answer text NOT NULL,
	note text,
	PRIMARY KEY (check_id, item),
	CONSTRAINT check_answers_answer_chk CHECK (answer IN ('ok', 'hazard', 'na')),
	CONSTRAINT check_answers_note_chk CHECK (note IS NULL OR length(note) <= 500)
);

CREATE TABLE hazards (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	target_id bigint NOT NULL REFERENCES campaign_targets (id) ON DELETE CASCADE,
	check_id bigint REFERENCES target_checks (id),
	item text NOT NULL,
	description text NOT NULL DEFAULT '',
	state text NOT NULL DEFAULT 'found',
	found_by bigint NOT NULL REFERENCES users (id),
	found_at timestamptz NOT NULL,
	severity text,
	responsible text,
	deadline timestamptz,
	registered_by bigint REFERENCES users (id),
	registered_at timestamptz,
	fix_note text,
	fixed_by bigint REFERENCES users (id),
	fixed_at timestamptz,
	closed_by bigint REFERENCES users (id),
	closed_at timestamptz,
	CONSTRAINT hazards_state_chk CHECK (state IN ('found', 'registered', 'fixed', 'closed')),
	CONSTRAINT hazards_severity_chk CHECK (severity IS NULL OR severity IN ('general', 'major', 'serious')),
	-- no state without the steps before it
	CONSTRAINT hazards_registered_chk CHECK (
		state = 'found' OR (severity IS NOT NULL AND responsible IS NOT NULL AND deadline IS NOT NULL
			AND registered_by IS NOT NULL)
	),
	CONSTRAINT hazards_fixed_chk CHECK (state NOT IN ('fixed', 'closed') OR fixed_by IS NOT NULL),
	CONSTRAINT hazards_closed_chk CHECK (
		state <> 'closed' OR (closed_by IS NOT NULL AND closed_by <> fixed_by)
	)
);
CREATE INDEX hazards_target_idx ON hazards (target_id);
CREATE INDEX hazards_open_idx ON hazards (state, deadline) WHERE state <> 'closed';

-- The after photo of a fix (and later, photos of a finding).
CREATE TABLE hazard_photos (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hazard_id bigint NOT NULL REFERENCES hazards (id) ON DELETE CASCADE,
	stage text NOT NULL,
	mime text NOT NULL,
	bytes bytea NOT NULL,
	width integer NOT NULL,
	height integer NOT NULL,
	taken_at timestamptz,
	gps geometry(Point, 4326),
	user_id bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT hazard_photos_stage_chk CHECK (stage IN ('found', 'after')),
	CONSTRAINT hazard_photos_mime_chk CHECK (mime IN ('image/jpeg', 'image/webp')),
	CONSTRAINT hazard_photos_size_chk CHECK (octet_length(bytes) <= 3000000)
);
CREATE INDEX hazard_photos_hazard_idx ON hazard_photos (hazard_id);

-- Every transition, never changed: who moved the hazard from which state to which, and why.
CREATE TABLE hazard_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hazard_id bigint NOT NULL REFERENCES hazards (id) ON DELETE CASCADE,
	from_state text,
	to_state text NOT NULL,
	user_id bigint NOT NULL REFERENCES users (id),
	at timestamptz NOT NULL DEFAULT now(),
	note text,
	detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX hazard_events_hazard_idx ON hazard_events (hazard_id, id);

CREATE FUNCTION hazard_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- a whole campaign may still be deleted (the cascade from hazards)
	IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM hazards WHERE id = OLD.hazard_id) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'hazard_events is append-only';
END;
$$;
CREATE TRIGGER hazard_events_no_change BEFORE UPDATE OR DELETE ON hazard_events
	FOR EACH ROW EXECUTE FUNCTION hazard_events_append_only();
