// 应急状态: declaring an emergency opens exact homes to emergency staff in one area for a
// bounded window. Times are typed as Beijing time (datetime-local has no zone) and stored as
// instants; the service checks area, window (≤ 72 h) and reason, and audits the declaration.
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formText } from '$lib/server/http/form';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { declareEmergency, emergenciesFor, endEmergency } from '$lib/server/services/admin';
import { throwAsHttp } from '$lib/server/http/errors';
import { childUnits, findUnit } from '$lib/server/services/areas';
import { normalizeCode, toShanghaiInput } from '$lib/i18n/admin-format';
import {
	adminCode,
	fieldsOf,
	idText,
	parse,
	readForm,
	shanghaiTime,
	text
} from '$lib/server/validation';

const DEFAULT_HOURS = 24;

// the area's existence, the window's length and the reason's content are the service's rules
const Declare = v.object({
	area: adminCode,
	start: shanghaiTime,
	end: shanghaiTime,
	reason: text(2000)
});
const End = v.object({ id: idText });

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const admin = user.principal;
	const { db } = await database();
	let rows;
	try {
		rows = await emergenciesFor(db, admin);
	} catch (e) {
		throwAsHttp(locals.locale, e);
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
		const form = await readForm(event.request, event.locals.locale);
		// what was typed goes back into the form with the reasons
		const values = {
			area: normalizeCode(formText(form, 'area', 40)),
			start: formText(form, 'start', 25),
			end: formText(form, 'end', 25),
			reason: formText(form, 'reason')
		};
		const input = parse(Declare, fieldsOf(form), event.locals.locale);
		if (!input.ok) return fail(400, { values, errors: input.errors });
		const { area, start, end, reason } = input.value;
		const { db } = await database();
		try {
			const r = await declareEmergency(
				db,
				user.principal,
				{ areaCode: area, startsAt: start, endsAt: end, reason },
				requestMeta(event)
			);
			if (!r.ok) return fail(400, { values, errors: r.errors });
			return { declared: r.value };
		} catch (e) {
			throwAsHttp(event.locals.locale, e);
		}
	},
	end: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await readForm(event.request, event.locals.locale);
		// 1e20 is no emergency (and no bigint): refused before any query
		const input = parse(End, fieldsOf(form), event.locals.locale);
		if (!input.ok) return fail(400, { endErrors: { end: input.message } });
		const { id } = input.value;
		const { db } = await database();
		try {
			const r = await endEmergency(db, user.principal, id, requestMeta(event));
			if (!r.ok) return fail(400, { endErrors: r.errors });
			return { ended: id };
		} catch (e) {
			throwAsHttp(event.locals.locale, e);
		}
	}
};
