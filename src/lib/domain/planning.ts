// The planning page's wire formats and limits, shared by the browser and the server.
//
// Privacy: every figure of children in planning is a sum of released grid cells
// (level-17 cells, about 265 m, the finest the map shows, released per jurisdiction by
// tiles/children-cells.ts). A cell counts as covered when its centre lies within the reach of a
// site. Moving a site therefore changes an answer only when a cell centre crosses the circle,
// and then by that cell's released value, which the map already shows: differencing answers
// can never trace where one child lives (tests/integration/planning-privacy.test.ts plays it).

/** The reaches the page offers and a scenario is summarised at (metres). */
export const REACHES = [500, 1000, 2000] as const;
export const MIN_RADIUS_M = 100;
export const MAX_RADIUS_M = 5000;
export const MAX_K = 100;
/** Most points a planner may place as extra candidates at once. */
export const MAX_PLACED = 50;
/** The grid level demand is read at: the map's finest released cells. */
export const DEMAND_LEVEL = 17;

/** A released grid cell: its centre and its released (perturbed) count. */
export interface DemandCell {
	lon: number;
	lat: number;
	n: number;
}

/**
 * A released cell that no usable site reaches at the smallest reach: `from` is the index in
 * REACHES of the first reach that covers it (REACHES.length when none does). The map's layer of
 * uncovered demand at REACHES[i] draws the cells with `from > i`; `n` is the cell's released
 * value, the very figure the children tiles show for it.
 */
export interface UncoveredCell extends DemandCell {
	from: number;
}

/**
 * `moved`: a site the planner dragged off its candidate. It is no longer that village's centre
 * or that home, so it carries neither's name nor code (ref '' and name '', see siteName).
 */
export type CandidateKind = 'village' | 'upgrade' | 'placed' | 'moved';

/** Why an existing children's home does not count (and is an upgrade candidate). */
export type NotCountingReason = 'closed' | 'suspended' | 'small';

export interface Candidate {
	kind: CandidateKind;
	/** village code, home id, or the placed point's number */
	ref: string;
	name: string;
	lon: number;
	lat: number;
	reason?: NotCountingReason;
}

/** A site dragged to (lon, lat): a planned point of its own, nothing of where it was kept. */
export function movedSite(lon: number, lat: number): Candidate {
	return { kind: 'moved', ref: '', name: '', lon, lat };
}

/** The name a site is shown and exported under: a moved one's is the locale's label. */
export function siteName(s: Candidate, t: (key: 'plan.movedName') => string): string {
	return s.kind === 'moved' ? t('plan.movedName') : s.name;
}

export interface ChosenSite extends Candidate {
	/** released children newly covered by this site after those before it */
	gain: number;
}

export interface SitingAnswer {
	radiusM: number;
	k: number;
	sites: ChosenSite[];
	/** released children covered by existing usable homes and stations */
	base: number;
	/** with the new sites */
	total: number;
	/** every released child of the jurisdiction's cells */
	all: number;
	/** greedy alone (before swaps), and its covered total after 1..k sites */
	greedyTotal: number;
	curve: number[];
	swaps: number;
	ms: number;
}

export interface ScenarioSummary {
	base: number;
	total: number;
	all: number;
	/** covered with the scenario's sites at each of REACHES */
	byReach: Record<string, number>;
	newSites: number;
	upgrades: number;
}

export interface Scenario {
	id: number;
	name: string;
	radiusM: number;
	k: number;
	createdAt: string;
	sites: ChosenSite[];
	summary: ScenarioSummary;
}

/**
 * The plan's threshold for an extra child director: a village with more than this many
 * left-behind children and children in difficulty (the two released counts added).
 */
export const DIRECTOR_THRESHOLD = 30;

/** Released counts of children by category (each the released figure of its area). */
export interface ByCategory {
	total: number;
	leftBehind: number;
	inDifficulty: number;
}

/**
 * One village: its released counts, the metres from its centre to the nearest usable home or
 * station, whether it is covered at each of REACHES (its centre within the reach), and its flags.
 */
export interface VillageCoverage {
	code: string;
	name: string;
	township: string;
	lon: number;
	lat: number;
	counts: ByCategory;
	/** nearest usable home or Sunshine Station, metres (null when there is none) */
	nearestM: number | null;
	/** covered at each reach, in the order of REACHES */
	covered: boolean[];
	homes: number;
	/** the village's child directors where known (empty: none recorded) */
	directors: string[];
	/** more than DIRECTOR_THRESHOLD left-behind and in difficulty: needs an extra director */
	needsExtraDirector: boolean;
}

/** A township's (or the jurisdiction's) released children and those covered at each reach. */
export interface AreaCoverage {
	code: string;
	name: string;
	all: ByCategory;
	/** covered at each of REACHES: sums of the released counts of covered villages */
	covered: ByCategory[];
}

/**
 * Whether an area is planned in directly. Above the county a planner first chooses a county:
 * a province's demand is some 290,000 released cells and its village table tens of thousands
 * of rows, far more than a browser's what-if or a person can use at once (and 27 MB a load).
 */
export function plansDirectly(level: string): boolean {
	return level !== 'province' && level !== 'prefecture';
}

/** Coverage at the village level the area chooser shows, at CHOOSER_REACH_M. */
export const CHOOSER_REACH_M = 1000;

/**
 * One prefecture or county of the area chooser. `children` is the unit's own released count
 * (the dashboard's); the coverage is a share of villages and a share of the summed released
 * village counts, never a count of children, so it states no figure that is not already shown.
 */
export interface AreaChoice {
	code: string;
	name: string;
	level: 'prefecture' | 'county';
	children: number;
	villages: number;
	/** villages whose centre has a usable home or Sunshine Station within CHOOSER_REACH_M */
	villagesCovered: number;
	/** covered villages' released counts over all villages' released counts, in [0, 1] */
	childShare: number | null;
}
