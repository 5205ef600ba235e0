// Waterway use cases: the river chief's segments sorted by risk, a segment's page, recording an
// equipment check from the field (exactly once, even when a phone retries), the dashboard.
// Over 400 lines on purpose: these use cases share the river chief's scope and the segment view
// model; the kept table (segment-table.ts) and next segment already live apart.
import { latestSegmentCampaignCheck } from '../repositories/campaigns';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canRecordChecks, seesHomeDistances, type Principal } from '../auth/policy';
import { distanceBand } from '$lib/domain/disclosure';
import { releasedChildrenNear } from './released-counts';
import {
	segmentTable,
	segmentTableVersion,
	riverChiefsKept,
	segmentPlacesOf,
	warmSegmentTable,
	type SegmentListItem
} from './segment-table';
import { nearestChildDistanceM } from '../repositories/children';
import { actorOf, appendAudit } from '../repositories/audit';
import { history, insertCheck, slots, photo, type CheckInput } from '../repositories/equipment';
import { featureDetail } from '../repositories/features';
import { processPhoto, MAX_PHOTOS_PER_CHECK } from '../photos';
import { syncNow } from './freshness';
import {
	assertAreaInScope,
	inSiteScope,
	PROVINCE_SCOPE,
	scopeFor,
	type Scope
} from '../auth/scope';
import {
	segmentLinesById,
	segmentLinesIn as segmentLines,
	segmentRequirement,
	segmentRiverChief,
	type SegmentLine
} from '../repositories/waterways';
import { CheckConflict, CheckRejected, NotFoundError, PhotoError } from '../errors';
import { completionTrend, type SubunitCompletion } from '../repositories/dashboard';
import { childUnits } from '../repositories/areas';
import { findUnit } from './areas';
import { isAdminCode, jurisdictionPrefix, townshipPrefix } from '$lib/domain/admin';
import {
	EQUIPMENT_ITEMS,
	FOUR_ITEMS,
	WATERWAY_KINDS,
	riskLevel,
	type RiskLevel,
	type EquipmentItem,
	type WaterwayKind
} from '$lib/domain/equipment';
import { isInHubei, isValidLonLat } from '$lib/geo/distance';
import * as v from 'valibot';
import { CheckPayload } from '$lib/domain/check';
import { issueField } from '$lib/i18n/issues';
import { isMessageKey } from '$lib/i18n';
import type { RequestMeta } from './auth';

export type { SegmentListItem };

export interface SegmentQuery {
	mine?: boolean;
	/** a river chief's user id (administrators and emergency staff filter by chief) */
	chief?: number;
	kind?: string;
	township?: string;
	completeness?: string;
	requiredOnly?: boolean;
}

/**
 * Segments in the viewer's area (river chiefs: their own by default), highest risk first:
 * filtered from the segment table kept for this data version (services/segment-table.ts).
 */
export async function segmentsFor(
	db: Kysely<DB>,
	who: Principal,
	q: SegmentQuery
): Promise<readonly SegmentListItem[]> {
	const scope = scopeFor(who.jurisdiction);
	const chief = q.mine
		? who.userId
		: q.chief && Number.isSafeInteger(q.chief)
			? q.chief
			: undefined;
	const kind = (WATERWAY_KINDS as readonly string[]).includes(q.kind ?? '')
		? (q.kind as WaterwayKind)
		: undefined;
	// a subdivision of the user's area: a prefecture, county or township (the list's filter)
	const area = q.township && isAdminCode(q.township) ? jurisdictionPrefix(q.township) : undefined;
	const rows = await segmentTable(db, scope.sitePrefix);
	// the same filter of the same kept table gives the same rows: filtered once, not on every
	// request of twenty users on one county's list (the array is shared: never changed)
	let lists = filteredBy.get(rows);
	if (!lists) filteredBy.set(rows, (lists = new Map()));
	const key = `${chief ?? ''}|${kind ?? ''}|${area ?? ''}|${q.requiredOnly ? 1 : 0}|${q.completeness ?? ''}`;
	let list = lists.get(key);
	if (!list) {
		list = rows.filter(
			(r) =>
				(chief === undefined || r.river_chief_id === chief) &&
				(kind === undefined || r.kind === kind) &&
				(area === undefined || r.township_code.startsWith(area)) &&
				(!q.requiredOnly || r.required) &&
				(!q.completeness || r.completeness === q.completeness)
		);
		if (lists.size >= MAX_FILTERED) lists.clear();
		lists.set(key, list);
	}
	return list;
}
/** Filtered lists by kept table (a new data version's table starts afresh) and filter. */
const filteredBy = new WeakMap<
	readonly SegmentListItem[],
	Map<string, readonly SegmentListItem[]>
