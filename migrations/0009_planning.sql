-- 0009: planners' saved siting scenarios (/planning).
--
-- A scenario holds what the planner chose (the reach, how many new sites) and the answer: the
-- sites in order with each one's gain, and the coverage at each reach. Every figure in it is a
-- sum of released grid-cell counts (services/planning.ts), never an exact count of children,
-- so a saved scenario tells its reader nothing the map does not. Scoped like everything else:
-- a scenario belongs to its author and to the jurisdiction it was made for.
CREATE TABLE planning_scenarios (
	id serial PRIMARY KEY,
	user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	jurisdiction text NOT NULL,
	name text NOT NULL,
	radius_m integer NOT NULL,
	k integer NOT NULL,
	-- [{ kind, ref, name, lon, lat, gain }] in the order chosen
	sites jsonb NOT NULL,
	-- { base, total, all, byReach: { "500": n, "1000": n, "2000": n }, curve: [..] }
	summary jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX planning_scenarios_owner ON planning_scenarios (user_id, jurisdiction, created_at DESC);
