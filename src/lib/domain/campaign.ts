// Flood-season hazard campaigns (汛期隐患排查): what a campaign targets, why each target is on its
// list, and the checklist each kind of target is checked against. Pure rules and wire formats.

export const TARGET_KINDS = [
	'institution',
	'segment',
	'children_home',
	'station',
	'village',
	'field'
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Things found in the field that were not on the map (a worker adds them as targets). */
export const FIELD_KINDS = ['pit', 'well', 'fence', 'flooded_road', 'other'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const CHECKLISTS = ['institution', 'home', 'household', 'waterway', 'field'] as const;
export type Checklist = (typeof CHECKLISTS)[number];

/**
 * The default items of each checklist (labels are i18n keys `cl.<checklist>.<item>`):
 * - around a child institution: buildings, enclosing wall, hillside, water body, fire safety,
 *   school bus, hygiene;
 * - a home environment (children's homes, stations): electricity, gas, water, fire, food safety;
 * - a household visit (入户走访, a village with children near incomplete water): the guardians'
 *   flood-season supervision, the children's drowning-prevention education (the "six don'ts"),
 *   the water around the home (ponds, wells, tanks), electricity, fire safety. Village targets
 *   of campaigns made before it (migration 0033) keep the home environment list they were made
 *   with: a target's checklist is stored on its row;
 * - a waterway: the four items and barriers;
 * - a point found in the field: is it made safe, is it marked.
 */
export const DEFAULT_CHECKLIST_ITEMS: Record<Checklist, readonly string[]> = {
	institution: ['buildings', 'wall', 'hillside', 'water', 'fire', 'bus', 'hygiene'],
	home: ['electricity', 'gas', 'water', 'fire', 'food'],
	household: ['guardian', 'education', 'nearby_water', 'electricity', 'fire'],
	waterway: ['sign', 'buoy', 'rope', 'pole', 'barrier'],
	field: ['secured', 'marked']
};

/**
 * The checklist a new target of each kind is checked against. A target keeps the checklist it
 * was made with (campaign_targets.checklist): read that, not this, for an existing target.
 */
export const CHECKLIST_OF: Record<TargetKind, Checklist> = {
	institution: 'institution',
	segment: 'waterway',
	children_home: 'home',
	station: 'home',
	village: 'household',
	field: 'field'
};

export const ANSWERS = ['ok', 'hazard', 'na'] as const;
export type Answer = (typeof ANSWERS)[number];

/** A campaign's target rules, as the administrator sets them. */
export interface TargetRules {
	/** an institution within this many metres of water is flagged */
	institutionWaterM: number;
	/** a village with children within this many metres of incomplete water is a visit target */
	villageWaterM: number;
	institutions: boolean;
	segments: boolean;
	homes: boolean;
	stations: boolean;
	villages: boolean;
}

export const DEFAULT_RULES: TargetRules = {
	institutionWaterM: 200,
	villageWaterM: 500,
	institutions: true,
	segments: true,
	homes: true,
	stations: true,
	villages: true
};

/** The bounds of the administrator's distances (metres). */
export const RULE_DISTANCE_MIN_M = 10;
export const RULE_DISTANCE_MAX_M = 2000;

/** How far the nearest water is looked for around a point target (beyond: "none near"). */
export const NEAREST_WATER_SEARCH_M = 2000;

/**
 * Why a target is on the list, as data (the page words it in the reader's language):
 * - near_water: an institution within the rule's distance of water (flagged);
 * - institution: every child institution (not near water);
 * - incomplete: a segment that needs the four items and lacks some (usable of 4);
 * - every_home / every_station: every children's home and Sunshine Station;
 * - children_near_water: a village with children near incomplete water (released count);
 * - field: added in the field by a worker.
 */
export type TargetReason =
	| { code: 'near_water'; distanceM: number; water: string; limitM: number }
	| { code: 'institution'; limitM: number }
	| { code: 'incomplete'; usable: number }
	| { code: 'every_home' }
	| { code: 'every_station' }
	| { code: 'children_near_water'; children: number; limitM: number }
	| { code: 'field'; fieldKind: FieldKind };

/** A campaign is open for checks from its first to its last day (inclusive, as instants). */
export function campaignOpen(c: { startsAt: Date; endsAt: Date }, now: Date): boolean {
	return c.startsAt.getTime() <= now.getTime() && now.getTime() < c.endsAt.getTime();
}

/**
 * The answers of one check, held to its checklist: every item answered once, nothing else. A
 * list of items is passed in (not the default) because a checklist may change mid-campaign;
 * answers already given keep their own item and label.
 */
export function checkAnswers(
	items: readonly string[],
	answers: readonly { item: string; answer: string }[]
): { ok: true } | { ok: false; reason: 'cp.err.item' | 'cp.err.missing' } {
	const seen = new Set<string>();
	for (const a of answers) {
		if (!items.includes(a.item) || seen.has(a.item)) return { ok: false, reason: 'cp.err.item' };
		if (!(ANSWERS as readonly string[]).includes(a.answer))
			return { ok: false, reason: 'cp.err.item' };
		seen.add(a.item);
	}
	if (seen.size !== items.length) return { ok: false, reason: 'cp.err.missing' };
	return { ok: true };
}

/** Letters a worker can read out over a phone without confusion (no 0/O, 1/I). */
const CODE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A household visit's short code: stable for the target (the same on every phone and every
 * day), so two workers can name the visit aloud, and derived from nothing about a child. The
 * target's id is mixed by an odd multiplier (a bijection on 32 bits) so that neighbouring
 * targets do not read alike.
 */
export function householdCode(targetId: number): string {
	let x = Math.imul(targetId >>> 0, 0x9e3779b1) >>> 0;
	let s = '';
	for (let i = 0; i < 5; i++) {
		s += CODE_LETTERS[x & 31];
		x >>>= 5;
	}
	return s;
}

/**
 * What a phone shows for a household visit (a village with children near incomplete water):
 * its village and the visit's code, never a child's pseudonym, birth date or home.
 */
export function householdLabel(villageName: string, targetId: number): string {
	return `${villageName} · ${householdCode(targetId)}`;
}

/**
 * A target's name wherever it is listed (the phone, the campaign's page, its files, the
 * bulletin): a household visit by its label, so that the desk and the phone call it the same;
 * any other target by its own name.
 */
export function targetName(kind: string, name: string, targetId: number): string {
	return kind === 'village' ? householdLabel(name, targetId) : name;
}
