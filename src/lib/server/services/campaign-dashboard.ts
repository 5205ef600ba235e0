// A campaign's progress for leaders: the dashboard (now) and the daily bulletin (通报, as at the
// end of a Beijing day), both within the viewer's jurisdiction exactly as the campaign page is
// (a campaign they cannot see is "not found"; targets and hazards outside their township or
// county are left out). Counts of targets and hazards only: no child is counted here. The
// dashboard's tables as files are audited like every export.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import { scopeFor } from '../auth/scope';
import { NotFoundError } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import { findCampaign, type CampaignRow } from '../repositories/campaigns';
import {
	firstVisitsByDay,
	hazardsAt,
	targetsByTownship,
	unvisitedTargets,
	type HazardAtRow
} from '../repositories/campaign-dashboard';
import { findUnit } from './areas';
import { paperStill } from './paper-map';
import { unitCentres } from '../repositories/report';
import { campaignItemLabels } from './checklists';
import { labelKey } from '$lib/domain/checklist';
import type { RequestMeta } from './auth';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { targetName } from '$lib/domain/campaign';
import {
	bulletinDays,
	campaignDays,
	deadlineDay,
	cumulative,
	daysOverdue,
	directLevel,
	endOfBeijingDay,
	seriesDays,
	type CampaignDashboardTable,
	type OverdueRow,
	type TownshipRow
} from '$lib/domain/campaign-dashboard';

async function visibleCampaign(db: Kysely<DB>, who: Principal, id: number): Promise<CampaignRow> {
	const c = await findCampaign(db, id);
	const mine = jurisdictionPrefix(who.jurisdiction);
	const its = c ? jurisdictionPrefix(c.area_code) : '';
	// the viewer's area and the campaign's overlap (as on the campaign page)
	if (!c || !(its.startsWith(mine) || mine.startsWith(its)))
		throw new NotFoundError(`campaign/${id}`);
	return c;
}

export interface HazardPoint {
	id: number;
	lon: number;
	lat: number;
	/** null: found, not yet graded (registered) */
	severity: string | null;
	name: string;
}

export interface OpenHazard extends HazardPoint {
	/** a segment target's 编号, which tells apart segments of one river's name */
	segmentNo: number | null;
	township: string;
	/** the township's code, or the county's own for a county-level target (townshipRowName) */
	townshipCode: string;
	item: string;
	checklist: string;
	/** the campaign's own words for the item (an added or renamed one), else null */
	label: string | null;
	state: string;
	responsible: string | null;
	deadline: string | null;
	overdue: boolean;
}

function isOverdueAt(h: HazardAtRow, at: Date): boolean {
	return (
		h.state !== 'closed' && h.deadline !== null && new Date(h.deadline).getTime() < at.getTime()
	);
}

const lastDay = (d: Date) => deadlineDay(new Date(d));

