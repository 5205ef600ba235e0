-- 0012: field work on a phone. A target check's photos arrive after the check, resumable (tus),
-- into files under UPLOAD_DIR; each is one row here from its first byte, keyed by the phone's
-- own id for the photo, so a batch sent again never adds a second copy. A target found in the
-- field carries the phone's id too, so an add sent twice from the outbox is stored once.

CREATE TABLE check_photos (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- the phone's id for the photo; also the tus upload's id and the file's name
	upload_id uuid NOT NULL,
	check_id bigint NOT NULL REFERENCES target_checks (id) ON DELETE CASCADE,
	user_id bigint NOT NULL REFERENCES users (id),
	item text,
	size_bytes bigint NOT NULL,
	complete boolean NOT NULL DEFAULT false,
	sha256 text,
	-- where and when the photo was taken, as stamped on the image
	taken_at timestamptz,
	gps geometry(Point, 4326),
	stamp text,
	created_at timestamptz NOT NULL DEFAULT now(),
	completed_at timestamptz,
	CONSTRAINT check_photos_size_chk CHECK (size_bytes > 0 AND size_bytes <= 20000000),
	CONSTRAINT check_photos_stamp_chk CHECK (stamp IS NULL OR length(stamp) <= 200),
	CONSTRAINT check_photos_complete_chk CHECK (NOT complete OR (sha256 IS NOT NULL AND completed_at IS NOT NULL))
);
CREATE UNIQUE INDEX check_photos_upload_uq ON check_photos (upload_id);
CREATE INDEX check_photos_check_idx ON check_photos (check_id);
CREATE INDEX check_photos_gps_gist ON check_photos USING gist (gps);

ALTER TABLE campaign_targets ADD COLUMN client_uuid uuid;
CREATE UNIQUE INDEX campaign_targets_client_uuid_uq ON campaign_targets (client_uuid)
	WHERE client_uuid IS NOT NULL;
