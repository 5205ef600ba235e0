// The demo's flood-season campaign: without one, a township worker signing in to `npm run demo`
// has no targets and the field, dashboard and bulletin pages are empty. It is launched once, at
// the first start, by the demo county administrator through the same service an administrator
// uses, so its targets come from the proximity analysis and are assigned by area as any
// campaign's are (and the launch is audited like theirs).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import type { Role } from '../auth/roles';
import { createCampaign } from '../services/campaigns';
import { startOfShanghaiDay } from '$lib/i18n/admin-format';

/** Hubei's flood season (汛期): May to September. */
const FLOOD_FIRST_MONTH = 5;
const FLOOD_LAST_MONTH = 9;
const BEIJING_MS = 8 * 3_600_000;

/** The first instant of a calendar day in Beijing time. */
function shanghaiDayStart(year: number, month: number, day: number): Date {
	const p = (n: number) => String(n).padStart(2, '0');
	return startOfShanghaiDay(`${year}-${p(month)}-${p(day)}`) as Date;
}

/**
 * The campaign open at `now`: this year's flood season while it lasts (from 1 May, Beijing
 * time); otherwise the inspection ahead of the next one (汛前排查), from today until that season
 * ends, so that the demo always has work to do today.
 */
export function demoCampaignPeriod(now: Date): { name: string; startsAt: Date; endsAt: Date } {
	const b = new Date(now.getTime() + BEIJING_MS);
	const year = b.getUTCFullYear();
	const month = b.getUTCMonth() + 1;
	const inSeason = month >= FLOOD_FIRST_MONTH && month <= FLOOD_LAST_MONTH;
	const season = month > FLOOD_LAST_MONTH ? year + 1 : year;
	const today = shanghaiDayStart(year, month, b.getUTCDate());
	return {
		name: `${season}年汛期隐患排查`,
		startsAt: inSeason ? shanghaiDayStart(year, FLOOD_FIRST_MONTH, 1) : today,
		endsAt: shanghaiDayStart(season, FLOOD_LAST_MONTH + 1, 1)
	};
}

/**
 * Launch the demo campaign over the demo county administrator's county, unless the database
 * already holds a campaign (a restart, or a demo someone has already used). Returns its id, or
 * null when nothing was launched.
 */
export async function seedDemoCampaign(
	db: Kysely<DB>,
	log: (m: string) => void = () => {},
	now = new Date()
): Promise<number | null> {
	if (await db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst()) return null;
	const u = await db
		.selectFrom('users')
		.select(['id', 'username', 'role', 'jurisdiction_code'])
		.where('username', '=', 'county.admin')
		.where('active', '=', true)
		.executeTakeFirst();
	if (!u) return null;
	const who: Principal = {
		userId: Number(u.id),
		username: u.username,
		role: u.role as Role,
		jurisdiction: u.jurisdiction_code
	};
	const period = demoCampaignPeriod(now);
	const r = await createCampaign(
		db,
		who,
		{ ...period, areaCode: u.jurisdiction_code },
		{ ip: null, userAgent: 'demo seed' },
		now
	);
	log(`demo campaign "${period.name}": ${r.targets} targets, assigned by area (${r.ms} ms)`);
	return r.id;
}
