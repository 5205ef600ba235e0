-- 0001: the core geography of TongAn.
-- Administrative ladder, waterway segments with their four drowning-prevention item slots,
-- child residences (pseudonymous), and every child-related site. Storage SRID is 4326
-- (CGCS2000 ≈ WGS84 at map scale); distances are computed on geography or in UTM, never in
-- Web Mercator metres. Jurisdiction = administrative code prefix, so every code column uses
-- the "C" collation: `code LIKE '4210%'` then walks the btree instead of scanning.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE app_meta (
	key text PRIMARY KEY,
	value text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_units (
	code text COLLATE "C" PRIMARY KEY,
	level text NOT NULL,
	name text NOT NULL,
	parent_code text COLLATE "C" REFERENCES admin_units (code),
	geom geometry(MultiPolygon, 4326),
	center geometry(Point, 4326) NOT NULL,
	synthetic_geom boolean NOT NULL DEFAULT false,
	CONSTRAINT admin_units_code_chk CHECK (code ~ '^[0-9]{12}$'),
	CONSTRAINT admin_units_level_chk CHECK (
		level IN ('province', 'prefecture', 'county', 'township', 'village')
	)
);
CREATE INDEX admin_units_parent_idx ON admin_units (parent_code);
CREATE INDEX admin_units_level_idx ON admin_units (level, code);
CREATE INDEX admin_units_geom_gix ON admin_units USING gist (geom);
CREATE INDEX admin_units_center_gix ON admin_units USING gist (center);

CREATE TABLE waterways (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind text NOT NULL,
	name text NOT NULL,
	county_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	township_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	geom geometry(LineString, 4326) NOT NULL,
	length_m double precision NOT NULL,
	synthetic boolean NOT NULL DEFAULT false,
	-- assigned river chief; the accounts migration adds the foreign key to users
	river_chief_id bigint,
	CONSTRAINT waterways_kind_chk CHECK (
		kind IN ('river', 'canal', 'lake_shore', 'pond', 'reservoir', 'ditch')
	),
	CONSTRAINT waterways_length_chk CHECK (length_m > 0)
);
CREATE INDEX waterways_township_idx ON waterways (township_code);
CREATE INDEX waterways_county_idx ON waterways (county_code);
CREATE INDEX waterways_geom_gix ON waterways USING gist (geom);

-- The four "四个一" slots (sign, buoy, rope, pole) plus the optional barrier slot.
-- One row per (segment, item) holds the current state; history comes with the
-- equipment-check issue as an append-only table.
CREATE TABLE safety_equipment (
	waterway_id bigint NOT NULL REFERENCES waterways (id) ON DELETE CASCADE,
	item text NOT NULL,
	status text NOT NULL DEFAULT 'unknown',
	checked_at timestamptz,
	note text,
	PRIMARY KEY (waterway_id, item),
	CONSTRAINT safety_equipment_item_chk CHECK (item IN ('sign', 'buoy', 'rope', 'pole', 'barrier')),
	CONSTRAINT safety_equipment_status_chk CHECK (
		status IN ('present', 'missing', 'damaged', 'used', 'unknown')
	)
);

-- Child residences. Pseudonymous: no name, no ID number; the exact point never leaves the
-- server except to roles allowed to see it (accounts issue). Aggregates below serve the map.
CREATE TABLE children (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	pseudonym text NOT NULL UNIQUE,
	village_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	birth_date date NOT NULL,
	categories text[] NOT NULL,
	residence geometry(Point, 4326) NOT NULL,
	synthetic boolean NOT NULL DEFAULT false,
	CONSTRAINT children_categories_chk CHECK (
		cardinality(categories) > 0
		AND categories <@ ARRAY[
			'left_behind_rural', 'left_behind_urban', 'orphan', 'hiv_affected', 'de_facto_unsupported',
			'severely_disabled', 'seriously_ill', 'low_income_family', 'guardianship_missing',
			'migrant', 'single_parent'
		]::text[]
	)
);
CREATE INDEX children_village_idx ON children (village_code);
CREATE INDEX children_residence_gix ON children USING gist (residence);

-- Counts of children per administrative unit (every level), refreshed from `children`.
CREATE TABLE child_counts (
	code text COLLATE "C" PRIMARY KEY REFERENCES admin_units (code),
	total integer NOT NULL,
	left_behind integer NOT NULL,
	in_difficulty integer NOT NULL
);

-- Counts of children per square grid cell and township. A cell at level L is the XYZ (Web
-- Mercator) tile (L, x, y): cells are only for counting, never for measuring, so the
-- projection's scale error does not matter here. Levels 7..17 (≈270 km .. 260 m across in
-- Hubei). Rows are split by township so that a query scoped to a jurisdiction sums only its
-- own children; suppression (<5) is applied after summing.
CREATE TABLE child_cells (
	level smallint NOT NULL,
	x integer NOT NULL,
	y integer NOT NULL,
	township_code text COLLATE "C" NOT NULL,
	total integer NOT NULL,
	left_behind integer NOT NULL,
	in_difficulty integer NOT NULL,
	PRIMARY KEY (level, x, y, township_code)
);

CREATE TABLE children_homes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL,
	village_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	area_m2 numeric(7, 1) NOT NULL,
	status text NOT NULL DEFAULT 'open',
	geom geometry(Point, 4326) NOT NULL,
	synthetic boolean NOT NULL DEFAULT false,
	CONSTRAINT children_homes_area_chk CHECK (area_m2 > 0),
	CONSTRAINT children_homes_status_chk CHECK (status IN ('open', 'suspended', 'closed'))
);
CREATE INDEX children_homes_village_idx ON children_homes (village_code);
CREATE INDEX children_homes_geom_gix ON children_homes USING gist (geom);

CREATE TABLE sunshine_stations (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL,
	admin_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	services text NOT NULL DEFAULT '',
	geom geometry(Point, 4326) NOT NULL,
	synthetic boolean NOT NULL DEFAULT false
);
CREATE INDEX sunshine_stations_admin_idx ON sunshine_stations (admin_code);
CREATE INDEX sunshine_stations_geom_gix ON sunshine_stations USING gist (geom);

CREATE TABLE institutions (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind text NOT NULL,
	name text NOT NULL,
	admin_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	capacity integer,
	geom geometry(Point, 4326) NOT NULL,
	synthetic boolean NOT NULL DEFAULT false,
	CONSTRAINT institutions_kind_chk CHECK (
		kind IN ('school', 'kindergarten', 'welfare', 'rescue_protection', 'workstation')
	)
);
CREATE INDEX institutions_admin_idx ON institutions (admin_code);
CREATE INDEX institutions_kind_idx ON institutions (kind);
CREATE INDEX institutions_geom_gix ON institutions USING gist (geom);
