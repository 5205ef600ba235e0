-- 0021: a new river chief moves the data version. Segment lists offer their area's river chiefs
-- as a filter, and that list is now kept per data version (services/segment-table.ts) like the
-- rows: 0008 moved the version when a user's name, role or area changed, not when a user was
-- added, so a chief created in this or another process would not be offered until some other
-- change. Only a river chief: other new accounts change nothing a list or map shows. The
-- function is 0008's (once per transaction, however many rows).
CREATE TRIGGER users_version_ins AFTER INSERT ON users REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (NEW.role = 'river_chief') EXECUTE FUNCTION move_data_version();
