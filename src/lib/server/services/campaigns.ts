// Flood-season hazard campaigns (汛期隐患排查): an administrator launches one over an area, its
// targets come from proximity analysis in PostGIS and are assigned by area, field staff check
// them item by item, and every hazard found is taken through 排查 → 登记 → 整改 → 销号
// (domain/hazard.ts). Every read is scoped to the viewer's jurisdiction (a target or hazard
// outside it is "not found"), every write is audited, and the only count of children here is
// released through services/released-counts.ts.
// Over 400 lines on purpose: launch, assignment, checks and the hazard lifecycle share one
// scope check and one audit vocabulary; each use case here is a short function.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	canFixHazard,
	canManageCampaigns,
	canRecordChecks,
	reachesTargetKind,
	canRegisterHazard,
	canVerifyHazard,
	holdsTargets,
	mayHoldTarget,
	type Principal
} from '../auth/policy';
import { inSiteScope, scopeFor } from '../auth/scope';
import { ADMIN_ROLES, ROLES, type Role } from '../auth/roles';
import { CampaignRejected, CheckConflict, Forbidden, NotFoundError, PhotoError } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import { findUnit } from './areas';
import {
	appendHazardEvent,
	assigneesFor,
	campaignProgress,
	campaignTargets,
	checksOfTarget,
	findCampaign,
	findHazard,
	findTarget,
	findUserBrief,
	hazardEventByClientUuid,
	hazardEvents,
	hazardPhoto,
	hazardsOf,
	insertCampaign,
	insertHazardPhoto,
	insertTargetCheck,
	insertTargets,
	analyzeTargets,
	listCampaigns,
	othersTargetsIn,
	pointSources,
	centresUnder,
	type NearestWater,
	type PointTargetKind,
	setAssignee,
	targetsAssignedTo,
	updateHazardState,
	type CampaignRow,
	type HazardRow,
	type TargetRow
} from '../repositories/campaigns';
import { releasedChildrenNearIncompleteByVillage } from './released-counts';
import { answeredVersion, checksWithVersions, currentChecklist } from './checklists';
import { processPhoto } from '../photos';
import { photosOfHazardFinding } from '../repositories/field';
import { jurisdictionPrefix, levelOfCode, padCode, townshipPrefix } from '$lib/domain/admin';
import {
	DEFAULT_RULES,
	NEAREST_WATER_SEARCH_M,
	RULE_DISTANCE_MAX_M,
	RULE_DISTANCE_MIN_M,
	campaignOpen,
	targetName,
	type Answer,
	type TargetReason,
	type TargetRules
} from '$lib/domain/campaign';
import {
	actionsFrom,
	advance,
	isOverdue,
	takenInField,
	type HazardAction,
	type HazardState,
	type HazardStep
} from '$lib/domain/hazard';
import { inChecklistOrder } from '$lib/domain/checklist';
import { isValidLonLat } from '$lib/geo/distance';
import { analysisFor } from './exposure';
import type { RequestMeta } from './auth';
import { mayOpenHomes } from './residences';

/** The longest campaign: a flood season with some margin. */
const MAX_CAMPAIGN_DAYS = 366;

export interface CampaignInput {
	name: string;
	areaCode: string;
	startsAt: Date;
	endsAt: Date;
	rules?: Partial<TargetRules>;
}

function reject(field: string, key: string): never {
	throw new CampaignRejected(field, key);
}

/** The codes of the units above a jurisdiction (a county's prefecture and province…). */
function ancestorsOf(code: string): string[] {
	const prefix = jurisdictionPrefix(code);
	return [2, 4, 6, 9].filter((n) => n < prefix.length).map((n) => padCode(prefix.slice(0, n)));
}

/** Whether the viewer may see the campaign at all (its area and theirs overlap). */
function visible(who: Principal, c: CampaignRow): boolean {
	const mine = jurisdictionPrefix(who.jurisdiction);
	const its = jurisdictionPrefix(c.area_code);
	return its.startsWith(mine) || mine.startsWith(its);
}

/**
 * Launch a campaign: check it, store it, generate its targets and assign them, in one
 * transaction; audited. Returns the new id and what was generated.
 */
