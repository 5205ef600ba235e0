// The checklist editor of one campaign: administrators of its area add, rename, reorder, retire
// and restore the items of each checklist; each edit is a new version (services/checklists.ts).
// A bad edit is a 400 with the reason and changes nothing.
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { checklistsPage, editChecklist } from '$lib/server/services/checklists';
import { idText, parseOrError, readForm } from '$lib/server/validation';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const id = parseOrError(idText, params.id, locals.locale, 404);
	const { db } = await database();
	try {
		const p = await checklistsPage(db, user.principal, id);
		return {
			campaign: p.campaign,
			lists: p.lists.map((l) => ({
				...l,
				history: l.history.map((h) => ({ ...h, at: iso(h.at) }))
			}))
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};

export const actions: Actions = {
	edit: async (event) => {
		const { user } = signedIn(event.locals);
		const locale = event.locals.locale;
		const id = parseOrError(idText, event.params.id, locale, 404);
		const form = await readForm(event.request, locale);
		// one value per field: a repeated or file field is left for the service to refuse
		const one = (n: string) => {
			const all = form.getAll(n);
			return all.length === 1 && typeof all[0] === 'string' ? all[0] : undefined;
		};
		const checklist = one('checklist');
		const { db } = await database();
		try {
			const r = await editChecklist(
				db,
				user.principal,
				id,
				{
					checklist,
					version: one('version'),
					op: one('op'),
					item: one('item'),
					label: one('label')
				},
				requestMeta(event)
			);
			return { saved: { checklist, version: r.version, item: r.item } };
		} catch (e) {
			const r = refusalOf(locale, e);
			if (r?.status === 400) return fail(400, { message: r.message, checklist });
			throwAsHttp(locale, e);
		}
	}
};
