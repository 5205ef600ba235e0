// 用户管理: the accounts in the administrator's jurisdiction, and creating new ones. The hook
// admits administrators only; the service re-checks rank and jurisdiction on every write.
import { fail } from '@sveltejs/kit';
import * as v from 'valibot';
import { formText } from '$lib/server/http/form';
import { assignableRoles } from '$lib/server/auth/policy';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { createUser, listManagedUsers } from '$lib/server/services/users';
import { childUnits, findUnit } from '$lib/server/services/areas';
import { normalizeCode } from '$lib/i18n/admin-format';
import { fieldsOf, parse, readForm, text } from '$lib/server/validation';

// each field is one piece of text; what makes it acceptable (username, role, area, password
// strength) is the service's rule, with its own messages next to the fields
const Create = v.object({
	username: text(100),
	displayName: text(100),
	role: text(40),
	jurisdiction: text(40),
	password: v.string()
});

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = signedIn(locals);
	const admin = user.principal;
	const { db } = await database();
	const users = await listManagedUsers(db, admin);
	const unit = await findUnit(db, admin.jurisdiction);
	const below = await childUnits(db, admin.jurisdiction);
	// a county's (or township's) administrator also places village child directors: their
	// villages are offered too, named with their township
	const villages =
		unit && (unit.level === 'county' || unit.level === 'township')
			? (
					await Promise.all(
						(unit.level === 'county' ? below : [unit]).map(async (t) =>
							(await childUnits(db, t.code)).map((v) => ({
								code: v.code,
								name: `${t.name} · ${v.name}`
							}))
						)
					)
				).flat()
			: [];
	const units = [
		...(unit ? [{ code: unit.code, name: unit.name }] : []),
		...(unit?.level === 'township' ? [] : below.map((u) => ({ code: u.code, name: u.name }))),
		...villages
	];
	return {
		users,
		roles: assignableRoles(admin),
		area: { code: admin.jurisdiction, name: unit?.name ?? admin.jurisdiction },
		units
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { user } = signedIn(event.locals);
		const form = await readForm(event.request, event.locals.locale);
		const input = parse(Create, fieldsOf(form), event.locals.locale);
		const values = {
			username: formText(form, 'username', 100).trim(),
			displayName: formText(form, 'displayName', 100),
			role: formText(form, 'role', 40),
			jurisdiction: normalizeCode(formText(form, 'jurisdiction', 40))
		};
		if (!input.ok) return fail(400, { values, errors: input.errors });
		const { db } = await database();
		const r = await createUser(
			db,
			user.principal,
			{ ...values, password: input.value.password },
			requestMeta(event)
		);
		// the password is never sent back
		if (!r.ok) return fail(400, { values, errors: r.errors });
		return { created: values.username.toLowerCase(), id: r.value };
	}
};
