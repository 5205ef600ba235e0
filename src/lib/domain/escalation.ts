// 挂牌督办: a hazard not closed by its deadline is supervised by the level above. Pure rules, no IO:
// the repository stores what `escalationsDue` answers, once per hazard and level.
//
// - Level 1, the county, from the deadline on. The deadline is already the instant the last day
//   ends in Beijing time (the hazard page stores the start of the next Beijing day).
// - Level 2, the prefecture, seven Beijing calendar days after that.
// - Only closing (销号) stops it. A hazard that is fixed but not yet verified still counts as
//   open: until a second person has checked the fix, nobody has confirmed that the danger is gone,
//   and letting "fixed" stop the clock would let an unchecked fix escape supervision. A hazard
//   sent back from "fixed" to "registered" keeps the deadline it had.
// - A hazard without a deadline (not yet registered) has nothing to be late for.
// - Escalation only ever goes up: a level once recorded stays (the record is history), even if the
//   hazard is closed later; a closed hazard is never escalated further.
import { padCode, jurisdictionPrefix } from './admin';
import type { HazardState } from './hazard';

export const ESCALATION_LEVELS = [1, 2] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** Days between the county's supervision and the prefecture's. */
export const PREFECTURE_AFTER_DAYS = 7;

/** Beijing time has had no daylight saving since 1991: a fixed UTC+8. */
const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86400_000;

/**
 * `instant` moved by `days` Beijing calendar days, at the same Beijing wall-clock time. (With a
 * fixed offset this is days × 24 h; it is written as calendar arithmetic so the rule reads as
 * the practice states it: "seven days later".)
 */
export function addBeijingDays(instant: Date, days: number): Date {
	const wall = new Date(instant.getTime() + BEIJING_OFFSET_MS);
	wall.setUTCDate(wall.getUTCDate() + days);
	return new Date(wall.getTime() - BEIJING_OFFSET_MS);
}

/** The Beijing calendar day of an instant, YYYY-MM-DD. */
export function beijingDay(instant: Date): string {
	return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** When each level falls due for a deadline. */
export function escalationDueAt(deadline: Date, level: EscalationLevel): Date {
	return level === 1
		? new Date(deadline.getTime())
		: addBeijingDays(deadline, PREFECTURE_AFTER_DAYS);
}

/** The unit that supervises at a level: the county (1) or prefecture (2) of the hazard's area. */
export function supervisorCode(areaCode: string, level: EscalationLevel): string {
	return padCode(areaCode.slice(0, level === 1 ? 6 : 4));
}

export interface EscalationFacts {
	state: HazardState;
	deadline: Date | null;
	/** the 12-digit code of the area the hazard lies in (its target's township or village) */
	areaCode: string;
}

export interface EscalationDue {
	level: EscalationLevel;
	supervisorCode: string;
	dueAt: Date;
}

/** The levels a hazard has reached by `now`, lowest first (empty when none). */
export function escalationsDue(h: EscalationFacts, now: Date): EscalationDue[] {
	if (h.state === 'closed' || h.deadline === null) return [];
	const deadline = new Date(h.deadline);
	if (Number.isNaN(deadline.getTime())) return [];
	const out: EscalationDue[] = [];
	for (const level of ESCALATION_LEVELS) {
		const dueAt = escalationDueAt(deadline, level);
		// late once the instant has passed, as isOverdue (domain/hazard.ts) has it
		if (dueAt.getTime() < now.getTime())
			out.push({ level, supervisorCode: supervisorCode(h.areaCode, level), dueAt });
	}
	return out;
}

/** The highest level reached, 0 for none. */
export function escalationLevel(h: EscalationFacts, now: Date): 0 | EscalationLevel {
	const due = escalationsDue(h, now);
	return due.length ? due[due.length - 1].level : 0;
}

/** Whether a viewer's jurisdiction is the supervising unit of an escalation. */
export function supervisedBy(jurisdiction: string, supervisor: string): boolean {
	return jurisdictionPrefix(jurisdiction) === jurisdictionPrefix(supervisor);
}

/** Days (whole, rounded up) a hazard is past its deadline, in Beijing days, for the badge. */
export function daysOverdue(deadline: Date, now: Date): number {
	return Math.max(0, Math.ceil((now.getTime() - deadline.getTime()) / DAY_MS));
}