export async function createCampaign(
	db: Kysely<DB>,
	who: Principal,
	input: CampaignInput,
	meta: RequestMeta,
	now = new Date(),
	/**
	 * Who answers the proximity questions: the in-memory engine (the default; PostGIS when it
	 * cannot) or PostGIS alone. Both give the same targets (tests/integration/campaigns.test.ts).
	 */
	engine: 'memory' | 'postgis' = 'memory'
): Promise<{ id: number; targets: number; ms: number }> {
	const name = input.name.trim();
	if (!name || name.length > 100) reject('name', 'cp.err.name');
	if (!canManageCampaigns(who, input.areaCode)) {
		if (!who.role.endsWith('_admin')) throw new Forbidden();
		reject('area', 'cp.err.area');
	}
	const unit = await findUnit(db, input.areaCode);
	if (!unit) reject('area', 'cp.err.area');
	// sites and segments are registered to townships: a campaign covers a township or more
	if (levelOfCode(input.areaCode) === 'village') reject('area', 'cp.err.areaLevel');
	if (Number.isNaN(input.startsAt.getTime()) || Number.isNaN(input.endsAt.getTime()))
		reject('starts', 'cp.err.period');
	if (input.endsAt.getTime() <= input.startsAt.getTime()) reject('ends', 'cp.err.period');
	if (input.endsAt.getTime() - input.startsAt.getTime() > MAX_CAMPAIGN_DAYS * 86400_000)
		reject('ends', 'cp.err.tooLong');
	if (input.endsAt.getTime() <= now.getTime()) reject('ends', 'cp.err.past');
	const rules: TargetRules = { ...DEFAULT_RULES, ...input.rules };
	for (const f of ['institutionWaterM', 'villageWaterM'] as const) {
		const m = rules[f];
		if (!Number.isFinite(m) || m < RULE_DISTANCE_MIN_M || m > RULE_DISTANCE_MAX_M)
			reject(f, 'cp.err.distance');
	}
	const t0 = performance.now();
	const prefix = jurisdictionPrefix(input.areaCode);
	// counted outside the transaction: the released figures module reads on its own connection
	const fast = await proximityEngine(db, engine);
	// the engine counts the villages' children while the database reads the places it is then
	// asked about (the sites, and every unit's centre, the villages' among them): neither needs
	// the other
	const [villages, places] = await Promise.all([
		rules.villages
			? releasedChildrenNearIncompleteByVillage(db, prefix, rules.villageWaterM, fast)
			: new Map<string, number>(),
		fast === 'memory'
			? Promise.all([pointSources(db, prefix, rules), centresUnder(db, prefix)])
			: null
	]);
	// the engine measures the point targets' nearest water while the transaction below writes
	// the segments, which need no answer from it (on two cores, both at once). Asked without a
	// second version check, which would read the database the transaction may be holding.
	const nearing = places ? nearestWaterOf(db, ...places, villages) : Promise.resolve(null);
	// awaited inside the transaction; marked handled so that a failure before then is not
	// reported as unhandled (the await still throws it, and the transaction rolls back)
	nearing.catch(() => {});
	const r = await db.transaction().execute(async (trx) => {
		const id = await insertCampaign(trx, {
			name,
			areaCode: input.areaCode,
			startsAt: input.startsAt,
			endsAt: input.endsAt,
			rules,
			createdBy: who.userId
		});
		// every target written once, with its holder (repositories/campaigns.ts, insertTargets):
		// the segments first, then the point targets with their nearest water
		const segments = { ...rules, institutions: false, homes: false, stations: false };
		let n = await insertTargets(trx, id, { prefix, rules: segments, villages: [] });
		const near = await nearing;
		n += await insertTargets(trx, id, {
			prefix,
			rules: { ...rules, segments: false },
			villages: [...villages].map(([code, released]) => ({ code, released })),
			near: near ? { ...near.sites, village: near.villages } : undefined
		});
		await appendAudit(trx, {
			...actorOf(who),
			action: 'campaign_created',
			resource: `campaign:${id}`,
			jurisdictionCode: input.areaCode,
			detail: { name, targets: n, rules },
			...meta
		});
		return { id, targets: n };
	});
	// the new targets' statistics (repositories/campaigns.ts): the pages that read them next are
	// planned from these
	await analyzeTargets(db);
	return { ...r, ms: Math.round(performance.now() - t0) };
}

