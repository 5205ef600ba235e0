// Waterway use cases: the river chief's segments sorted by risk, a segment's page, recording an
// equipment check from the field (exactly once, even when a phone retries), the dashboard.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canRecordChecks, seesHomeDistances, type Principal } from '../auth/policy';
import { distanceBand } from '$lib/domain/disclosure';
import { releasedChildrenNear } from './released-counts';
import { nearestChildDistanceM } from '../repositories/children';
import { ruleRadius } from '../repositories/segment-rule';
import { actorOf, appendAudit } from '../repositories/audit';
import {
	history,
	insertCheck,
	listSegments,
	slots,
	photo,
	type CheckInput,
	type SegmentRow
} from '../repositories/equipment';
import { featureDetail } from '../repositories/features';
import { processPhoto, MAX_PHOTOS_PER_CHECK } from '../photos';
import { mapDataVersion } from './map';
import { assertAreaInScope, inSiteScope, scopeFor, type Scope } from '../auth/scope';
import {
	segmentLinesIn as segmentLines,
	segmentRequirement,
	segmentRiverChief,
	type SegmentLine
} from '../repositories/waterways';
import { riverChiefsUnder } from '../repositories/users';
import { missingItems } from '../repositories/equipment';
import { CheckConflict, CheckRejected, NotFoundError, PhotoError } from '../errors';
import {
	completionBySubunit,
	completionTrend,
	type SubunitCompletion
} from '../repositories/dashboard';
import { findUnit } from '../repositories/areas';
import { isAdminCode, jurisdictionPrefix, townshipPrefix } from '$lib/domain/admin';
import {
	EQUIPMENT_ITEMS,
	WATERWAY_KINDS,
	compareRisk,
	riskLevel,
	type RiskLevel,
	completenessFromCount,
	riskScore,
	type Completeness,
	type EquipmentItem,
	type WaterwayKind
} from '$lib/domain/equipment';
import { isInHubei, isValidLonLat } from '$lib/geo/distance';
import * as v from 'valibot';
import { CheckPayload } from '$lib/domain/check';
import { issueField } from '$lib/i18n/issues';
import { isMessageKey } from '$lib/i18n';
import type { RequestMeta } from './auth';
import { mapDataChanged } from './derived-data';

export interface SegmentListItem extends SegmentRow {
	completeness: Completeness;
	risk: number;
}

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
 * The rows with `children_within` replaced by its released (perturbed) count: what the list,
 * the dashboard's ranking and exports show, and what risk and order are computed from, so
 * neither reveals more than the released count.
 */
async function withReleasedChildren<T extends { id: number; children_within: number }>(
	db: Kysely<DB>,
	rows: T[]
): Promise<T[]> {
	const released = await releasedChildrenNear(
		db,
		rows.map((r) => ({ id: r.id, countedByRule: r.children_within })),
		await ruleRadius(db)
	);
	return rows.map((r) => ({ ...r, children_within: released.get(r.id) ?? 0 }));
}

/** Segments in the viewer's area (river chiefs: their own by default), highest risk first. */
export async function segmentsFor(
	db: Kysely<DB>,
	who: Principal,
	q: SegmentQuery
): Promise<SegmentListItem[]> {
	const scope = scopeFor(who.jurisdiction);
	const rows = await listSegments(db, {
		sitePrefix: scope.sitePrefix,
		riverChiefId: q.mine
			? who.userId
			: q.chief && Number.isSafeInteger(q.chief)
				? q.chief
				: undefined,
		kind: (WATERWAY_KINDS as readonly string[]).includes(q.kind ?? '')
			? (q.kind as WaterwayKind)
			: undefined,
		// a subdivision of the user's area: a prefecture, county or township (the list's filter)
		areaPrefix: q.township && isAdminCode(q.township) ? jurisdictionPrefix(q.township) : undefined,
		requiredOnly: q.requiredOnly
	});
	return (await withReleasedChildren(db, rows))
		.map((r) => ({
			...r,
			completeness: completenessFromCount(r.usable),
			risk: r.required ? riskScore(r.kind, r.children_within, r.usable) : 0
		}))
		.filter((r) => !q.completeness || r.completeness === q.completeness)
		.sort((a, b) =>
			compareRisk(
				{ ...a, childrenWithin: a.children_within },
				{ ...b, childrenWithin: b.children_within }
			)
		);
}