>();
const MAX_FILTERED = 64;

export async function segmentPage(db: Kysely<DB>, who: Principal, id: number) {
	const detail = await featureDetail(db, 'waterway', id);
	if (
		!detail ||
		detail.layer !== 'waterway' ||
		!inSiteScope(scopeFor(who.jurisdiction), detail.adminCode)
	)
		throw new NotFoundError(`waterway/${id}`);
	const [s, h, r] = await Promise.all([slots(db, id), history(db, id), segmentRequirement(db, id)]);
	const [chief, campaignCheck] = await Promise.all([
		segmentRiverChief(db, id),
		latestSegmentCampaignCheck(db, id)
	]);
	// what the page may say about children near the water: the released count; the nearest
	// thing and its distance only to the roles whose duty the homes are (for anyone else "the
	// nearest is a school 418 m away" says every home is farther, and its absence that a home
	// is nearest); and to those the nearest child's home only as a band (the exact distance pins
	// a home: it is for the audited exact-home view alone)
	const released = r
		? await releasedChildrenNear(db, [{ id, countedByRule: r.children_within }], r.radius_m)
		: new Map<number, number>();
	const dutyToHomes = seesHomeDistances(who.role);
	const homeWithin = r?.near_kinds.includes('children') ?? false;
	const homeM =
		r && dutyToHomes && homeWithin
			? r.nearest_kind === 'children'
				? r.nearest_m
				: await nearestChildDistanceM(db, id, r.radius_m)
			: null;
	const requirement = r
		? {
				required: r.required,
				radiusM: r.radius_m,
				nearKinds: r.near_kinds,
				childrenWithin: released.get(id) ?? 0,
				nearest:
					!dutyToHomes ||
					r.nearest_m === null ||
					r.nearest_kind === null ||
					r.nearest_kind === 'children'
						? null
						: { m: r.nearest_m, kind: r.nearest_kind },
				nearestHomeBand: homeM === null ? null : distanceBand(homeM),
				childHomeWithin: r.near_kinds.includes('children')
			}
		: null;
	return {
		detail,
		slots: s,
		history: h,
		requirement,
		riverChief: chief?.name ?? null,
		campaignCheck,
		canRecord: canRecordChecks(who, detail.adminCode)
	};
}

/**
 * A check as the phone sent it (the CheckPayload schema of $lib/domain/check decides what is
 * acceptable) and its photos. Typed loosely on purpose: whatever a caller passes is parsed.
 */
export interface CheckSubmission {
	[field: string]: unknown;
	photos: { item: string | null; data: Buffer }[];
}

/** Validate everything first; nothing is written unless all of it is acceptable. */
export async function recordCheck(
	db: Kysely<DB>,
	who: Principal,
	submission: CheckSubmission,
	meta: RequestMeta,
	now = new Date()
) {
	// the endpoint has parsed it already; a direct caller gets the same rules and reasons
	const { photos: sentPhotos, ...payload } = submission;
	const parsed = v.safeParse(CheckPayload, payload);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		throw new CheckRejected(
			issueField(issue) || 'check',
			isMessageKey(issue.message) ? issue.message : 'error.badRequest'
		);
	}
	const s = parsed.output;
	const detail = await featureDetail(db, 'waterway', s.waterwayId);
	if (!detail || !inSiteScope(scopeFor(who.jurisdiction), detail.adminCode))
		throw new NotFoundError(`waterway/${s.waterwayId}`);
	if (!canRecordChecks(who, detail.adminCode))
		throw new CheckRejected('waterwayId', 'check.err.notAllowed');
	const stated = new Date(s.recordedAt);
	// an offline check may arrive days later; a phone's clock is often ahead by minutes or
	// hours: a check cannot have been made after it arrived, so such a time is taken as now.
	// A time half a day ahead or two months back is not a clock's drift: refused.
	if (
		stated.getTime() > now.getTime() + 12 * 3600_000 ||
		stated.getTime() < now.getTime() - 60 * 86400_000
	) {
		throw new CheckRejected('recordedAt', 'check.err.time');
	}
	const recordedAt = stated.getTime() > now.getTime() ? now : stated;
	const hasPos = s.lon !== null && s.lon !== undefined;
	if ((hasPos || (s.lat !== null && s.lat !== undefined)) && !isValidLonLat(s.lon, s.lat))
		throw new CheckRejected('position', 'check.err.position');
	const note = s.note || null;
	if (sentPhotos.length > MAX_PHOTOS_PER_CHECK)
		throw new CheckRejected('photos', 'check.err.tooManyPhotos');
	const photos: CheckInput['photos'] = [];
	for (const p of sentPhotos) {
		if (p.item !== null && !(EQUIPMENT_ITEMS as readonly string[]).includes(p.item))
			throw new CheckRejected('photos', 'check.err.item');
		try {
			const processed = await processPhoto(p.data);
			// the file's own EXIF wins; otherwise what the phone read before resizing
			const m = s.photoMeta?.[p.item ?? '*'];
			if (
				processed.gpsLon === null &&
				m &&
				isValidLonLat(m.lon, m.lat) &&
				isInHubei(m.lon, m.lat as number)
			) {
				processed.gpsLon = m.lon;
				processed.gpsLat = m.lat as number;
			}
			if (!processed.takenAt && m?.takenAt && !Number.isNaN(Date.parse(m.takenAt)))
				processed.takenAt = new Date(m.takenAt);
			photos.push({ item: p.item as EquipmentItem | null, ...processed });
		} catch (e) {
			if (e instanceof PhotoError) throw new CheckRejected('photos', e.message);
			throw e;
		}
	}
	const result = await db.transaction().execute(async (trx) => {
		const r = await insertCheck(trx, {
			clientUuid: s.clientUuid.toLowerCase(),
			waterwayId: s.waterwayId,
			userId: who.userId,
			recordedAt,
			lon: hasPos ? (s.lon as number) : null,
			lat: hasPos ? (s.lat as number) : null,
			note,
			slots: s.slots,
			photos
		});
		// a UUID is the phone's own: the same user retrying gets their check back, anyone else
		// would get a stranger's check id, so it is a conflict (and nothing was written)
		if (r.duplicate && r.byUser !== who.userId) throw new CheckConflict();
		if (!r.duplicate) {
			await appendAudit(trx, {
				...actorOf(who),
				action: 'equipment_check',
				resource: `waterway:${s.waterwayId}`,
				jurisdictionCode: detail.adminCode,
				detail: { check: r.id, slots: s.slots, photos: photos.length },
				...meta
			});
		}
		return { id: r.id, duplicate: r.duplicate };
	});
	// the check moved the data version (trigger); this process's own caches follow at once
	if (!result.duplicate) await syncNow(db);
	return result;
}