/**
 * The in-memory engine if it is wanted and can answer for the data as it is now (a version check,
 * and a reload only if the data changed since it last loaded), else PostGIS.
 */
async function proximityEngine(
	db: Kysely<DB>,
	wanted: 'memory' | 'postgis'
): Promise<'memory' | 'postgis'> {
	if (wanted === 'postgis') return 'postgis';
	try {
		const a = analysisFor(db);
		await a.refreshNow();
		await a.refresh();
		return 'memory';
	} catch (e) {
		console.warn(`[tongan] campaign targets through PostGIS alone: ${(e as Error).message}`);
		return 'postgis';
	}
}

/**
 * Every point target's nearest water within the search distance, by the in-memory engine: the
 * same segment and distance (to well under a millimetre) as PostGIS finds, for a province's
 * institutions, homes, stations and villages at once.
 */
async function nearestWaterOf(
	db: Kysely<DB>,
	sites: { kind: PointTargetKind; key: string; lon: number; lat: number }[],
	centres: Map<string, { lon: number; lat: number }>,
	villages: Map<string, number>
) {
	const all: { kind?: PointTargetKind; key: string; lon: number; lat: number }[] = [...sites];
	for (const key of villages.keys()) {
		const c = centres.get(key);
		if (c) all.push({ key, ...c });
	}
	const found = await analysisFor(db).nearestSegmentTo(
		{ lon: all.map((p) => p.lon), lat: all.map((p) => p.lat) },
		{ checked: true }
	);
	const none = (): NearestWater => ({ keys: [], segmentIds: [], distancesM: [] });
	const out = { sites: {} as Record<PointTargetKind, NearestWater>, villages: none() };
	all.forEach((p, i) => {
		const d = found.distances[i];
		if (!(d <= NEAREST_WATER_SEARCH_M) || found.segmentIds[i] < 0) return;
		const into = p.kind ? (out.sites[p.kind] ??= none()) : out.villages;
		into.keys.push(p.key);
		into.segmentIds.push(found.segmentIds[i]);
		into.distancesM.push(d);
	});
	return out;
}

export async function campaignsFor(db: Kysely<DB>, who: Principal): Promise<CampaignRow[]> {
	return listCampaigns(db, jurisdictionPrefix(who.jurisdiction), ancestorsOf(who.jurisdiction));
}

async function visibleCampaign(db: Kysely<DB>, who: Principal, id: number): Promise<CampaignRow> {
	const c = await findCampaign(db, id);
	if (!c || !visible(who, c)) throw new NotFoundError(`campaign/${id}`);
	return c;
}

export interface TargetView extends Omit<TargetRow, 'reason'> {
	reason: TargetReason;
}

/**
 * A target as it is shown and kept (the service worker stores "my targets" and each target's
 * page for use out of signal; the desk lists and exports them): a household visit is named by
 * its village and a stable code, a label that says nothing about a child.
 */
function viewTarget(t: TargetRow): TargetView {
	return { ...t, name: targetName(t.kind, t.name, t.id), reason: t.reason as TargetReason };
}

/**
 * Where a household visit's homes open, for a viewer allowed to see them: the map at the
 * village with the audited exact-home view for a home visit (services/residences.ts records
 * each opening). Null for any other target or viewer.
 */
async function homesLinkFor(db: Kysely<DB>, who: Principal, t: TargetRow, now: Date) {
	if (t.kind !== 'village' || !(await mayOpenHomes(db, who, t.area_code, now))) return null;
	return `/?area=${t.area_code}&purpose=home_visit`;
}

export interface HazardView extends HazardRow {
	overdue: boolean;
}

function viewHazard(h: HazardRow, now: Date): HazardView {
	return {
		...h,
		target_name: targetName(h.target_kind, h.target_name, h.target_id),
		overdue: isOverdue(h, now)
	};
}

