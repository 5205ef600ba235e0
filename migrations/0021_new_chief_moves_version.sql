-- 0021: a new river chief moves the data version. Segment lists offer their area's river chiefs
-- as a filter, and that list is now kept per data version (services/segment-table.ts) like the
-- rows: 0008 moved the version when a user's name, role or area changed, not when a user was
-- added, so a chief created in this or another process would not be offered until some other
-- change. Only a river chief: other new accounts change nothing a list or map shows.
CREATE FUNCTION move_data_version_on_new_chief() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	IF current_setting('tongan.data_version_moved', true) = 'yes' THEN
		RETURN NULL;
	END IF;
	IF EXISTS (SELECT 1 FROM new_rows WHERE role = 'river_chief') THEN
		INSERT INTO app_meta (key, value, updated_at) VALUES ('data_version', '1', now())
		ON CONFLICT (key) DO UPDATE SET value = (app_meta.value::bigint + 1)::text, updated_at = now();
		PERFORM set_config('tongan.data_version_moved', 'yes', true);
	END IF;
	RETURN NULL;
END
$fn$;

CREATE TRIGGER users_version_ins AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION move_data_version_on_new_chief();
