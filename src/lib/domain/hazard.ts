// A hazard's life, as Chinese practice runs it: 排查 → 登记 → 整改 → 销号 (found → registered →
// fixed → closed). Pure rules, no IO: the repository stores what `advance` answers, and every
// transition it answers is also one row of the hazard's log. No state can be skipped; a fix needs
// an after photo; the one who closes is not the one who fixed (a second pair of eyes). A verifier
// who finds the fix wanting sends it back to "registered" (the same responsible person and
// deadline), which is the only way back.

export const HAZARD_STATES = ['found', 'registered', 'fixed', 'closed'] as const;
export type HazardState = (typeof HAZARD_STATES)[number];

/** 一般 / 较大 / 重大 隐患 */
export const HAZARD_SEVERITIES = ['general', 'major', 'serious'] as const;
export type HazardSeverity = (typeof HAZARD_SEVERITIES)[number];

export const HAZARD_ACTIONS = ['register', 'fix', 'close', 'reject'] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/** What the rules need to know of a hazard. */
export interface HazardFacts {
	state: HazardState;
	foundBy: number;
	fixedBy: number | null;
	deadline: Date | null;
}

export type HazardStep =
	| {
			action: 'register';
			severity: HazardSeverity;
			responsible: string;
			/** the last day (an instant: the end of that day in the caller's zone) */
			deadline: Date;
	  }
	| { action: 'fix'; note: string; afterPhoto: boolean }
	| { action: 'close'; note: string }
	| { action: 'reject'; note: string };

/** Why a step is refused: a message key (i18n) the route shows as a 400. */
export type HazardRefusal =
	| 'hazard.err.state'
	| 'hazard.err.responsible'
	| 'hazard.err.deadline'
	| 'hazard.err.photo'
	| 'hazard.err.sameVerifier'
	| 'hazard.err.note';

/** The state each action starts from and leads to. */
export const TRANSITIONS: Record<HazardAction, { from: HazardState; to: HazardState }> = {
	register: { from: 'found', to: 'registered' },
	fix: { from: 'registered', to: 'fixed' },
	close: { from: 'fixed', to: 'closed' },
	reject: { from: 'fixed', to: 'registered' }
};

/** The actions open from a state (for the page's buttons). */
export function actionsFrom(state: HazardState): HazardAction[] {
	return HAZARD_ACTIONS.filter((a) => TRANSITIONS[a].from === state);
}

/**
 * Whether `actorId` may take `step` on the hazard now: the new state, or why not. Who may act at
 * all (role, jurisdiction) is the policy's question; this answers what the hazard allows.
 */
export function advance(
	h: HazardFacts,
	step: HazardStep,
	actorId: number,
	now: Date
): { ok: true; to: HazardState } | { ok: false; reason: HazardRefusal } {
	const t = TRANSITIONS[step.action];
	if (h.state !== t.from) return { ok: false, reason: 'hazard.err.state' };
	switch (step.action) {
		case 'register':
			if (!step.responsible.trim()) return { ok: false, reason: 'hazard.err.responsible' };
			// a deadline already past when it is set would be overdue from the first minute
			if (Number.isNaN(step.deadline.getTime()) || step.deadline.getTime() <= now.getTime())
				return { ok: false, reason: 'hazard.err.deadline' };
			break;
		case 'fix':
			if (!step.afterPhoto) return { ok: false, reason: 'hazard.err.photo' };
			break;
		case 'close':
			if (h.fixedBy === actorId) return { ok: false, reason: 'hazard.err.sameVerifier' };
			break;
		case 'reject':
			if (h.fixedBy === actorId) return { ok: false, reason: 'hazard.err.sameVerifier' };
			// sending a fix back needs a reason the fixer can act on
			if (!step.note.trim()) return { ok: false, reason: 'hazard.err.note' };
			break;
	}
	return { ok: true, to: t.to };
}

/** Overdue (挂牌督办): registered with a deadline that has passed, and not closed. */
export function isOverdue(h: Pick<HazardFacts, 'state' | 'deadline'>, now: Date): boolean {
	return h.state !== 'closed' && h.deadline !== null && h.deadline.getTime() < now.getTime();
}

/** How long after a step was taken on the phone its arrival says so (it waited offline). */
export const LATE_STEP_MS = 60_000;
/** A phone's time for a step further back than this, or ahead of the server, is not believed. */
export const MAX_STEP_AGE_MS = 30 * 86400_000;
const CLOCK_SLACK_MS = 2 * 60_000;

/**
 * When a step sent from the phone's outbox was taken there, to show beside its arrival time in
 * the hazard's log (which, like every state time, stays the server's): only when it waited a
 * while, and only a time a phone's clock can plausibly give.
 */
export function takenInField(takenAt: Date | undefined, now: Date): Date | null {
	if (!takenAt || Number.isNaN(takenAt.getTime())) return null;
	const waited = now.getTime() - takenAt.getTime();
	if (waited < LATE_STEP_MS) return null;
	if (waited > MAX_STEP_AGE_MS || waited < -CLOCK_SLACK_MS) return null;
	return takenAt;
}