/** A campaign's page: its progress, its targets and hazards within the viewer's reach. */
export async function campaignPage(db: Kysely<DB>, who: Principal, id: number, now = new Date()) {
	const c = await visibleCampaign(db, who, id);
	const scope = scopeFor(who.jurisdiction);
	const [progress, targets, hazards] = await Promise.all([
		campaignProgress(db, id, scope.sitePrefix, now),
		campaignTargets(db, id, scope.sitePrefix),
		hazardsOf(db, { campaignId: id }, scope.sitePrefix)
	]);
	const manage = canManageCampaigns(who, c.area_code);
	const townships = [...new Set(targets.map((t) => townshipPrefix(t.area_code)))];
	return {
		campaign: { ...c, open: campaignOpen({ startsAt: c.starts_at, endsAt: c.ends_at }, now) },
		progress,
		// a child director: the neighbouring villages' household visits are not theirs to see
		targets: targets.filter((t) => reachesTargetKind(who, t.kind, t.area_code)).map(viewTarget),
		hazards: hazards
			.filter((h) => reachesTargetKind(who, h.target_kind, h.area_code))
			.map((h) => viewHazard(h, now)),
		manage,
		assignees: manage ? await assigneesFor(db, townships) : []
	};
}

/** Give a target to another township worker or child director of its township; audited. */
export async function reassignTarget(
	db: Kysely<DB>,
	who: Principal,
	targetId: number,
	userId: number,
	meta: RequestMeta
): Promise<void> {
	const t = await findTarget(db, targetId);
	if (!t || !inSiteScope(scopeFor(who.jurisdiction), t.area_code))
		throw new NotFoundError(`target/${targetId}`);
	const c = await visibleCampaign(db, who, t.campaign_id);
	if (!canManageCampaigns(who, c.area_code) && !canManageCampaigns(who, t.area_code))
		throw new Forbidden();
	const u = await findUserBrief(db, userId);
	// the holder must be able to check it: staff of its township, or the child director of its
	// village
	if (
		!u ||
		!u.active ||
		!mayHoldTarget(
			{ role: u.role as Principal['role'], jurisdiction: u.jurisdiction_code },
			t.area_code
		)
	)
		reject('assignee', 'cp.err.assignee');
	await db.transaction().execute(async (trx) => {
		await setAssignee(trx, targetId, userId);
		await appendAudit(trx, {
			...actorOf(who),
			action: 'target_assigned',
			resource: `target:${targetId}`,
			jurisdictionCode: t.area_code,
			detail: { from: t.assignee_id, to: userId },
			...meta
		});
	});
}

/** "My targets": what the viewer is to visit in campaigns open now (the phone sorts by distance). */
export async function myTargets(db: Kysely<DB>, who: Principal, now = new Date()) {
	const scope = scopeFor(who.jurisdiction);
	const rows = await targetsAssignedTo(db, who.userId, now);
	// an account moved to another township keeps no reach into its old targets
	return rows.filter((t) => inSiteScope(scope, t.area_code)).map(viewTarget);
}

/**
 * What the worker's own list leaves out of their area's running campaigns: the targets in their
 * jurisdiction (a township's worker: the township, its villages' household visits among them; a
 * child director: the village) that someone else holds or no one does yet, by kind and holder's
 * role. Without it a township worker's 55 beside the township's 56 reads as a target lost.
 * Only for the roles given targets: an administrator's "mine" is not a share of anything.
 */
export async function othersInMyArea(db: Kysely<DB>, who: Principal, now = new Date()) {
	if (!holdsTargets(who.role)) return [];
	return othersTargetsIn(db, scopeFor(who.jurisdiction).prefix, who.userId, now);
}

async function reachableTarget(db: Kysely<DB>, who: Principal, id: number): Promise<TargetRow> {
	const t = await findTarget(db, id);
	if (
		!t ||
		!inSiteScope(scopeFor(who.jurisdiction), t.area_code) ||
		!reachesTargetKind(who, t.kind, t.area_code)
	)
		throw new NotFoundError(`target/${id}`);
	return t;
}

