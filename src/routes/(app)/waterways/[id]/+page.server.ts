import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { segmentPage } from '$lib/server/services/waterways';
import { NotFoundError } from '$lib/server/services/map';
import { translator } from '$lib/i18n';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	const t = translator(locals.locale);
	const id = Number(params.id);
	// /waterways/abc names no segment: the same "not found" as a number that names none
	if (!Number.isSafeInteger(id) || id <= 0) error(404, { message: t('error.notFound') });
	const { db } = await database();
	try {
		const p = await segmentPage(db, user.principal, id);
		const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
		return {
			segment: p.detail,
			slots: p.slots.map((s) => ({ ...s, checkedAt: iso(s.checkedAt) })),
			history: p.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
			requirement: p.requirement,
			riverChief: p.riverChief,
			canRecord: p.canRecord
		};
	} catch (e) {
		if (e instanceof NotFoundError) error(404, { message: t('error.notFound') });
		throw e;
	}
};