export async function photoFor(db: Kysely<DB>, who: Principal, id: number) {
	const p = await photo(db, id);
	if (!p || !inSiteScope(scopeFor(who.jurisdiction), p.township))
		throw new NotFoundError(`photo/${id}`);
	return p;
}

export interface Dashboard {
	area: { code: string; name: string; level: string };
	/**
	 * where the four-item figures come from: the area itself, or for a village the township
	 * around it (waterways are registered to townships; the children's figures stay the village's)
	 */
	sitesArea: { code: string; name: string };
	totals: { required: number; complete: number };
	bySubunit: SubunitCompletion[];
	trend: { week: string; required: number; complete: number }[];
	top: {
		id: number;
		name: string;
		kind: WaterwayKind;
		township: string;
		usable: number;
		risk: RiskLevel;
	}[];
}

/** Per database (one in the app; tests open several, whose data versions may coincide). */
const dashCaches = new WeakMap<Kysely<DB>, Map<string, { at: number; value: Dashboard }>>();
/** The trend's last week ends now: kept for this long within one data version. */
const DASH_TTL_MS = 10 * 60_000;

/** The four-item dashboard of an area inside the viewer's jurisdiction. */
export async function dashboard(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string
): Promise<Dashboard> {
	return dashboardFor(db, scopeFor(who.jurisdiction), areaCode);
}