/** A target's page: why it is listed, its checklist, the checks so far and its hazards. */
export async function targetPage(db: Kysely<DB>, who: Principal, id: number, now = new Date()) {
	const t = await reachableTarget(db, who, id);
	const c = await visibleCampaign(db, who, t.campaign_id);
	const [list, checks, versions, hazards] = await Promise.all([
		currentChecklist(db, t.campaign_id, t.checklist),
		checksOfTarget(db, id),
		checksWithVersions(db, t.campaign_id, t.checklist, id),
		hazardsOf(db, { targetId: id }, scopeFor(who.jurisdiction).sitePrefix)
	]);
	return {
		target: viewTarget(t),
		homesLink: await homesLinkFor(db, who, t, now),
		campaign: {
			id: c.id,
			name: c.name,
			open: campaignOpen({ startsAt: c.starts_at, endsAt: c.ends_at }, now)
		},
		items: list.items,
		// the current version's labels (null: the default wording) and its number, which the
		// phone sends back with the check; every label the list ever had, for hazards
		checklist: { version: list.version, labels: list.labels, everLabels: list.everLabels },
		// each check with the version it answered and that version's labels
		checks: checks.map((k) => ({
			...k,
			// in the order the form asks them (the version's own order, then today's)
			answers: inChecklistOrder(k.answers, [
				...Object.keys(versions.get(k.id)?.labels ?? {}),
				...list.items
			]),
			version: versions.get(k.id)?.version ?? 0,
			labels: versions.get(k.id)?.labels ?? {}
		})),
		hazards: hazards.map((h) => viewHazard(h, now)),
		mayCheck: canRecordChecks(who, t.area_code)
	};
}

export interface TargetCheckSubmission {
	clientUuid: string;
	targetId: number;
	recordedAt: Date;
	lon?: number | null;
	lat?: number | null;
	note?: string | null;
	answers: { item: string; answer: Answer; note?: string | null }[];
	/** the checklist version the answers were given on; absent: see services/checklists.ts */
	checklistVersion?: number | null;
}

/**
 * Record a check of a target: once per client UUID (a phone's retry gets the same answer and
 * nothing is stored twice; another user's UUID is refused), each item answered, a hazard
 * ("found") for each item answered "hazard". Audited.
 */
export async function recordTargetCheck(
	db: Kysely<DB>,
	who: Principal,
	s: TargetCheckSubmission,
	meta: RequestMeta,
	now = new Date()
): Promise<{ id: number; duplicate: boolean; hazards: number[] }> {
	const t = await reachableTarget(db, who, s.targetId);
	if (!canRecordChecks(who, t.area_code)) reject('targetId', 'cp.err.notAllowed');
	const c = await visibleCampaign(db, who, t.campaign_id);
	// an offline check may arrive after the campaign ended, but not one made before it began
	// or long after it; a phone's clock a little ahead is taken as now
	const at = s.recordedAt.getTime();
	if (Number.isNaN(at) || at > now.getTime() + 12 * 3600_000 || at < c.starts_at.getTime())
		reject('recordedAt', 'cp.err.time');
	if (at > c.ends_at.getTime() + 60 * 86400_000) reject('recordedAt', 'cp.err.time');
	const recordedAt = at > now.getTime() ? now : s.recordedAt;
	const hasPos = s.lon !== null && s.lon !== undefined;
	if ((hasPos || (s.lat !== null && s.lat !== undefined)) && !isValidLonLat(s.lon, s.lat))
		reject('position', 'check.err.position');
	// held to the version of the campaign's checklist it was made on, which may be older
	const answered = await answeredVersion(
		db,
		t.campaign_id,
		t.checklist,
		s.checklistVersion,
		s.answers
	);
	const r = await db.transaction().execute(async (trx) => {
		const res = await insertTargetCheck(trx, {
			clientUuid: s.clientUuid.toLowerCase(),
			targetId: t.id,
			userId: who.userId,
			recordedAt,
			lon: hasPos ? (s.lon as number) : null,
			lat: hasPos ? (s.lat as number) : null,
			note: s.note?.trim() || null,
			checklistVersionId: answered.id,
			answers: s.answers.map((a) => ({
				item: a.item,
				answer: a.answer,
				note: a.note?.trim() || null
			}))
		});
		if (res.duplicate && res.byUser !== who.userId) reject('clientUuid', 'check.conflict');
		if (!res.duplicate)
			await appendAudit(trx, {
				...actorOf(who),
				action: 'target_check',
				resource: `target:${t.id}`,
				jurisdictionCode: t.area_code,
				detail: { check: res.id, hazards: res.hazards },
				...meta
			});
		return res;
	});
	return { id: r.id, duplicate: r.duplicate, hazards: r.hazards };
}

async function reachableHazard(db: Kysely<DB>, who: Principal, id: number): Promise<HazardRow> {
	const h = await findHazard(db, id);
	if (
		!h ||
		!inSiteScope(scopeFor(who.jurisdiction), h.area_code) ||
		!reachesTargetKind(who, h.target_kind, h.area_code)
	)
		throw new NotFoundError(`hazard/${id}`);
	return h;
}

