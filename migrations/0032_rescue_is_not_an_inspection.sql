-- 0032: a rescue's use of items is not an inspection. Emergency staff record the items a rescue
-- used (services/emergency.ts) as a check whose slots are "used": the items' state must follow
-- (they now need replacing), but the segment was not inspected. Until now the rescue moved the
-- segment's last inspection (最近检查: the list, the map's panel, the exports), read from the
-- items' checked_at.
--
-- equipment_checks.kind tells the two apart. safety_equipment keeps checked_at as the time of the
-- state it holds (the newest check of the item wins, rescue or not) and gains inspected_at, the
-- newest inspection of the item (a field check, an import, the seed), which a rescue leaves as it
-- was. "Last checked" is read from inspected_at.

ALTER TABLE equipment_checks ADD COLUMN kind text NOT NULL DEFAULT 'inspection'
	CONSTRAINT equipment_checks_kind_chk CHECK (kind IN ('inspection', 'rescue'));

-- Rescues recorded before this: each was audited in the same transaction as its check, with
-- purpose 'emergency_rescue', the check's id in detail.check and the segment as resource
-- (services/emergency.ts since rescues were first recorded). The audit log is append-only, so
-- every rescue has its row. A field check is audited with no purpose, so none is taken for one.
UPDATE equipment_checks c SET kind = 'rescue'
FROM audit_log a
WHERE a.action = 'equipment_check' AND a.purpose = 'emergency_rescue'
	AND jsonb_typeof(a.detail -> 'check') = 'number'
	AND (a.detail ->> 'check')::bigint = c.id
	AND a.resource = 'waterway:' || c.waterway_id;

ALTER TABLE safety_equipment ADD COLUMN inspected_at timestamptz;

-- An item's newest inspection: its state's time, unless that state came from a rescue, then
-- the newest event of the item that is not a rescue's (none: never inspected).
UPDATE safety_equipment se SET inspected_at = CASE
	WHEN EXISTS (
		SELECT 1 FROM equipment_events ev JOIN equipment_checks c ON c.id = ev.check_id
		WHERE ev.waterway_id = se.waterway_id AND ev.item = se.item AND c.kind = 'rescue'
			AND ev.at >= se.checked_at
	) THEN (
		SELECT max(ev.at) FROM equipment_events ev LEFT JOIN equipment_checks c ON c.id = ev.check_id
		WHERE ev.waterway_id = se.waterway_id AND ev.item = se.item
			AND c.kind IS DISTINCT FROM 'rescue' AND ev.at <= se.checked_at
	)
	ELSE se.checked_at
END
WHERE se.checked_at IS NOT NULL;