/** Everything both views show, at instant `at`. */
async function progressAt(db: Kysely<DB>, who: Principal, c: CampaignRow, at: Date) {
	const sitePrefix = scopeFor(who.jurisdiction).sitePrefix;
	const [targets, visits, hazards, words] = await Promise.all([
		targetsByTownship(db, c.id, sitePrefix, at),
		firstVisitsByDay(db, c.id, sitePrefix, at),
		hazardsAt(db, c.id, sitePrefix, at),
		campaignItemLabels(db, [c.id])
	]);
	const labelOf = (h: HazardAtRow) => words[labelKey(c.id, h.checklist, h.item)] ?? null;
	const byTownship = new Map<string, HazardAtRow[]>();
	for (const h of hazards) {
		const list = byTownship.get(h.township_code) ?? [];
		list.push(h);
		byTownship.set(h.township_code, list);
	}
	// a county's own units (county-level institutions) after its townships, as the tables show them
	const inOrder = [...targets].sort(
		(a, b) => Number(directLevel(a.code) !== null) - Number(directLevel(b.code) !== null)
	);
	const townships: TownshipRow[] = inOrder.map((t) => {
		const hs = byTownship.get(t.code) ?? [];
		return {
			code: t.code,
			name: t.name,
			targets: t.targets,
			visited: t.visited,
			visitedShare: t.targets ? t.visited / t.targets : null,
			found: hs.length,
			fixed: hs.filter((h) => h.state === 'fixed' || h.state === 'closed').length,
			closed: hs.filter((h) => h.state === 'closed').length,
			open: hs.filter((h) => h.state !== 'closed').length,
			overdue: hs.filter((h) => isOverdueAt(h, at)).length
		};
	});
	const sum = (k: 'targets' | 'visited' | 'found' | 'fixed' | 'closed' | 'open' | 'overdue') =>
		townships.reduce((a, r) => a + r[k], 0);
	const totals = {
		targets: sum('targets'),
		visited: sum('visited'),
		found: sum('found'),
		fixed: sum('fixed'),
		closed: sum('closed'),
		open: sum('open'),
		overdue: sum('overdue')
	};
	const open: OpenHazard[] = hazards
		.filter((h) => h.state !== 'closed')
		.map((h) => ({
			id: h.id,
			lon: h.lon,
			lat: h.lat,
			severity: h.severity,
			name: targetName(h.target_kind, h.target_name, h.target_id),
			segmentNo: h.target_source,
			township: h.township_name,
			townshipCode: h.township_code,
			item: h.item,
			checklist: h.checklist,
			label: labelOf(h),
			state: h.state,
			responsible: h.responsible,
			deadline: h.deadline ? lastDay(h.deadline) : null,
			overdue: isOverdueAt(h, at)
		}));
	const overdue: OverdueRow[] = hazards
		.filter((h) => isOverdueAt(h, at))
		.map((h) => ({
			code: String(h.id),
			id: h.id,
			name: targetName(h.target_kind, h.target_name, h.target_id),
			segmentNo: h.target_source,
			township: h.township_name,
			townshipCode: h.township_code,
			item: h.item,
			checklist: h.checklist,
			label: labelOf(h),
			state: h.state,
			severity: h.severity,
			responsible: h.responsible,
			deadline: lastDay(h.deadline!),
			daysOverdue: daysOverdue(new Date(h.deadline!), at)
		}));
	const unit = await findUnit(db, c.area_code);
	const mine = await findUnit(db, who.jurisdiction);
	// the map frames the smaller of the campaign's area and the viewer's own
	const frame =
		jurisdictionPrefix(who.jurisdiction).length > jurisdictionPrefix(c.area_code).length
			? mine
			: unit;
	return {
		townships,
		totals,
		open,
		overdue,
		hazards,
		visits,
		bbox: frame?.bbox ?? unit?.bbox ?? null,
		frameCode: frame?.code ?? c.area_code
	};
}

function campaignHead(c: CampaignRow, at: Date) {
	return {
		id: c.id,
		name: c.name,
		areaCode: c.area_code,
		areaName: c.area_name,
		...campaignDays({ startsAt: c.starts_at, endsAt: c.ends_at }),
		open: c.starts_at.getTime() <= at.getTime() && at.getTime() < c.ends_at.getTime()
	};
}