/** A hazard's page: its state, its log, and the steps the viewer may take now. */
export async function hazardPage(db: Kysely<DB>, who: Principal, id: number, now = new Date()) {
	const found = await reachableHazard(db, who, id);
	// the photos taken when it was found, and after its fix: a household visit's show a child's
	// home, so only the roles that may see homes there are shown them (the photos' own routes
	// refuse the rest)
	const mayOpen = await mayOpenHomePhoto(db, who, found);
	const findingPhotos = await photosOfHazardFinding(db, id);
	const photoWithheld = !mayOpen && (found.after_photo !== null || findingPhotos.length > 0);
	const h = mayOpen ? found : { ...found, after_photo: null };
	// the finding's own field time is its check's (found_at): the log says it beside the arrival
	// under the same rule as any later step's, so only when the check waited on the phone a while
	// (not "recorded at 20:04" beside 20:04)
	const events = (await hazardEvents(db, id)).map((e) =>
		e.from_state === null && !e.taken_at
			? { ...e, taken_at: takenInField(new Date(h.found_at), new Date(e.at)) }
			: e
	);
	const may = {
		register: canRegisterHazard(who, h.area_code),
		fix: canFixHazard(who, h.area_code),
		close: canVerifyHazard(who, h.area_code) && h.fixed_by !== who.userId,
		reject: canVerifyHazard(who, h.area_code) && h.fixed_by !== who.userId
	};
	const actions = actionsFrom(h.state).filter((a) => may[a]);
	// a verifier who recorded the fix is offered nothing: the page says why (another person
	// verifies) rather than only that nothing can be done
	const waitsForAnother =
		!actions.length && h.state === 'fixed' && canVerifyHazard(who, h.area_code);
	// nothing for the viewer to do: the page says which step comes next and who takes it, the
	// roles read from the same policy that gates the step (so the sentence follows the rules)
	const next = actions.length || waitsForAnother ? undefined : actionsFrom(h.state)[0];
	const nextStep = next ? { action: next, roles: rolesThatMay(next, h.area_code) } : null;
	return {
		hazard: viewHazard(h, now),
		nextStep,
		foundPhotos: mayOpen ? findingPhotos : [],
		photoWithheld,
		events,
		actions,
		noActionReason: waitsForAnother ? ('hazard.err.sameVerifier' as const) : null
	};
}

const STEP_POLICY: Record<HazardAction, (p: Principal, areaCode: string) => boolean> = {
	register: canRegisterHazard,
	fix: canFixHazard,
	close: canVerifyHazard,
	reject: canVerifyHazard
};

/**
 * The roles whose holders in the hazard's area may take a step, by asking the policy about each.
 * Of the administrators only the nearest level is named: the higher ones may too, but the step
 * is the county's (or whichever level is closest) in practice, and three titles read as a list.
 */
export function rolesThatMay(action: HazardAction, areaCode: string): Role[] {
	const may = ROLES.filter((role) =>
		STEP_POLICY[action]({ userId: 0, username: '', role, jurisdiction: areaCode }, areaCode)
	);
	const admins = ADMIN_ROLES.filter((r) => may.includes(r));
	return may.filter((r) => !(ADMIN_ROLES as readonly Role[]).includes(r) || r === admins.at(-1));
}

/**
 * Take one step of a hazard's life. The policy says whether the viewer's role may take it in the
 * area; the state machine whether the hazard allows it now (the state it is in, a deadline
 * ahead, an after photo, a second person). The step, its log entry and its audit entry are one
 * transaction, and the row is locked so two people cannot move it at once.
 */