export async function segmentPage(db: Kysely<DB>, who: Principal, id: number) {
	const detail = await featureDetail(db, 'waterway', id);
	if (
		!detail ||
		detail.layer !== 'waterway' ||
		!inSiteScope(scopeFor(who.jurisdiction), detail.adminCode)
	)
		throw new NotFoundError(`waterway/${id}`);
	const [s, h, r] = await Promise.all([slots(db, id), history(db, id), segmentRequirement(db, id)]);
	const chief = await segmentRiverChief(db, id);
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
	if (!result.duplicate) await mapDataChanged(db);
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

const dashCache = new Map<string, { at: number; value: Dashboard }>();

/** The four-item dashboard of an area inside the viewer's jurisdiction. */
export async function dashboard(
	db: Kysely<DB>,
	who: Principal,
	areaCode: string
): Promise<Dashboard> {
	const scope = scopeFor(who.jurisdiction);
	assertAreaInScope(scope, areaCode);
	const key = `${scope.sitePrefix}|${areaCode}|${mapDataVersion()}`;
	const hit = dashCache.get(key);
	if (hit && Date.now() - hit.at < 60_000) return hit.value;
	const unit = await findUnit(db, areaCode);
	if (!unit) throw new NotFoundError(areaCode);
	const prefix = jurisdictionPrefix(areaCode);
	const sitePrefix = townshipPrefix(prefix);
	const sitesUnit = unit.level === 'village' ? await findUnit(db, `${sitePrefix}000`) : unit;
	const childLen = { province: 4, prefecture: 6, county: 9, township: 12, village: 12 }[unit.level];
	const [bySubunit, trend, segs] = await Promise.all([
		unit.level === 'village' || unit.level === 'township'
			? Promise.resolve([])
			: completionBySubunit(db, areaCode, childLen, sitePrefix),
		completionTrend(db, sitePrefix),
		listSegments(db, { sitePrefix, requiredOnly: true }).then((rows) =>
			withReleasedChildren(db, rows)
		)
	]);
	const ranked = segs
		.map((r) => ({ ...r, risk: riskScore(r.kind, r.children_within, r.usable) }))
		.sort((a, b) =>
			compareRisk(
				{ ...a, childrenWithin: a.children_within },
				{ ...b, childrenWithin: b.children_within }
			)
		);
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
		top: ranked
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
	if (dashCache.size > 200) dashCache.clear();
	dashCache.set(key, { at: Date.now(), value });
	return value;
}

/** River chiefs whose jurisdiction lies in the viewer's area (for the filter). */
export async function riverChiefsFor(
	db: Kysely<DB>,
	who: Principal
): Promise<{ id: number; name: string }[]> {
	const scope = scopeFor(who.jurisdiction);
	return riverChiefsUnder(db, scope.sitePrefix);
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
 * The segment list of an export and which of the four items each segment lacks, read in one
 * snapshot so that they agree.
 */
export function segmentsForExport(db: Kysely<DB>, who: Principal, q: SegmentQuery) {
	return db
		.transaction()
		.setIsolationLevel('repeatable read')
		.setAccessMode('read only')
		.execute(async (trx) => {
			const rows = await segmentsFor(trx, who, q);
			return {
				rows,
				missing: await missingItems(
					trx,
					rows.map((r) => r.id)
				)
			};
		});
}

/** An export of the segment list is written to the audit log (format and number of rows). */
export async function auditSegmentExport(
	db: Kysely<DB>,
	who: Principal,
	format: string,
	rows: number,
	meta: RequestMeta
): Promise<void> {
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `segments.${format}`,
		jurisdictionCode: who.jurisdiction,
		detail: { rows },
		...meta
	});
}

/** The box around these segments (the list's map view), or null for none. */
export { segmentsExtent } from '../repositories/waterways';
