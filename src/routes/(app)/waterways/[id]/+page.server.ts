import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { signedIn } from '$lib/server/http/guard';
import { segmentPage } from '$lib/server/services/waterways';
import { nextSegments } from '$lib/server/services/next-segment';
import { rescueOpen } from '$lib/server/services/emergency';
import { throwAsHttp } from '$lib/server/http/errors';
import { idText, parseOrError } from '$lib/server/validation';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { user } = signedIn(locals);
	// /waterways/abc or /waterways/1e20 names no segment: the same "not found" as a number
	// that names none
	const id = parseOrError(idText, params.id, locals.locale, 404);
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
			campaignCheck: p.campaignCheck
				? { ...p.campaignCheck, at: new Date(p.campaignCheck.at).toISOString() }
				: null,
			canRecord: p.canRecord,
			// emergency staff inside an emergency in force over it: items used in a rescue
			rescue: await rescueOpen(db, user.principal, p.detail.adminCode),
			// where to go after a check, kept with the page so that it works out of signal too
			next: p.canRecord ? await nextSegments(db, user.principal, id) : []
		};
	} catch (e) {
		throwAsHttp(locals.locale, e);
	}
};
