// The "四个一" drowning-prevention items (item 14 of the plan): a warning sign, a life buoy,
// a rescue rope and a rescue pole at every waterway near where people live; barriers where
// suitable are a fifth, optional slot that does not count towards completeness.

export const FOUR_ITEMS = ['sign', 'buoy', 'rope', 'pole'] as const;

/** Photos one check may carry (the phone stops at this many, the server refuses more). */
export const MAX_PHOTOS_PER_CHECK = 6;
export const OPTIONAL_ITEMS = ['barrier'] as const;
export const EQUIPMENT_ITEMS = [...FOUR_ITEMS, ...OPTIONAL_ITEMS] as const;
export type EquipmentItem = (typeof EQUIPMENT_ITEMS)[number];

export const EQUIPMENT_STATUSES = ['present', 'missing', 'damaged', 'used', 'unknown'] as const;
export type EquipmentStatus = (typeof EQUIPMENT_STATUSES)[number];

/**
 * The states a check can record for an item. "Used and not replaced" is for what is taken away
 * in a rescue (buoy, rope, pole); a sign or a barrier is there, missing or damaged.
 */
export function statusesFor(item: EquipmentItem): Exclude<EquipmentStatus, 'unknown'>[] {
	return item === 'sign' || item === 'barrier'
		? ['present', 'missing', 'damaged']
		: ['present', 'missing', 'damaged', 'used'];
}

/** What makes a segment need the four items when it lies within the rule's distance of it. */
export const RULE_KINDS = [
	'children',
	'village',
	'school',
	'kindergarten',
	'children_home',
	'sunshine_station'
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/**
 * The kinds in the order that breaks a tie for the nearest (distance, then kind name, as the
 * SQL rule sorts): the in-memory rule numbers kinds by their position here.
 */
export const RULE_KIND_ORDER: readonly RuleKind[] = [...RULE_KINDS].sort();

/** complete: all four present and usable; partial: some present; none: none present or never checked. */
export type Completeness = 'complete' | 'partial' | 'none';

export function isUsable(status: EquipmentStatus): boolean {
	return status === 'present';
}

export function completeness(slots: Partial<Record<EquipmentItem, EquipmentStatus>>): Completeness {
	const usable = FOUR_ITEMS.filter((i) => isUsable(slots[i] ?? 'unknown')).length;
	if (usable === FOUR_ITEMS.length) return 'complete';
	return usable > 0 ? 'partial' : 'none';
}

/** Number of the four items present and usable, from a count the database already computed. */
export function completenessFromCount(usable: number): Completeness {
	if (usable >= FOUR_ITEMS.length) return 'complete';
	return usable > 0 ? 'partial' : 'none';
}

export const WATERWAY_KINDS = [
	'river',
	'canal',
	'lake_shore',
	'pond',
	'reservoir',
	'ditch'
] as const;
export type WaterwayKind = (typeof WATERWAY_KINDS)[number];

/**
 * How urgent an incomplete segment is: children within the rule distance × missing items ×
 * a weight for the kind of water (ponds, ditches and reservoirs are where most rural children
 * drown; big rivers are watched more). A complete segment, or one no child lives near, scores 0.
 */
export const KIND_RISK_WEIGHT: Record<WaterwayKind, number> = {
	pond: 3,
	ditch: 3,
	reservoir: 2.5,
	canal: 2,
	lake_shore: 1.5,
	river: 1
};

export function riskScore(kind: WaterwayKind, childrenWithin: number, usableItems: number): number {
	const missing = Math.max(0, FOUR_ITEMS.length - usableItems);
	return childrenWithin * missing * KIND_RISK_WEIGHT[kind];
}

/** Highest risk first; ties: more children, then more missing items, then id. */
export function compareRisk(
	a: { id: number; kind: WaterwayKind; childrenWithin: number; usable: number },
	b: { id: number; kind: WaterwayKind; childrenWithin: number; usable: number }
): number {
	return (
		riskScore(b.kind, b.childrenWithin, b.usable) - riskScore(a.kind, a.childrenWithin, a.usable) ||
		b.childrenWithin - a.childrenWithin ||
		a.usable - b.usable ||
		a.id - b.id
	);
}

export type RiskLevel = 'high' | 'medium' | 'low' | 'none';

/**
 * What the screens and exports show instead of the score: the score is children × missing
 * items × weight, so a small number would let anyone work back to "one child lives here".
 */
export function riskLevel(score: number): RiskLevel {
	if (score >= 60) return 'high';
	if (score >= 20) return 'medium';
	return score > 0 ? 'low' : 'none';
}
