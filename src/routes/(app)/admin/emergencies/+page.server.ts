// 应急状态: declaring an emergency opens exact homes to emergency staff in one area for a
// bounded window. Times are typed as Beijing time (datetime-local has no zone) and stored as
// instants; the service checks area, window (≤ 72 h) and reason, and audits the declaration.
import { error, fail } from '@sveltejs/kit';
import { formText } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import {
	Forbidden,
	declareEmergency,
	emergenciesFor,
	endEmergency
} from '$lib/server/services/admin';
import { childUnits, findUnit } from '$lib/server/repositories/areas';
import { fromShanghaiInput, normalizeCode, toShanghaiInput } from '$lib/components/admin/format';

const DEFAULT_HOURS = 24;

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const admin = user.principal;
	const { db } = await database();
	let rows;
	try {
		rows = await emergenciesFor(db, admin);
	} catch (e) {
		if (e instanceof Forbidden) error(403, { message: 'forbidden' });
		throw e;
	}
	const now = new Date();
	const unit = await findUnit(db, admin.jurisdiction);
	const below = await childUnits(db, admin.jurisdiction);
	const start = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
	return {
		emergencies: rows.map((r) => {
			const starts = new Date(r.starts_at);
			const ends = new Date(r.ends_at);
			const status = now < starts ? 'upcoming' : now < ends ? 'active' : 'ended';
			return { ...r, status: status as 'upcoming' | 'active' | 'ended' };
		}),
		defaults: {
			area: admin.jurisdiction,
			start: toShanghaiInput(start),
			end: toShanghaiInput(new Date(start.getTime() + DEFAULT_HOURS * 3_600_000))
		},
		units: [
			...(unit ? [{ code: unit.code, name: unit.name }] : []),
			...below.map((u) => ({ code: u.code, name: u.name }))
		]
	};
};

export const actions: Actions = {
	declare: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await event.request.formData();
		const values = {
			area: normalizeCode(formText(form, 'area', 40)),
			start: formText(form, 'start', 25),
			end: formText(form, 'end', 25),
			reason: formText(form, 'reason')
		};
		const startsAt = fromShanghaiInput(values.start);
		const endsAt = fromShanghaiInput(values.end);
		const { db } = await database();
		try {
			const r = await declareEmergency(
				db,
				user.principal,
				{ areaCode: values.area, startsAt, endsAt, reason: values.reason },
				requestMeta(event)
			);
			if (!r.ok) {
				const errors: Record<string, string> = { ...r.errors };
				// say which time is unreadable rather than that the window is wrong
				if (Number.isNaN(startsAt.getTime())) errors.start = 'admin.badDate';
				if (Number.isNaN(endsAt.getTime())) errors.end = 'admin.badDate';
				if (errors.start || errors.end) delete errors.window;
				return fail(400, { values, errors });
			}
			return { declared: r.value };
		} catch (e) {
			if (e instanceof Forbidden) error(403, { message: 'forbidden' });
			throw e;
		}
	},
	end: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await event.request.formData();
		const id = Number(formText(form, 'id', 20));
		if (!Number.isInteger(id) || id <= 0)
			return fail(400, { endErrors: { end: 'emergency.err.unknown' } });
		const { db } = await database();
		try {
			const r = await endEmergency(db, user.principal, id, requestMeta(event));
			if (!r.ok) return fail(400, { endErrors: r.errors });
			return { ended: id };
		} catch (e) {
			if (e instanceof Forbidden) error(403, { message: 'forbidden' });
			throw e;
		}
	}
};
