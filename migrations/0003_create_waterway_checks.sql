-- 0003: which waterway segments need the four items (the rule, with its reasons), field checks
-- of the items (idempotent by client UUID, so an offline phone can retry safely), photos, and
-- the append-only history of every item state.

CREATE TABLE settings (
	key text PRIMARY KEY,
	value jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now(),
	updated_by bigint REFERENCES users (id)
);
INSERT INTO settings (key, value) VALUES ('segment_rule_radius_m', '500');

-- Result of the rule for every segment: recomputed from the data by
-- repositories/segment-rule.ts whenever children, sites or waterways change.
CREATE TABLE segment_requirements (
	waterway_id bigint PRIMARY KEY REFERENCES waterways (id) ON DELETE CASCADE,
	required boolean NOT NULL,
	radius_m double precision NOT NULL,
	near_kinds text[] NOT NULL DEFAULT '{}',
	children_within integer NOT NULL DEFAULT 0,
	nearest_m double precision,
	nearest_kind text,
	computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX segment_requirements_required_idx ON segment_requirements (required);

CREATE TABLE equipment_checks (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	client_uuid uuid NOT NULL,
	waterway_id bigint NOT NULL REFERENCES waterways (id) ON DELETE CASCADE,
	user_id bigint NOT NULL REFERENCES users (id),
	recorded_at timestamptz NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	position geometry(Point, 4326),
	note text,
	CONSTRAINT equipment_checks_note_chk CHECK (note IS NULL OR length(note) <= 1000)
);
CREATE UNIQUE INDEX equipment_checks_client_uuid_uq ON equipment_checks (client_uuid);
CREATE INDEX equipment_checks_waterway_idx ON equipment_checks (waterway_id, recorded_at DESC);
CREATE INDEX equipment_checks_position_gix ON equipment_checks USING gist (position);

CREATE TABLE photos (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	check_id bigint NOT NULL REFERENCES equipment_checks (id) ON DELETE CASCADE,
	item text,
	mime text NOT NULL,
	bytes bytea NOT NULL,
	width integer NOT NULL,
	height integer NOT NULL,
	taken_at timestamptz,
	gps geometry(Point, 4326),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT photos_mime_chk CHECK (mime IN ('image/jpeg', 'image/webp')),
	CONSTRAINT photos_size_chk CHECK (octet_length(bytes) <= 3000000)
);
CREATE INDEX photos_check_idx ON photos (check_id);
CREATE INDEX photos_gps_gix ON photos USING gist (gps);

-- Every state an item slot has had, never overwritten: seeded states, then each check.
CREATE TABLE equipment_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	waterway_id bigint NOT NULL REFERENCES waterways (id) ON DELETE CASCADE,
	item text NOT NULL,
	status text NOT NULL,
	at timestamptz NOT NULL,
	check_id bigint REFERENCES equipment_checks (id),
	user_id bigint REFERENCES users (id),
	photo_id bigint REFERENCES photos (id),
	note text,
	CONSTRAINT equipment_events_item_chk CHECK (item IN ('sign', 'buoy', 'rope', 'pole', 'barrier')),
	CONSTRAINT equipment_events_status_chk CHECK (status IN ('present', 'missing', 'damaged', 'used', 'unknown'))
);
CREATE INDEX equipment_events_waterway_idx ON equipment_events (waterway_id, at DESC);
CREATE INDEX equipment_events_at_idx ON equipment_events (at);

CREATE FUNCTION equipment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'equipment_events is append-only';
END;
$$;
CREATE TRIGGER equipment_events_no_change BEFORE UPDATE OR DELETE ON equipment_events
	FOR EACH ROW EXECUTE FUNCTION equipment_events_append_only();

ALTER TABLE safety_equipment
	ADD COLUMN checked_by bigint REFERENCES users (id),
	ADD COLUMN photo_id bigint REFERENCES photos (id);
