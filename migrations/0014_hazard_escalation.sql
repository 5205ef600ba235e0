-- 0014: a hazard's steps enforced by the database itself, and supervision of overdue hazards by
-- the level above (挂牌督办).
--
-- 1. The CHECKs of 0010 refuse a row that lacks the fields of the steps before it, but a raw
--    UPDATE could still set state from 'found' to 'fixed' with made-up fields, or close a hazard
--    that never had an after photo. This trigger allows exactly the transitions of
--    src/lib/domain/hazard.ts (TRANSITIONS): found → registered → fixed → closed, and
--    fixed → registered (a verifier sends the fix back). As advance() does, entering 'fixed'
--    needs an after photo, and closing needs the after photo and a verifier other than the
--    fixer. A closed hazard is final (the domain offers no action from it). Messages start with
--    "hazards_" like the CHECKs' names, so a refusal reads the same whichever guard caught it.
--    Inserts are left to the CHECKs: a check creates hazards as 'found', and tests and imports
--    load hazards in later states with all their fields.
CREATE FUNCTION hazards_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.state = OLD.state THEN
		IF OLD.state = 'closed' AND NEW IS DISTINCT FROM OLD THEN
			RAISE EXCEPTION 'hazards_transition: a closed hazard is final (%)', OLD.id
				USING ERRCODE = 'check_violation';
		END IF;
		RETURN NEW;
	END IF;
	IF (OLD.state, NEW.state) NOT IN (
		('found', 'registered'), ('registered', 'fixed'), ('fixed', 'closed'), ('fixed', 'registered')
	) THEN
		RAISE EXCEPTION 'hazards_transition: % -> % skips or reverses a step (%)',
			OLD.state, NEW.state, OLD.id USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.state IN ('fixed', 'closed') AND NOT EXISTS (
		SELECT 1 FROM hazard_photos p WHERE p.hazard_id = NEW.id AND p.stage = 'after'
	) THEN
		RAISE EXCEPTION 'hazards_after_photo: % needs an after photo (%)', NEW.state, OLD.id
			USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.state = 'closed' AND (
		NEW.fixed_by IS NULL OR NEW.closed_by IS NULL OR NEW.closed_by = NEW.fixed_by
	) THEN
		RAISE EXCEPTION 'hazards_verifier: closing needs a verifier other than the fixer (%)', OLD.id
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER hazards_guard_transition BEFORE UPDATE ON hazards
	FOR EACH ROW EXECUTE FUNCTION hazards_guard_transition();

-- 2. 挂牌督办: an open hazard past its deadline is supervised by its county (level 1), and seven
--    days later by its prefecture (level 2). One row per hazard and level, written the first time
--    anyone reads hazards after it fell due (and at server start), never changed. `due_at` is
--    when it fell due by the rule (src/lib/domain/escalation.ts), not when it was noticed, so the
--    record does not depend on when someone happened to look. `supervisor_code` is the county's
--    or prefecture's code: the users of that unit see what was escalated to them.
CREATE TABLE hazard_escalations (
	hazard_id bigint NOT NULL REFERENCES hazards (id) ON DELETE CASCADE,
	level smallint NOT NULL,
	supervisor_code text COLLATE "C" NOT NULL,
	due_at timestamptz NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (hazard_id, level),
	CONSTRAINT hazard_escalations_level_chk CHECK (level IN (1, 2)),
	CONSTRAINT hazard_escalations_code_chk CHECK (supervisor_code ~ '^[0-9]{12}$')
);
CREATE INDEX hazard_escalations_supervisor_idx ON hazard_escalations (supervisor_code, level);

CREATE FUNCTION hazard_escalations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- a whole campaign may still be deleted (the cascade from hazards)
	IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM hazards WHERE id = OLD.hazard_id) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'hazard_escalations is append-only';
END;
$$;
CREATE TRIGGER hazard_escalations_no_change BEFORE UPDATE OR DELETE ON hazard_escalations
	FOR EACH ROW EXECUTE FUNCTION hazard_escalations_append_only();
