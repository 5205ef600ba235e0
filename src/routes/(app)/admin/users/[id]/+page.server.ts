// One account: profile (name, role, jurisdiction), status, password reset and, for a river
// chief, the segments of an area. A user outside the administrator's reach is a 404, the same
// as one that does not exist, so ids cannot be probed.
import { error, fail } from '@sveltejs/kit';
import { formText } from '$lib/server/http/form';
import { assignableRoles } from '$lib/server/auth/policy';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import {
	UserNotFound,
	assignSegments,
	listManagedUsers,
	updateUser,
	type UserChange
} from '$lib/server/services/users';
import { childUnits, findUnit } from '$lib/server/repositories/areas';
import { canManageUser } from '$lib/server/auth/policy';
import { translator, type Locale } from '$lib/i18n';
import { normalizeCode } from '$lib/components/admin/format';

function notFound(locale: Locale): never {
	error(404, { message: translator(locale)('error.notFound') });
}

function userId(raw: string, locale: Locale): number {
	if (!/^\d{1,9}$/.test(raw)) notFound(locale);
	return Number(raw);
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
		if (e instanceof UserNotFound) notFound(event.locals.locale);
		throw e;
	}
}

export const actions: Actions = {
	profile: async (event) => {
		const form = await event.request.formData();
		const values = {
			displayName: formText(form, 'displayName', 100),
			role: formText(form, 'role', 40),
			jurisdiction: normalizeCode(formText(form, 'jurisdiction', 40))
		};
		const r = await change(event, values);
		if (!r.ok) return fail(400, { part: 'profile' as const, values, errors: r.errors });
		return { part: 'profile' as const, done: 'admin.saved' as const };
	},
	active: async (event) => {
		const form = await event.request.formData();
		// only an explicit choice changes the status; a form without it changes nothing
		const choice = formText(form, 'active');
		if (choice !== '1' && choice !== '0') {
			return fail(400, { part: 'active' as const, errors: { active: 'error.badRequest' } });
		}
		const active = choice === '1';
		const r = await change(event, { active });
		if (!r.ok) return fail(400, { part: 'active' as const, errors: r.errors });
		return {
			part: 'active' as const,
			done: active ? ('userEdit.activated' as const) : ('userEdit.deactivated' as const)
		};
	},
	password: async (event) => {
		const form = await event.request.formData();
		const r = await change(event, { newPassword: formText(form, 'newPassword') });
		if (!r.ok) return fail(400, { part: 'password' as const, errors: r.errors });
		return { part: 'password' as const, done: 'userEdit.passwordReset' as const };
	},
	segments: async (event) => {
		const { user } = signedIn(event.locals);
		const id = userId(event.params.id, event.locals.locale);
		const form = await event.request.formData();
		const area = normalizeCode(formText(form, 'area', 40));
		const { db } = await database();
		try {
			const r = await assignSegments(db, user.principal, id, area, requestMeta(event));
			if (!r.ok)
				return fail(400, { part: 'segments' as const, values: { area }, errors: r.errors });
			return { part: 'segments' as const, done: 'userEdit.segmentsDone' as const, n: r.value };
		} catch (e) {
			if (e instanceof UserNotFound) notFound(event.locals.locale);
			throw e;
		}
	}
};
