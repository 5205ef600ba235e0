-- 0022: an import's rows are staged before they are applied. The commit loads the rows it will
-- write here in short batches (each its own statement, so other users' queries run between
-- them, even on the embedded engine's single session), then applies them from here in one
-- short transaction with set-based statements: all or nothing still holds, since nothing in
-- the app reads this table. Unlogged: staged rows are scratch, and a crash may lose them
-- (an import interrupted is simply not applied). Rows of an import that never finished are
-- removed by age (services/import-cleanup.ts).
CREATE UNLOGGED TABLE import_staging (
	-- one commit's rows (a random id the commit picks)
	stage text NOT NULL,
	n integer NOT NULL,
	-- the row in its kind's write shape (repositories/import-kinds.ts names the keys)
	row jsonb NOT NULL,
	staged_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (stage, n)
);
CREATE INDEX import_staging_age_idx ON import_staging (staged_at);
