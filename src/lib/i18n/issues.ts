// A refused value in words, in the user's language: which field and why. Shared by the server's
// edge validation (src/lib/server/validation.ts) and the browser, which checks the same schemas
// (the equipment check's payload) before it stores or sends anything.
import type { BaseIssue } from 'valibot';
import { isMessageKey, type MessageKey, type Translate } from './index';

type Issue = BaseIssue<unknown>;

/** Where in the input the problem is: `area`, `slots[0].status`; '' for the whole value. */
export function issueField(issue: Issue): string {
	let out = '';
	for (const step of issue.path ?? []) {
		const key = (step as { key?: unknown }).key;
		if (typeof key === 'number') out += `[${key}]`;
		else out += out ? `.${String(key)}` : String(key);
	}
	return out;
}

/** valibot's schema and validation names → our messages; anything else says "wrong format". */
const BY_TYPE: Record<string, MessageKey> = {
	string: 'valid.text',
	number: 'valid.number',
	object: 'valid.object',
	strict_object: 'valid.object',
	loose_object: 'valid.object',
	array: 'valid.list',
	boolean: 'valid.boolean',
	integer: 'valid.integer',
	finite: 'valid.finite',
	safe_integer: 'valid.integer',
	min_value: 'valid.minValue',
	max_value: 'valid.maxValue',
	min_length: 'valid.minLength',
	max_length: 'valid.maxLength',
	non_empty: 'valid.missing',
	picklist: 'valid.oneOf',
	literal: 'valid.oneOf',
	enum: 'valid.oneOf',
	uuid: 'valid.uuid',
	iso_timestamp: 'valid.isoTime',
	never: 'valid.unknownKey'
};

/** A received value as the user typed it, cut short: it is only there to recognise it. */
function shortReceived(received: string): string {
	return received.length > 40 ? `${received.slice(0, 37)}…` : received;
}

/** Why the value was refused (without the field). */
export function issueReason(issue: Issue, t: Translate): string {
	const params: Record<string, string> = {
		requirement: issue.requirement === undefined ? '' : String(issue.requirement),
		// picklists arrive as ("a" | "b"): listed as a, b
		options: (issue.expected ?? '')
			.replace(/^\(|\)$/g, '')
			.replace(/"/g, '')
			.replace(/ \| /g, ', ')
	};
	// a missing field is missing, whatever type it should have had
	if (issue.kind === 'schema' && issue.received === 'undefined' && issue.type !== 'never')
		return t('valid.missing');
	// schemas name their own reason as a message key (valid.code, check.err.item)
	const key: MessageKey = isMessageKey(issue.message)
		? issue.message
		: (BY_TYPE[issue.type] ?? (issue.kind === 'schema' ? 'valid.type' : 'valid.format'));
	const reason = t(key, params);
	// what was received, when it helps: a value ("2026-13-01", 1.5, null), or the kind of thing
	// given instead of the expected type (Array, File); not a whole list a rule refused
	const received = issue.received;
	const shown =
		received && received !== 'undefined' && (issue.kind === 'schema' || !/^[A-Z]/.test(received));
	return shown ? t('valid.received', { reason, received: shortReceived(received) }) : reason;
}

/** "from：不是有效日期（收到 "2026-13-01"）" — the field, then why. */
export function issueText(issue: Issue, t: Translate): string {
	const field = issueField(issue);
	const reason = issueReason(issue, t);
	return field ? t('valid.field', { field, reason }) : reason;
}
