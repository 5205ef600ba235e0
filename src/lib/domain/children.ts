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
