// 审计日志: read-only search of the append-only audit log, scoped by the service to the
// administrator's jurisdiction. Filters live in the query string so a search can be shared;
// a filter that is not a real date, action or id is a 400 saying which (not a 500).
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { AUDIT_ACTIONS, searchAuditLog } from '$lib/server/services/admin';
import { throwAsHttp } from '$lib/server/http/errors';
import { parseDetail } from '$lib/i18n/admin-format';
import { blankOr, idText, parseQuery, shanghaiDay } from '$lib/server/validation';

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

const Query = v.object({
	username: v.optional(v.pipe(v.string(), v.maxLength(100), v.trim(), v.toLowerCase())),
	action: blankOr(v.picklist(AUDIT_ACTIONS)),
	from: blankOr(shanghaiDay),
	to: blankOr(shanghaiDay),
	before: blankOr(idText)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user } = signedIn(locals);
	const q = parseQuery(Query, url, locals.locale);
	const username = (q.username ?? '').slice(0, 40);
	const action = q.action ?? '';
	const from = q.from ?? null;
	const toDay = q.to ?? null;
	const errors: Record<string, string> = {};
	// a period that ends before it starts finds nothing: say so instead of an empty list
	const badOrder = !!from && !!toDay && toDay < from;
	if (badOrder) errors.to = 'audit.err.dateOrder';
	const beforeId = q.before;

	const { db } = await database();
	let rows;
	try {
		// made even for an impossible period: the service is what refuses non-administrators
		rows = await searchAuditLog(db, user.principal, {
			username: username || undefined,
			action: action || undefined,
			from: from ?? undefined,
			// the "to" day is included: entries before the start of the next day
			to: toDay ? new Date(toDay.getTime() + DAY_MS) : undefined,
			beforeId,
			limit: PAGE_SIZE
		});
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
	return {
		actions: AUDIT_ACTIONS,
		filters: {
			username,
			action,
			from: url.searchParams.get('from') ?? '',
			to: url.searchParams.get('to') ?? ''
		},
		errors,
		// no list for an impossible period: the error on the field says why
		invalid: badOrder,
		paged: beforeId !== undefined,
		rows: badOrder
			? []
			: rows.map((r) => ({
					...r,
					// jsonb arrives parsed on one engine and as text on another
					detail: parseDetail(r.detail)
				})),
		olderThan: !badOrder && rows.length === PAGE_SIZE ? rows[rows.length - 1].id : null
	};
};
