-- 0011: the campaign tables' points get the GiST index every geometry column here has. Targets are
-- read by distance (the phone's own order, targets near a hazard) and by area on the map; check
-- positions and photo GPS are compared with their target's point. 0010 is left as it landed.

CREATE INDEX campaign_targets_geom_gist ON campaign_targets USING gist (geom);
CREATE INDEX target_checks_position_gist ON target_checks USING gist (position);
CREATE INDEX hazard_photos_gps_gist ON hazard_photos USING gist (gps);