export async function stepHazard(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	/**
	 * `expected`: the state the user saw; if the hazard has moved on since, nothing is done.
	 * `clientUuid`: the phone's id for the step; a step already logged under it is answered as
	 * done (`duplicate`), not taken again: the phone's outbox may send it more than once.
	 */
	step: HazardStep & { expected?: HazardState; clientUuid?: string; takenAt?: Date },
	afterPhoto: Buffer | null,
	meta: RequestMeta,
	now = new Date()
): Promise<{ state: string; duplicate: boolean }> {
	const seen = await reachableHazard(db, who, id);
	const allowed =
		step.action === 'register'
			? canRegisterHazard(who, seen.area_code)
			: step.action === 'fix'
				? canFixHazard(who, seen.area_code)
				: canVerifyHazard(who, seen.area_code);
	if (!allowed) throw new Forbidden();
	let photo: Awaited<ReturnType<typeof processPhoto>> | null = null;
	if (step.action === 'fix' && afterPhoto) {
		try {
			photo = await processPhoto(afterPhoto);
		} catch (e) {
			if (e instanceof PhotoError) reject('photo', e.message);
			throw e;
		}
	}
	const s: HazardStep = step.action === 'fix' ? { ...step, afterPhoto: photo !== null } : step;
	return db.transaction().execute(async (trx) => {
		const h = await findHazard(trx, id, true);
		if (!h) throw new NotFoundError(`hazard/${id}`);
		// after the lock: a second send of the same step waits for the first and finds it logged
		if (step.clientUuid) {
			const logged = await hazardEventByClientUuid(trx, step.clientUuid);
			if (logged && (logged.hazard_id !== id || logged.user_id !== who.userId))
				throw new CheckConflict();
			if (logged) return { state: h.state, duplicate: true };
		}
		if (step.expected && step.expected !== h.state) reject(step.action, 'hazard.err.moved');
		const r = advance(
			{ state: h.state, foundBy: h.found_by, fixedBy: h.fixed_by, deadline: h.deadline },
			s,
			who.userId,
			now
		);
		if (!r.ok)
			reject(
				step.action === 'fix' && r.reason === 'hazard.err.photo' ? 'photo' : step.action,
				r.reason
			);
		const fields =
			s.action === 'register'
				? {
						severity: s.severity,
						responsible: s.responsible.trim(),
						deadline: s.deadline,
						registered_by: who.userId,
						registered_at: now
					}
				: s.action === 'fix'
					? { fix_note: s.note.trim() || null, fixed_by: who.userId, fixed_at: now }
					: s.action === 'close'
						? { closed_by: who.userId, closed_at: now }
						: // sent back: the fix is undone, the registration stands
							{ fix_note: null, fixed_by: null, fixed_at: null };
		// the photo first: the database refuses 'fixed' without one (migration 0014)
		if (photo)
			await insertHazardPhoto(trx, {
				hazardId: id,
				stage: 'after',
				...photo,
				userId: who.userId
			});
		if (!(await updateHazardState(trx, id, h.state, r.to, fields)))
			reject(step.action, 'hazard.err.state');
		const note = 'note' in s ? s.note.trim() || null : null;
		// taken on the phone out of signal a while ago: the log says when, beside its arrival
		const taken = takenInField(step.takenAt, now);
		const detail = {
			...(s.action === 'register'
				? { severity: s.severity, responsible: s.responsible.trim(), deadline: s.deadline }
				: {}),
			...(taken ? { takenAt: taken.toISOString() } : {})
		};
		await appendHazardEvent(trx, {
			hazardId: id,
			from: h.state,
			to: r.to,
			userId: who.userId,
			note,
			detail,
			clientUuid: step.clientUuid
		});
		await appendAudit(trx, {
			...actorOf(who),
			action: 'hazard_step',
			resource: `hazard:${id}`,
			jurisdictionCode: h.area_code,
			detail: { action: s.action, from: h.state, to: r.to, ...detail },
			...meta
		});
		return { state: r.to, duplicate: false };
	});
}

/** An after photo, for whoever may see its hazard. */
export async function hazardPhotoFor(db: Kysely<DB>, who: Principal, photoId: number) {
	const p = await hazardPhoto(db, photoId);
	if (!p) throw new NotFoundError(`hazard-photo/${photoId}`);
	const h = await reachableHazard(db, who, p.hazard_id);
	if (!(await mayOpenHomePhoto(db, who, h))) throw new NotFoundError(`hazard-photo/${photoId}`);
	return { ...p, home: isHomeVisit(h) };
}

/** A hazard found on a household visit: its photos are taken at a child's home. */
const isHomeVisit = (h: HazardRow) => h.target_kind === 'village';

/** Whether the viewer may see a hazard's photos: any, unless they show a home they may not see. */
async function mayOpenHomePhoto(db: Kysely<DB>, who: Principal, h: HazardRow): Promise<boolean> {
	return !isHomeVisit(h) || (await mayOpenHomes(db, who, h.area_code));
}
