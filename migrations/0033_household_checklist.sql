-- 0033: household visits (入户走访: a village whose children live near water missing its rescue
-- items) get a checklist of their own, 'household', about drowning: the guardians told of their
-- flood-season supervision, the children taught the "six don'ts", the water around the home
-- (ponds, wells, tanks), then electricity and fire. They were checked against the children's
-- home list ('home': electricity, gas, water, fire, food safety), which asks nothing of the
-- reason the visit is made.
--
-- New campaigns' village targets take it (domain/campaign.ts CHECKLIST_OF). A target keeps the
-- checklist it was made with (campaign_targets.checklist), so the village targets of campaigns
-- already made stay on 'home', their checks and hazards as they were.

ALTER TABLE checklist_items DROP CONSTRAINT checklist_items_checklist_chk;
ALTER TABLE checklist_items ADD CONSTRAINT checklist_items_checklist_chk
	CHECK (checklist IN ('institution', 'home', 'household', 'waterway', 'field'));

ALTER TABLE campaign_targets DROP CONSTRAINT campaign_targets_checklist_chk;
ALTER TABLE campaign_targets ADD CONSTRAINT campaign_targets_checklist_chk
	CHECK (checklist IN ('institution', 'home', 'household', 'waterway', 'field'));

ALTER TABLE checklist_versions DROP CONSTRAINT checklist_versions_checklist_chk;
ALTER TABLE checklist_versions ADD CONSTRAINT checklist_versions_checklist_chk
	CHECK (checklist IN ('institution', 'home', 'household', 'waterway', 'field'));

-- the default set (version 0 of every campaign's household checklist), in the order asked
INSERT INTO checklist_items (checklist, item, position) VALUES
	('household', 'guardian', 1), ('household', 'education', 2), ('household', 'nearby_water', 3),
	('household', 'electricity', 4), ('household', 'fire', 5);
