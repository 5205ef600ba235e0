-- 0016: imports. A children's home keeps the id its source gave it, so importing the same file
-- again updates the same rows instead of adding copies (NULL for rows made in the app or the
-- seed: PostgreSQL's unique index lets any number of NULLs through). Each user's last column
-- mapping per kind is kept, so next month's file from the same office maps itself.

ALTER TABLE children_homes ADD COLUMN source_id text;
CREATE UNIQUE INDEX children_homes_source_idx ON children_homes (source_id);

CREATE TABLE import_mappings (
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind text NOT NULL,
	mapping jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, kind)
);
