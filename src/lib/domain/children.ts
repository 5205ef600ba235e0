// Who the children are (服务对象), as defined by the Hubei 2024–2026 action plan.
// Category codes are stable identifiers stored in the database; labels live in i18n.

export const LEFT_BEHIND_CATEGORIES = ['left_behind_rural', 'left_behind_urban'] as const;

export const DIFFICULTY_CATEGORIES = [
	'orphan',
	'hiv_affected',
	'de_facto_unsupported',
	'severely_disabled',
	'seriously_ill',
	'low_income_family',
	'guardianship_missing'
] as const;

/** Also monitored (item 16 of the plan). */
export const MONITORED_CATEGORIES = ['migrant', 'single_parent'] as const;

export const CHILD_CATEGORIES = [
	...LEFT_BEHIND_CATEGORIES,
	...DIFFICULTY_CATEGORIES,
	...MONITORED_CATEGORIES
] as const;

export type ChildCategory = (typeof CHILD_CATEGORIES)[number];

export function isChildCategory(value: string): value is ChildCategory {
	return (CHILD_CATEGORIES as readonly string[]).includes(value);
}

/** Left-behind children are under 16; children in difficulty are 0–18 (under 18). */
export const LEFT_BEHIND_MAX_AGE = 16;
export const DIFFICULTY_MAX_AGE = 18;

/** Whole years of age on a given day (birthday counted on the day itself). */
export function ageOn(birthDate: Date, day: Date): number {
	let age = day.getUTCFullYear() - birthDate.getUTCFullYear();
	const m = day.getUTCMonth() - birthDate.getUTCMonth();
	if (m < 0 || (m === 0 && day.getUTCDate() < birthDate.getUTCDate())) age -= 1;
	return age;
}

/**
 * Whether a child's categories are consistent with the age limits of the plan: a left-behind
 * child must be under 16, a child in difficulty under 18. Returns the categories that are not.
 */
export function categoriesOutOfAge(
	categories: readonly ChildCategory[],
	birthDate: Date,
	day: Date
): ChildCategory[] {
	const age = ageOn(birthDate, day);
	return categories.filter((c) => {
		if ((LEFT_BEHIND_CATEGORIES as readonly string[]).includes(c))
			return age >= LEFT_BEHIND_MAX_AGE;
		if ((DIFFICULTY_CATEGORIES as readonly string[]).includes(c)) return age >= DIFFICULTY_MAX_AGE;
		return age >= DIFFICULTY_MAX_AGE;
	});
}

/** Aggregated cells and villages with fewer children than this are shown as "<5", never a number. */
export const SUPPRESSION_THRESHOLD = 5;

/**
 * A count as it may be shown. Hidden ones never carry the number: `{ suppressed: true }` is
 * under the threshold by its own rule (shown "<5"); with `protects: true` it is hidden only so
 * that a smaller sibling cannot be worked out by subtraction (protectSiblings), and may be 5 or
 * more (shown "—", never "<5").
 */
export type SuppressedCount =
	{ suppressed: true; protects?: true } | { suppressed: false; count: number };

export function suppress(count: number): SuppressedCount {
	return count < SUPPRESSION_THRESHOLD ? { suppressed: true } : { suppressed: false, count };
}

/**
 * A part of a group whose size is shown too (children near incomplete water, of a village's
 * children): suppressed when it is small, and also when the rest is, since "5 of 6" says that
 * one child is not.
 */
export function suppressPart(part: number, whole: number): SuppressedCount {
	const rest = whole - part;
	return rest > 0 && rest < SUPPRESSION_THRESHOLD ? { suppressed: true } : suppress(part);
}

/**
 * The counts of the parts of a whole that is shown too (the townships of a county, the villages
 * of a township). A single "<5" among them could be worked out by subtraction from the whole,
 * so more are hidden, smallest first, until at least two are hidden and together they hold
 * none or at least the threshold (or all are hidden). `shown` is what each part shows by its
 * own rules; the answer hides at least those, as they are, and marks the ones it hides beyond
 * them `protects: true`.
 */
export function protectSiblings(
	values: number[],
	shown: SuppressedCount[] = values.map(suppress)
): SuppressedCount[] {
	const out = [...shown];
	for (;;) {
		const hidden = out.flatMap((c, i) => (c.suppressed ? [i] : []));
		if (hidden.length === 0 || hidden.length === out.length) return out;
		const sum = hidden.reduce((a, i) => a + values[i], 0);
		if (hidden.length >= 2 && (sum === 0 || sum >= SUPPRESSION_THRESHOLD)) return out;
		let k = -1;
		for (let i = 0; i < out.length; i++)
			if (!out[i].suppressed && (k < 0 || values[i] < values[k])) k = i;
		out[k] = { suppressed: true, protects: true };
	}
}

/** Which marks a list of counts shows, so that its key explains those: "<5", and "—". */
export function hiddenMarks(counts: Iterable<SuppressedCount>): {
	small: boolean;
	protects: boolean;
} {
	let small = false;
	let protects = false;
	for (const c of counts) {
		if (!c.suppressed) continue;
		if (c.protects) protects = true;
		else small = true;
	}
	return { small, protects };
}
