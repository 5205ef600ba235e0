-- 0024: what the applied changes touched, per source table. Applying noted changes (0004)
-- deletes them from data_changes; this keeps a running count per source in app_meta
-- ('applied:<source>'), so that a reader can tell which of its inputs moved since it last
-- looked. The analysis engine re-reads its 300,000 residences only when children changed, not
-- after every four-item check (which moves only the data version): on the embedded engine that
-- re-read held the one session for many seconds after each check.
CREATE FUNCTION count_applied_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO app_meta (key, value, updated_at)
	SELECT 'applied:' || source, count(*)::text, now() FROM old_rows GROUP BY source
	ON CONFLICT (key) DO UPDATE
		SET value = (app_meta.value::bigint + excluded.value::bigint)::text, updated_at = now();
	RETURN NULL;
END
$fn$;

CREATE TRIGGER data_changes_count_applied AFTER DELETE ON data_changes
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION count_applied_changes();
