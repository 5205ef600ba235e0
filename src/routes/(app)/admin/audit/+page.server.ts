// 审计日志: read-only search of the append-only audit log, scoped by the service to the
// administrator's jurisdiction. Filters live in the query string so a search can be shared.
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { Forbidden, searchAuditLog } from '$lib/server/services/admin';
import { parseDetail, startOfShanghaiDay } from '$lib/components/admin/format';
import { AUDIT_ACTIONS } from '$lib/server/repositories/audit';

const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user } = signedIn(locals);
	const q = url.searchParams;
	const username = (q.get('username') ?? '').trim().toLowerCase().slice(0, 40);
	const actionRaw = q.get('action') ?? '';
	const action = (AUDIT_ACTIONS as readonly string[]).includes(actionRaw) ? actionRaw : '';
	const fromRaw = (q.get('from') ?? '').slice(0, 10);
	const toRaw = (q.get('to') ?? '').slice(0, 10);
	const before = q.get('before') ?? '';
	const from = fromRaw ? startOfShanghaiDay(fromRaw) : null;
	const toDay = toRaw ? startOfShanghaiDay(toRaw) : null;
	const errors: Record<string, string> = {};
	if (fromRaw && !from) errors.from = 'admin.badDate';
	if (toRaw && !toDay) errors.to = 'admin.badDate';
	// a period that ends before it starts finds nothing: say so instead of an empty list
	const badOrder = !!from && !!toDay && toDay < from;
	if (badOrder) errors.to = 'audit.err.dateOrder';
	const beforeId = /^\d{1,15}$/.test(before) ? Number(before) : undefined;

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
		if (e instanceof Forbidden) error(403, { message: 'forbidden' });
		throw e;
	}
	return {
		actions: AUDIT_ACTIONS,
		filters: { username, action, from: fromRaw, to: toRaw },
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
