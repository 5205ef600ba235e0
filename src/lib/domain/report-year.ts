// Which years an annual report can be made for: from the Hubei action plan's first year (2024,
// before which the app holds no work to report) to the current Beijing year (a later year has no
// figures yet, and would only repeat today's under its name).

export const FIRST_REPORT_YEAR = 2024;

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar year of an instant. */
export function beijingYearOf(at: Date): number {
	return new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCFullYear();
}

/** Whether a report can be made for `year` at `now`. */
export function isReportYear(year: number, now: Date): boolean {
	return year >= FIRST_REPORT_YEAR && year <= beijingYearOf(now);
}
