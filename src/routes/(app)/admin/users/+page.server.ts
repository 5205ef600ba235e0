// 用户管理: the accounts in the administrator's jurisdiction, and creating new ones. The hook
// admits administrators only; the service re-checks rank and jurisdiction on every write.
import { fail } from '@sveltejs/kit';
import { formText } from '$lib/server/http/form';
import { assignableRoles } from '$lib/server/auth/policy';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn, requestMeta } from '$lib/server/http/guard';
import { createUser, listManagedUsers } from '$lib/server/services/users';
import { childUnits, findUnit } from '$lib/server/repositories/areas';
import { normalizeCode } from '$lib/components/admin/format';

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
		const form = await event.request.formData();
		const values = {
			username: formText(form, 'username', 100).trim(),
			displayName: formText(form, 'displayName', 100),
			role: formText(form, 'role', 40),
			jurisdiction: normalizeCode(formText(form, 'jurisdiction', 40))
		};
		const { db } = await database();
		const r = await createUser(
			db,
			user.principal,
			{ ...values, password: formText(form, 'password') },
			requestMeta(event)
		);
		// the password is never sent back
		if (!r.ok) return fail(400, { values, errors: r.errors });
		return { created: values.username.toLowerCase(), id: r.value };
	}
};
