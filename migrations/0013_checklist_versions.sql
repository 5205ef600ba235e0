-- 0013: checklists by target type, edited per campaign and versioned. A campaign starts on the
-- default set (checklist_items, "version 0", no row here); each administrator's edit (add,
-- rename, reorder, retire, restore) stores the whole list again as the next version, so a check
-- can name the exact list it answered and keep its labels after the list has moved on. Items
-- keep their key across versions (a rename changes the label only); a retired item stays in the
-- list, marked, so its answers and hazards still read by name.

CREATE TABLE checklist_versions (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	checklist text NOT NULL,
	version integer NOT NULL,
	-- [{ "item": key, "label": text or null (the default wording), "retired": bool }], in order
	items jsonb NOT NULL,
	-- the edit that made this version from the one before (op, item, label…)
	edit jsonb NOT NULL,
	created_by bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT checklist_versions_checklist_chk CHECK (checklist IN ('institution', 'home', 'waterway', 'field')),
	CONSTRAINT checklist_versions_version_chk CHECK (version >= 1),
	CONSTRAINT checklist_versions_items_chk CHECK (jsonb_typeof(items) = 'array')
);
CREATE UNIQUE INDEX checklist_versions_uq ON checklist_versions (campaign_id, checklist, version);

-- The version a check answered; null: the default set (every check made before any edit).
ALTER TABLE target_checks ADD COLUMN checklist_version_id bigint REFERENCES checklist_versions (id);
CREATE INDEX target_checks_version_idx ON target_checks (checklist_version_id)
	WHERE checklist_version_id IS NOT NULL;
