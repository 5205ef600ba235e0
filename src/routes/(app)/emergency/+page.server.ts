// 应急工作台: the emergencies declared for the viewer's area (the map shows the area, the table
// the window), the homes a field team may see inside one (by village, printable, exportable;
// the read is audited by the service), and "near a place" (the page posts to
// /api/emergency/near). Emergency staff and the administrators who declare emergencies.
import { error } from '@sveltejs/kit';
import * as v from 'valibot';
import type { PageServerLoad } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { refusalOf, throwAsHttp } from '$lib/server/http/errors';
import { emergenciesFor } from '$lib/server/services/emergency';
import { mayAskNearPlace, REACH_RADII_M } from '$lib/server/services/emergency-place';
import { listResidencesByVillage, type ResidenceVillage } from '$lib/server/services/residences';
import { findUnit, subdivisionNames } from '$lib/server/services/areas';
import { ResidenceDenied } from '$lib/server/errors';
import { parseQuery, text } from '$lib/server/validation';
import { translator } from '$lib/i18n';
import { jurisdictionPrefix, levelOfCode } from '$lib/domain/admin';

const Query = v.object({ area: v.optional(text(40), '') });

export const load: PageServerLoad = async (event) => {
	const { locals, url } = event;
	const { user } = signedIn(locals);
	const who = user.principal;
	if (!mayAskNearPlace(who)) error(403, { message: translator(locals.locale)('error.403') });
	const q = parseQuery(Query, url, locals.locale);
	const { db } = await database();
	const now = new Date();
	const notices = await emergenciesFor(db, who, now);
	const emergencies = [];
	for (const e of notices) {
		const unit = await findUnit(db, e.areaCode);
		emergencies.push({
			id: e.id,
			areaCode: e.areaCode,
			areaName: e.areaName,
			startsAt: e.startsAt.toISOString(),
			endsAt: e.endsAt.toISOString(),
			active: e.active,
			bbox: unit?.bbox ?? null
		});
	}
	const home = await findUnit(db, who.jurisdiction);
	// where homes may be listed: townships (or the viewer's own township or village)
	const level = home?.level;
	const areas =
		level === 'township' || level === 'village'
			? [{ code: who.jurisdiction, name: home?.name ?? who.jurisdiction }]
			: await subdivisionNames(db, who.jurisdiction);
	const active = emergencies.find((e) => e.active);
	// the areas an emergency in force covers come first and say so, the first of them chosen:
	// the desk offered every township of the county in code order, and the first one (not under
	// an emergency) was refused. An emergency over one village is its own choice.
	const inForce = emergencies.filter((e) => e.active).map((e) => jurisdictionPrefix(e.areaCode));
	const covered = (code: string) => inForce.some((p) => code.startsWith(p));
	const choices = [
		...emergencies
			.filter(
				(e) =>
					e.active &&
					levelOfCode(e.areaCode) === 'village' &&
					!areas.some((a) => a.code === e.areaCode)
			)
			.map((e) => ({ code: e.areaCode, name: e.areaName })),
		...areas
	]
		.map((a) => ({ code: a.code, name: a.name, underEmergency: covered(a.code) }))
		.sort((a, b) => Number(b.underEmergency) - Number(a.underEmergency));
	let homes: { area: string; villages: ResidenceVillage[] } | null = null;
	let refused: string | null = null;
	if (q.area) {
		try {
			const list = await listResidencesByVillage(
				db,
				who,
				q.area,
				'emergency_rescue',
				'list',
				requestMeta(event),
				now
			);
			homes = { area: list.area, villages: list.villages };
		} catch (e) {
			const r = refusalOf(locals.locale, e);
			if (!r) throw e;
			if (e instanceof ResidenceDenied && e.reason === 'no_emergency')
				refused = translator(locals.locale)('emp.homesRefused');
			else if (r.status === 400 || r.status === 403) refused = r.message;
			else throwAsHttp(locals.locale, e);
		}
	} else if (!active) refused = translator(locals.locale)('emp.homesRefused');
	return {
		emergencies,
		bbox: active?.bbox ?? home?.bbox ?? null,
		selectedArea: active?.areaCode ?? who.jurisdiction,
		areas: choices,
		area: q.area,
		homes,
		refused,
		radii: [...REACH_RADII_M]
	};
};
