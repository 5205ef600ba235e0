-- 0031: the stock figures of a year's annual report (年度工作进展情况), kept. Children, homes,
-- stations, the four items and coverage are read as they stand when the report is made; nothing
-- dated records them, so the next year's report had nothing to compare them with. Each time the
-- report of the current (Beijing) year is made for an area, its stock figures are kept here for
-- that area and year, the latest replacing the earlier: the last report of a year is that year's
-- record. Only figures every page already releases are kept (children as the released, protected
-- figures), so the table says nothing a report did not.
CREATE TABLE annual_figures (
	area_code text COLLATE "C" NOT NULL REFERENCES admin_units (code),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
	taken_at timestamptz NOT NULL,
	figures jsonb NOT NULL,
	PRIMARY KEY (area_code, year)
);
