// The outbox's state rules, kept pure so they can be tested without IndexedDB or a browser:
// which stored items still wait to be sent, which the server refused for good, and what one
// attempt's answer does to an item. A refusal (the server understood the item and said no) is
// final: sending it again would be refused again, so it neither counts as waiting nor is retried.

/** What the rules need of a stored item (any kind). */
export interface OutboxItemState {
	clientUuid: string;
	kind?: string;
	label?: string;
	lastError?: string;
	refused?: boolean;
	waterwayId?: number;
	/** when it was recorded on the phone (ISO): items are sent in that order */
	queuedAt?: string;
}

export type AttemptResult = { ok: true } | { ok: false; retry: boolean; message: string };

export interface RefusedView {
	clientUuid: string;
	kind: string;
	waterwayId?: number;
	label?: string;
	reason: string;
}

/**
 * Items still to be sent: everything except what the server refused, oldest first. The store
 * answers in key order (the random UUID): two steps of one hazard recorded offline went out
 * the later first, and the earlier was refused as overtaken.
 */
export function sendable<T extends OutboxItemState>(items: T[]): T[] {
	return items
		.filter((c) => !c.refused)
		.sort((a, b) => (a.queuedAt ?? '').localeCompare(b.queuedAt ?? ''));
}

/** Refused items, each with the server's reason, until the user deletes them. */
export function refusedOf(items: OutboxItemState[]): RefusedView[] {
	return items
		.filter((c) => c.refused)
		.map((c) => ({
			clientUuid: c.clientUuid,
			kind: c.kind ?? 'equipment',
			waterwayId: c.kind === undefined || c.kind === 'equipment' ? c.waterwayId : undefined,
			label: c.label,
			reason: c.lastError ?? ''
		}));
}

/**
 * What one attempt's answer does: `delete` (delivered), `stop` (not through: keep it and try the
 * rest later), or `refuse` (kept, marked refused, and the next item is tried at once — the server
 * answered, so the connection is fine).
 */
export function settle<T extends OutboxItemState>(
	c: T,
	r: AttemptResult
): { action: 'delete' } | { action: 'stop' | 'refuse'; item: T } {
	if (r.ok) return { action: 'delete' };
	if (r.retry) return { action: 'stop', item: { ...c, lastError: r.message } };
	return { action: 'refuse', item: { ...c, lastError: r.message, refused: true } };
}

/** The i18n key of a refused item's message: a field find or a hazard's step is not a "check". */
export function refusedKey(
	kind: string
):
	| 'outbox.refused'
	| 'outbox.refusedFieldTarget'
	| 'outbox.refusedTargetCheck'
	| 'outbox.refusedHazardStep'
	| 'outbox.refusedRescue' {
	if (kind === 'field_target') return 'outbox.refusedFieldTarget';
	if (kind === 'rescue') return 'outbox.refusedRescue';
	if (kind === 'hazard_step') return 'outbox.refusedHazardStep';
	if (kind === 'target_check') return 'outbox.refusedTargetCheck';
	return 'outbox.refused';
}

/** The i18n key of the question asked before a refused item is deleted from the phone. */
export function discardKey(
	kind: string
):
	'outbox.confirmDiscard' | 'outbox.confirmDiscardFieldTarget' | 'outbox.confirmDiscardHazardStep' {
	if (kind === 'field_target') return 'outbox.confirmDiscardFieldTarget';
	if (kind === 'hazard_step') return 'outbox.confirmDiscardHazardStep';
	return 'outbox.confirmDiscard';
}