async function dashboardFor(db: Kysely<DB>, scope: Scope, areaCode: string): Promise<Dashboard> {
	assertAreaInScope(scope, areaCode);
	const version = await segmentTableVersion(db);
	let dashCache = dashCaches.get(db);
	if (!dashCache) dashCaches.set(db, (dashCache = new Map()));
	// an area's dashboard is the same whoever may see it (the scope only decides that): one
	// entry an area, so the prefectures warmed at start serve their own users too
	const key = `${areaCode}|${version}`;
	const hit = dashCache.get(key);
	if (hit && Date.now() - hit.at < DASH_TTL_MS) return hit.value;
	const unit = await findUnit(db, areaCode);
	if (!unit) throw new NotFoundError(areaCode);
	const prefix = jurisdictionPrefix(areaCode);
	const sitePrefix = townshipPrefix(prefix);
	const sitesUnit = unit.level === 'village' ? await findUnit(db, `${sitePrefix}000`) : unit;
	const childLen = { province: 4, prefecture: 6, county: 9, township: 12, village: 12 }[unit.level];
	const [subunits, trend, table] = await Promise.all([
		unit.level === 'village' || unit.level === 'township'
			? Promise.resolve([])
			: childUnits(db, areaCode),
		completionTrend(db, sitePrefix),
		segmentTable(db, sitePrefix)
	]);
	// the segments needing the items, in risk order (the table's): the ranking, the totals and
	// each subdivision's figures, from the same kept rows as the lists
	const segs = table.filter((r) => r.required);
	const bySub = new Map(
		subunits.map((u) => [u.code.slice(0, childLen), { required: 0, complete: 0 }])
	);
	for (const r of segs) {
		const f = bySub.get(r.township_code.slice(0, childLen));
		if (!f) continue;
		f.required++;
		if (r.usable === 4) f.complete++;
	}
	const bySubunit: SubunitCompletion[] = subunits.map((u) => ({
		code: u.code,
		name: u.name,
		...bySub.get(u.code.slice(0, childLen))!
	}));
	const value: Dashboard = {
		area: { code: unit.code, name: unit.name, level: unit.level },
		sitesArea: { code: sitesUnit?.code ?? unit.code, name: sitesUnit?.name ?? unit.name },
		totals: { required: segs.length, complete: segs.filter((s) => s.usable === 4).length },
		bySubunit,
		trend: trend.map((p) => ({
			week: new Date(p.week).toISOString(),
			required: p.required,
			complete: p.complete
		})),
		top: segs
			.filter((r) => r.usable < 4)
			.slice(0, 20)
			.map((r) => ({
				id: r.id,
				name: r.name,
				kind: r.kind,
				township: r.township_name,
				usable: r.usable,
				risk: riskLevel(r.risk)
			}))
	};
	for (const [k, e] of dashCache)
		if (!k.endsWith(`|${version}`) || Date.now() - e.at >= DASH_TTL_MS) dashCache.delete(k);
	if (dashCache.size > 200) dashCache.clear();
	dashCache.set(key, { at: Date.now(), value });
	return value;
}

/**
 * Compute the province's segment table and dashboard (and its prefectures') for the current
 * data version if they are not kept already: at start, and after a change while province or prefecture views are in use
 * (services/segment-table.ts), so that their first request does not pay for them.
 */
export async function warmProvinceViews(db: Kysely<DB>): Promise<void> {
	await warmSegmentTable(db);
	const province = await dashboardFor(db, PROVINCE_SCOPE, PROVINCE_SCOPE.jurisdiction);
	// and each prefecture's, the province's drill-down and its own staff's first view (its
	// completion trend is a few hundred milliseconds of PostgreSQL): one at a time, so that
	// on the embedded engine's one connection users' queries go between them
	for (const p of province.bySubunit) await dashboardFor(db, PROVINCE_SCOPE, p.code);
}

/** River chiefs whose jurisdiction lies in the viewer's area (for the filter). */
export async function riverChiefsFor(
	db: Kysely<DB>,
	who: Principal
): Promise<{ id: number; name: string }[]> {
	const scope = scopeFor(who.jurisdiction);
	// kept for the data version, as the rows are: not one query per list
	return riverChiefsKept(db, scope.sitePrefix);
}

/** Segment lines in a small box inside the viewer's waterways, for "segments near me". */
export function segmentLinesIn(
	db: Kysely<DB>,
	scope: Scope,
	bbox: readonly [number, number, number, number] | readonly number[]
): Promise<SegmentLine[]> {
	return segmentLines(db, scope.sitePrefix, bbox);
}

/**
 * The segment list of an export: the rows of the list (the same kept table, so the same
 * released counts and order), which of the four items each lacks (from the same rows), and
 * where each is, found for each chunk as the file is written.
 */
export async function segmentsForExport(db: Kysely<DB>, who: Principal, q: SegmentQuery) {
	const rows = await segmentsFor(db, who, q);
	return {
		rows,
		missing: (r: SegmentListItem) => FOUR_ITEMS.filter((i) => !r.usable_items.includes(i)),
		// from the rows and the villages kept for this version: no query per chunk
		places: (part: readonly SegmentListItem[]) =>
			segmentPlacesOf(db, scopeFor(who.jurisdiction).sitePrefix, part),
		// the GeoJSON's geometry: each segment's own line, one query per chunk
		lines: (part: readonly SegmentListItem[]) =>
			segmentLinesById(
				db,
				scopeFor(who.jurisdiction).sitePrefix,
				part.map((r) => r.id)
			)
	};
}

/** An export of the segment list is written to the audit log (format and number of rows). */
export async function auditSegmentExport(
	db: Kysely<DB>,
	who: Principal,
	format: string,
	rows: number,
	meta: RequestMeta,
	/** the file's name and the filters it was made with */
	what: { file?: string; query?: SegmentQuery } = {}
): Promise<void> {
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `segments.${format}`,
		jurisdictionCode: who.jurisdiction,
		detail: { rows, ...what },
		...meta
	});
}

/** The box around these segments (the list's map view), or null for none. */