/** The campaign dashboard as it stands at `at` (now): figures, series, overdue list, open map. */
export async function campaignDashboard(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	at = new Date()
) {
	const c = await visibleCampaign(db, who, id);
	const p = await progressAt(db, who, c, at);
	const days = seriesDays({ startsAt: c.starts_at, endsAt: c.ends_at }, at);
	const perTownship = new Map<string, Map<string, number>>();
	for (const v of p.visits) {
		const m = perTownship.get(v.code) ?? new Map<string, number>();
		m.set(v.day, v.n);
		perTownship.set(v.code, m);
	}
	const count = (pick: (h: HazardAtRow) => string | null) => {
		const m = new Map<string, number>();
		for (const h of p.hazards) {
			const d = pick(h);
			if (d) m.set(d, (m.get(d) ?? 0) + 1);
		}
		return cumulative(days, m);
	};
	return {
		campaign: campaignHead(c, at),
		at,
		bbox: p.bbox,
		frameCode: p.frameCode,
		// the map on paper until the live map has its picture (printed at once after opening)
		still: p.bbox ? await paperStill(db, p.frameCode, p.bbox) : null,
		totals: p.totals,
		townships: p.townships,
		visitsByTownship: p.townships.map((t) => ({
			code: t.code,
			name: t.name,
			targets: t.targets,
			visited: cumulative(days, perTownship.get(t.code) ?? new Map())
		})),
		hazardSeries: {
			found: count((h) => h.found_day),
			fixed: count((h) => (h.state === 'fixed' || h.state === 'closed' ? h.fixed_day : null)),
			closed: count((h) => h.closed_day)
		},
		days,
		overdue: p.overdue,
		open: p.open
	};
}

/**
 * The daily bulletin of a Beijing day: the figures at its end (or now, for today), what that
 * day added, every township, every overdue and open hazard and every target not yet visited.
 */
export async function campaignBulletin(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	requested: string | null,
	now = new Date()
) {
	const c = await visibleCampaign(db, who, id);
	// only a day of the campaign up to today has figures: another is moved to the nearest one,
	// so the header's "as at" and the table's day always name the same day
	const days = bulletinDays({ startsAt: c.starts_at, endsAt: c.ends_at }, requested, now);
	const day = days.day;
	const end = endOfBeijingDay(day);
	const at = end.getTime() > now.getTime() ? now : end;
	const p = await progressAt(db, who, c, at);
	const unvisited = (
		await unvisitedTargets(db, c.id, scopeFor(who.jurisdiction).sitePrefix, at)
	).map((t) => ({ ...t, name: targetName(t.kind, t.name, t.id) }));
	return {
		campaign: campaignHead(c, at),
		day,
		requestedDay: requested,
		minDay: days.minDay,
		maxDay: days.maxDay,
		moved: days.moved,
		at,
		/** the figures are those at the end of the day (a past day), not at this moment */
		dayEnded: at.getTime() === end.getTime(),
		bbox: p.bbox,
		frameCode: p.frameCode,
		still: p.bbox ? await paperStill(db, p.frameCode, p.bbox) : null,
		totals: p.totals,
		today: {
			visited: p.visits.filter((v) => v.day === day).reduce((a, v) => a + v.n, 0),
			found: p.hazards.filter((h) => h.found_day === day).length,
			fixed: p.hazards.filter((h) => h.fixed_day === day).length,
			closed: p.hazards.filter((h) => h.closed_day === day).length
		},
		townships: p.townships,
		overdue: p.overdue,
		open: p.open,
		unvisited
	};
}

/** One of the dashboard's tables for a file, scoped as the screen, and the export audited. */
export async function campaignDashboardTable(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	table: CampaignDashboardTable,
	format: 'csv' | 'xlsx' | 'geojson',
	meta: RequestMeta,
	at = new Date()
): Promise<{
	campaign: { id: number; name: string; areaCode: string };
	townships: TownshipRow[];
	overdue: OverdueRow[];
	/** each row's place for the GeoJSON: a township at its centre, a hazard at its target */
	places: Map<string, { lon: number; lat: number }>;
}> {
	const c = await visibleCampaign(db, who, id);
	const p = await progressAt(db, who, c, at);
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `campaign:${id}.${table}.${format}`,
		jurisdictionCode: who.jurisdiction,
		detail: { rows: table === 'townships' ? p.townships.length : p.overdue.length },
		...meta
	});
	return {
		campaign: { id: c.id, name: c.name, areaCode: c.area_code },
		townships: p.townships,
		overdue: p.overdue,
		places:
			table === 'townships'
				? await unitCentres(
						db,
						p.townships.map((r) => r.code)
					)
				: new Map(p.hazards.map((h) => [String(h.id), { lon: h.lon, lat: h.lat }]))
	};
}
