// The release contract the auditor holds the app to, as the attacker knows it (the method is
// public). A copy of src/lib/domain/disclosure.ts's trueCountRange until that module is part of
// the product; then this file only re-exports it.

/** The largest difference between a released count and the true one. */
export const MAX_DEVIATION = 3;

/** What a released value says about the true count: 0 is exactly 0, r ≥ 1 is r ± 3 but ≥ 1. */
export function trueCountRange(released: number): [number, number] {
	if (released <= 0) return [0, 0];
	return [Math.max(1, released - MAX_DEVIATION), released + MAX_DEVIATION];
}
