-- 0002: accounts, sessions, emergency declarations and the append-only audit log.
-- Every user has one role and one jurisdiction (an administrative code); the policy module
-- (src/lib/server/auth/policy.ts) turns them into what may be read or written.

CREATE TABLE users (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username text NOT NULL,
	display_name text NOT NULL,
	password_hash text NOT NULL,
	role text NOT NULL,
	jurisdiction_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	active boolean NOT NULL DEFAULT true,
	totp_secret text,
	totp_enabled boolean NOT NULL DEFAULT false,
	failed_logins integer NOT NULL DEFAULT 0,
	locked_until timestamptz,
	password_changed_at timestamptz NOT NULL DEFAULT now(),
	created_at timestamptz NOT NULL DEFAULT now(),
	created_by bigint REFERENCES users (id),
	CONSTRAINT users_username_chk CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
	CONSTRAINT users_role_chk CHECK (
		role IN (
			'province_admin', 'prefecture_admin', 'county_admin', 'river_chief', 'emergency',
			'township_staff', 'village_director', 'planner'
		)
	)
);
CREATE UNIQUE INDEX users_username_uq ON users (username);
CREATE INDEX users_jurisdiction_idx ON users (jurisdiction_code);

-- The session id stored here is the SHA-256 of the cookie token: a leaked table cannot be
-- replayed as cookies.
CREATE TABLE sessions (
	id text PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_seen_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	second_factor_ok boolean NOT NULL DEFAULT false,
	ip text,
	user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

ALTER TABLE waterways
	ADD CONSTRAINT waterways_river_chief_fk FOREIGN KEY (river_chief_id) REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX waterways_river_chief_idx ON waterways (river_chief_id);

CREATE TABLE emergency_declarations (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	area_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	starts_at timestamptz NOT NULL,
	ends_at timestamptz NOT NULL,
	reason text NOT NULL,
	declared_by bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT emergency_window_chk CHECK (ends_at > starts_at),
	CONSTRAINT emergency_reason_chk CHECK (length(trim(reason)) > 0)
);
CREATE INDEX emergency_declarations_area_idx ON emergency_declarations (area_code, ends_at);

CREATE TABLE audit_log (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	user_id bigint REFERENCES users (id),
	username text,
	role text,
	action text NOT NULL,
	resource text,
	-- the administrative code the record concerns: administrators search within their own
	jurisdiction_code text COLLATE "C",
	purpose text,
	emergency_id bigint REFERENCES emergency_declarations (id),
	ip text,
	user_agent text,
	detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_jurisdiction_idx ON audit_log (jurisdiction_code, at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);

-- Append-only: no update, no delete, whoever asks.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
