-- 0018: every kind an administrator imports keeps the id its source gave it, so importing the
-- same file again updates the same rows instead of adding copies (NULL for rows made in the app
-- or the seed: a unique index lets any number of NULLs through). River-chief assignments and
-- equipment states name a segment by this id; children's homes got theirs in 0016.

ALTER TABLE waterways ADD COLUMN source_id text;
CREATE UNIQUE INDEX waterways_source_idx ON waterways (source_id);

ALTER TABLE sunshine_stations ADD COLUMN source_id text;
CREATE UNIQUE INDEX sunshine_stations_source_idx ON sunshine_stations (source_id);

ALTER TABLE institutions ADD COLUMN source_id text;
CREATE UNIQUE INDEX institutions_source_idx ON institutions (source_id);

-- the roster's own record id (never an identity-card number: the import refuses those); the
-- pseudonym stays a random one made here
ALTER TABLE children ADD COLUMN source_id text;
CREATE UNIQUE INDEX children_source_idx ON children (source_id);
