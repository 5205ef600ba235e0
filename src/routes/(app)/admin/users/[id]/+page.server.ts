// One account: profile (name, role, jurisdiction), status, password reset and, for a river
// chief, the segments of an area. A user outside the administrator's reach is a 404, the same
// as one that does not exist, so ids cannot be probed.
import { error, fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formText } from '$lib/server/http/form';
import { assignableRoles } from '$lib/server/auth/policy';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { throwAsHttp } from '$lib/server/http/errors';
import {
	assignSegments,
	listManagedUsers,
	updateUser,
	type UserChange
} from '$lib/server/services/users';
import { childUnits, findUnit } from '$lib/server/services/areas';
import { canManageUser } from '$lib/server/auth/policy';
import { translator, type Locale } from '$lib/i18n';
import { normalizeCode } from '$lib/i18n/admin-format';
import {
	fieldsOf,
	flag,
	idText,
	parse,
	parseOrError,
	readForm,
	text
} from '$lib/server/validation';

function notFound(locale: Locale): never {
	error(404, { message: translator(locale)('error.notFound') });
}

/** An id that names no account is the same 404 as an account out of reach. */
function userId(raw: string, locale: Locale): number {
	return parseOrError(idText, raw, locale, 404);
}

// one piece of text per field; what is acceptable (role, area, password) is the service's rule
const Profile = v.object({ displayName: text(100), role: text(40), jurisdiction: text(40) });
const Active = v.object({ active: flag });
const Password = v.object({ newPassword: v.string() });
const Segments = v.object({ area: text(40) });

/** The action's form, parsed; `part` says which section of the page shows the reasons. */
async function formOf<S extends v.GenericSchema>(event: RequestEvent, schema: S) {
	const form = await readForm(event.request, event.locals.locale);
	return { form, input: parse(schema, fieldsOf(form), event.locals.locale) };
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const { user } = signedIn(locals);
	const admin = user.principal;
	const id = userId(params.id, locals.locale);
	const { db } = await database();
	const target = (await listManagedUsers(db, admin)).find((u) => u.id === id);
	if (
		!target ||
		!canManageUser(admin, { role: target.role, jurisdiction: target.jurisdiction_code })
	)
		notFound(locals.locale);
	const unit = await findUnit(db, admin.jurisdiction);
	const below = await childUnits(db, admin.jurisdiction);
	return {
		target,
		isSelf: target.id === admin.userId,
		roles: assignableRoles(admin),
		units: [
			...(unit ? [{ code: unit.code, name: unit.name }] : []),
			...below.map((u) => ({ code: u.code, name: u.name }))
		]
	};
};

/** Runs one change; a user the administrator may not manage is a 404 here too. */
async function change(event: RequestEvent, what: UserChange) {
	const { user } = signedIn(event.locals);
	const id = userId(event.params.id, event.locals.locale);
	const { db } = await database();
	try {
		return await updateUser(db, user.principal, id, what, requestMeta(event));
	} catch (e) {
		throwAsHttp(event.locals.locale, e);
	}
}

export const actions: Actions = {
	profile: async (event) => {
		const { form, input } = await formOf(event, Profile);
		const values = {
			displayName: formText(form, 'displayName', 100),
			role: formText(form, 'role', 40),
			jurisdiction: normalizeCode(formText(form, 'jurisdiction', 40))
		};
		if (!input.ok) return fail(400, { part: 'profile' as const, values, errors: input.errors });
		const r = await change(event, values);
		if (!r.ok) return fail(400, { part: 'profile' as const, values, errors: r.errors });
		return { part: 'profile' as const, done: 'admin.saved' as const };
	},
	active: async (event) => {
		// only an explicit choice changes the status; a form without it changes nothing
		const { input } = await formOf(event, Active);
		if (!input.ok) return fail(400, { part: 'active' as const, errors: input.errors });
		const active = input.value.active === '1';
		const r = await change(event, { active });
		if (!r.ok) return fail(400, { part: 'active' as const, errors: r.errors });
		return {
			part: 'active' as const,
			done: active ? ('userEdit.activated' as const) : ('userEdit.deactivated' as const)
		};
	},
	password: async (event) => {
		const { input } = await formOf(event, Password);
		if (!input.ok) return fail(400, { part: 'password' as const, errors: input.errors });
		const r = await change(event, { newPassword: input.value.newPassword });
		if (!r.ok) return fail(400, { part: 'password' as const, errors: r.errors });
		return { part: 'password' as const, done: 'userEdit.passwordReset' as const };
	},
	segments: async (event) => {
		const { user } = signedIn(event.locals);
		const id = userId(event.params.id, event.locals.locale);
		const { form, input } = await formOf(event, Segments);
		const area = normalizeCode(formText(form, 'area', 40));
		if (!input.ok)
			return fail(400, { part: 'segments' as const, values: { area }, errors: input.errors });
		const { db } = await database();
		try {
			const r = await assignSegments(db, user.principal, id, area, requestMeta(event));
			if (!r.ok)
				return fail(400, { part: 'segments' as const, values: { area }, errors: r.errors });
			return { part: 'segments' as const, done: 'userEdit.segmentsDone' as const, n: r.value };
		} catch (e) {
			throwAsHttp(event.locals.locale, e);
		}
	}
};
