// Campaigns, their targets, checks of targets, and hazards (migration 0010). All SQL of the
// campaign feature; the service decides who may do what and calls these inside its transaction.
// Over 400 lines on purpose: the campaign tables are one aggregate written in one transaction,
// and splitting their SQL by table would scatter the joins that read them together.
// Distances are geography on the sphere (use_spheroid = false), found through a box in degrees
// so the GiST indexes pick the candidates first, as the four-item rule does.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { USABLE_ITEMS, underPrefix } from '../db/postgis';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE } from './segment-rule';
import { KEY_MODULUS } from '$lib/domain/disclosure';
import { CHECKLIST_OF, NEAREST_WATER_SEARCH_M, type TargetRules } from '$lib/domain/campaign';
import type { HazardSeverity, HazardState } from '$lib/domain/hazard';

export interface CampaignRow {
	id: number;
	name: string;
	area_code: string;
	area_name: string;
	starts_at: Date;
	ends_at: Date;
	rules: TargetRules;
	created_by: number;
	created_at: Date;
}

export async function insertCampaign(
	trx: Kysely<DB>,
	c: {
		name: string;
		areaCode: string;
		startsAt: Date;
		endsAt: Date;
		rules: TargetRules;
		createdBy: number;
	}
): Promise<number> {
	const r = await trx
		.insertInto('campaigns')
		.values({
			name: c.name,
			area_code: c.areaCode,
			starts_at: c.startsAt,
			ends_at: c.endsAt,
			rules: JSON.stringify(c.rules),
			created_by: c.createdBy
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return Number(r.id);
}

/**
 * Per point target (an institution's, home's or station's id, a village's code) with water
 * within the search distance: its nearest segment and the distance to it in metres, as the
 * in-memory engine measures them (services/campaigns.ts).
 */
export interface NearestWater {
	keys: string[];
	segmentIds: number[];
	distancesM: number[];
}

/**
 * The nearest segment to a point target (`p.geom`) within the search distance, as `nw` (name,
 * d): either looked up in PostGIS (a lateral join: the segments in a box around the target
 * measured on the sphere, the nearest, then the lowest id, kept) or, with `given`, the
 * engine's answer joined by `key` — the same segments and distances, without a probe of the
 * index and a spherical measure per segment for each of a province's 55,000 targets.
 */
function nearestWater(key: RawBuilder<unknown>, given?: NearestWater) {
	if (given)
		return sql`LEFT JOIN (
			SELECT b.key, w.name, b.d
			FROM unnest(${given.keys}::text[], ${given.segmentIds}::bigint[], ${given.distancesM}::float8[])
				AS b(key, seg, d)
			JOIN waterways w ON w.id = b.seg
		) nw ON nw.key = ${key}`;
	const { dLon, dLat } = radiusToDegrees(NEAREST_WATER_SEARCH_M, BOX_LATITUDE);
	return sql`LEFT JOIN LATERAL (
		SELECT w.name, ST_Distance(w.geom::geography, p.geom::geography, false) AS d
		FROM waterways w
		WHERE w.geom && ST_Expand(p.geom, ${dLon}::float8, ${dLat}::float8)
		ORDER BY d, w.id LIMIT 1
	) nw ON nw.d <= ${NEAREST_WATER_SEARCH_M}::float8`;
}

export type PointTargetKind = 'institution' | 'children_home' | 'station';

/** The point sources of an area's site targets, as the rules pick them, with their places. */
export async function pointSources(
	db: Kysely<DB>,
	prefix: string,
	rules: TargetRules
): Promise<{ kind: PointTargetKind; key: string; lon: number; lat: number }[]> {
	const like = underPrefix(prefix);
	const r = await sql<{ kind: PointTargetKind; key: string; lon: number; lat: number }>`
		SELECT 'institution' AS kind, id::text AS key, ST_X(geom) AS lon, ST_Y(geom) AS lat
		FROM institutions WHERE ${rules.institutions} AND admin_code LIKE ${like}
		UNION ALL
		SELECT 'children_home', id::text, ST_X(geom), ST_Y(geom)
		FROM children_homes WHERE ${rules.homes} AND village_code LIKE ${like} AND status <> 'closed'
		UNION ALL
		SELECT 'station', id::text, ST_X(geom), ST_Y(geom)
		FROM sunshine_stations WHERE ${rules.stations} AND admin_code LIKE ${like}`.execute(db);
	return r.rows;
}

/**
 * The centre of every unit under `prefix` that has one, by code (a household-visit target stands
 * at its village's centre). All of them, without waiting for which villages have children near
 * water: read while the engine counts those, and picked from in memory (17,000 codes looked up
 * one by one through `code = ANY(…)` took longer than reading the province's 28,000 units).
 */
export async function centresUnder(
	db: Kysely<DB>,
	prefix: string
): Promise<Map<string, { lon: number; lat: number }>> {
	const r = await sql<{ key: string; lon: number; lat: number }>`
		SELECT code AS key, ST_X(center) AS lon, ST_Y(center) AS lat
		FROM admin_units WHERE code LIKE ${underPrefix(prefix)} AND center IS NOT NULL`.execute(db);
	return new Map(r.rows.map((x) => [x.key, { lon: x.lon, lat: x.lat }]));
}

/**
 * The account each new target goes to, as joins on the targets `s` (its `kind` and `area_code`)
 * giving `vd.uid` and `ts.uid`: a household visit or a children's home to its village's child
 * director, anything else (or a village without one) to the township's staff; the first active
 * account by id, so the answer does not depend on the engine's row order. The first account of
 * each village and township is found once and joined by hash, rather than the users searched
 * again for each of a province's 80,000 targets.
 */
const ASSIGNEE_JOINS = sql`
	LEFT JOIN (
		SELECT jurisdiction_code AS code, min(id) AS uid FROM users
		WHERE active AND role = 'village_director' GROUP BY jurisdiction_code
	) vd ON s.kind IN ('village', 'children_home') AND vd.code = s.area_code
	LEFT JOIN (
		SELECT jurisdiction_code AS code, min(id) AS uid FROM users
		WHERE active AND role = 'township_staff' GROUP BY jurisdiction_code
	) ts ON ts.code = rpad(left(s.area_code, 9), 12, '0')`;

/**
 * All targets of a new campaign over `prefix`, with why each is listed and who holds it, in one
 * statement: institutions, children's homes and Sunshine Stations as the rules pick them,
 * the segments the four-item rule says need the items and that lack some of them, and one
 * household visit per village of `villages` (at its centre, with its released count). Each
 * row is written once, with its assignee: a second pass setting the assignee would write every
 * row and all of the table's indexes again. Returns how many were added.
 */
export async function insertTargets(
	trx: Kysely<DB>,
	campaignId: number,
	t: {
		prefix: string;
		rules: TargetRules;
		villages: { code: string; released: number }[];
		/** per kind, the in-memory engine's nearest water; absent: PostGIS searches */
		near?: Partial<Record<PointTargetKind | 'village', NearestWater>>;
	}
): Promise<number> {
	const { rules, near } = t;
	const like = underPrefix(t.prefix);
	const limit = rules.institutionWaterM;
	const parts: RawBuilder<unknown>[] = [];
	if (rules.institutions)
		parts.push(sql`
			SELECT 'institution' AS kind, p.id AS source_id, p.name, p.admin_code AS area_code, p.geom,
				${CHECKLIST_OF.institution}::text AS checklist,
				CASE WHEN nw.d <= ${limit}::float8
					THEN jsonb_build_object('code', 'near_water', 'distanceM', round(nw.d)::int,
						'water', nw.name, 'limitM', ${limit}::int)
					ELSE jsonb_build_object('code', 'institution', 'limitM', ${limit}::int) END AS reason,
				coalesce(nw.d <= ${limit}::float8, false) AS flagged, nw.name AS nearest_water,
				nw.d AS nearest_water_m
			FROM institutions p ${nearestWater(sql`p.id::text`, near?.institution)}
			WHERE p.admin_code LIKE ${like}`);
	if (rules.homes)
		parts.push(sql`
			SELECT 'children_home', p.id, p.name, p.village_code, p.geom,
				${CHECKLIST_OF.children_home}::text,
				jsonb_build_object('code', 'every_home'), false, nw.name, nw.d
			FROM children_homes p ${nearestWater(sql`p.id::text`, near?.children_home)}
			WHERE p.village_code LIKE ${like} AND p.status <> 'closed'`);
	if (rules.stations)
		parts.push(sql`
			SELECT 'station', p.id, p.name, p.admin_code, p.geom, ${CHECKLIST_OF.station}::text,
				jsonb_build_object('code', 'every_station'), false, nw.name, nw.d
			FROM sunshine_stations p ${nearestWater(sql`p.id::text`, near?.station)}
			WHERE p.admin_code LIKE ${like}`);
	if (rules.segments)
		parts.push(sql`
			SELECT 'segment', w.id, w.name, w.township_code, ST_LineInterpolatePoint(w.geom, 0.5),
				${CHECKLIST_OF.segment}::text, jsonb_build_object('code', 'incomplete', 'usable', coalesce(e.usable, 0)::int),
				false, w.name, 0::float8
			FROM waterways w
			JOIN segment_requirements sr ON sr.waterway_id = w.id AND sr.required
			LEFT JOIN (
				SELECT waterway_id, ${USABLE_ITEMS} AS usable FROM safety_equipment GROUP BY waterway_id
			) e ON e.waterway_id = w.id
			WHERE w.township_code LIKE ${like} AND coalesce(e.usable, 0) < 4`);
	if (t.villages.length)
		parts.push(sql`
			SELECT 'village', NULL::bigint, u.name, u.code, u.center, ${CHECKLIST_OF.village}::text,
				jsonb_build_object('code', 'children_near_water', 'children', v.released,
					'limitM', ${rules.villageWaterM}::int),
				false, nw.name, nw.d
			FROM unnest(${t.villages.map((v) => v.code)}::text[], ${t.villages.map((v) => v.released)}::int[])
				AS v(code, released)
			JOIN admin_units u ON u.code = v.code
			CROSS JOIN LATERAL (SELECT u.center AS geom) p
			${nearestWater(sql`u.code`, near?.village)}`);
	if (!parts.length) return 0;
	// no JIT for this statement: the joins on unnest() are estimated at millions of rows, which
	// passes jit_above_cost, and compiling took a province's launch ~15% of its database CPU for
	// ~78,000 rows it did not speed up. LOCAL: until the launch's transaction ends.
	await sql`SET LOCAL jit = off`.execute(trx);
	const r = await sql`
		INSERT INTO campaign_targets (campaign_id, kind, source_id, name, area_code, geom, checklist,
			reason, flagged, nearest_water, nearest_water_m, assignee_id)
		SELECT ${campaignId}::bigint, s.kind, s.source_id, s.name, s.area_code, s.geom, s.checklist,
			s.reason, s.flagged, s.nearest_water, s.nearest_water_m, coalesce(vd.uid, ts.uid)
		-- the columns named here, not by the first part: any rule may be off
		FROM (${sql.join(parts, sql` UNION ALL `)}) s (kind, source_id, name, area_code, geom,
			checklist, reason, flagged, nearest_water, nearest_water_m)
		${ASSIGNEE_JOINS}`.execute(trx);
	return Number(r.numAffectedRows ?? 0);
}

/**
 * Statistics for the targets just generated, taken at once. A launch writes up to some 80,000
 * rows in one go (a province's campaign), and the embedded engine and a server with autovacuum
 * off never analyse them (a server with it waits for a tenth of the table to change): the
 * planner then took a campaign's targets for a handful, and the dashboard's and bulletin's reads
 * of them ran as row-by-row loops (a province's bulletin, 79,000 targets: the list of targets not
 * visited took twice as long). ANALYZE samples at most 30,000 rows: a fraction of a second.
 */
export async function analyzeTargets(db: Kysely<DB>): Promise<void> {
	await sql`ANALYZE campaign_targets`.execute(db);
}

/**
 * Per village of an area: how many of its children live within `radiusM` of a segment whose four
 * items are incomplete, and the sum of their record keys. Only for services/released-counts.ts,
 * which releases the figure (domain/disclosure.ts); never shown as it is.
 */
export async function childrenNearIncompleteByVillage(
	db: Kysely<DB>,
	prefix: string,
	radiusM: number
): Promise<{ code: string; n: number; k: number }[]> {
	const { dLon, dLat } = radiusToDegrees(radiusM, BOX_LATITUDE);
	const r = await sql<{ code: string; n: number; k: number }>`
		SELECT c.village_code AS code, count(*)::int AS n,
			(sum(c.record_key) % ${KEY_MODULUS})::float8 AS k
		FROM children c
		WHERE c.village_code LIKE ${underPrefix(prefix)} AND EXISTS (
			SELECT 1 FROM waterways w
			WHERE w.geom && ST_Expand(c.residence, ${dLon}::float8, ${dLat}::float8)
				-- the complete segments once, as a hashed set, rather than their items counted again
				-- for every child near them (half the time of a province-wide campaign)
				AND w.id NOT IN (
					SELECT s.waterway_id FROM safety_equipment s WHERE s.waterway_id IS NOT NULL
					GROUP BY s.waterway_id HAVING ${USABLE_ITEMS} >= 4
				)
				AND ST_DWithin(w.geom::geography, c.residence::geography, ${radiusM}::float8, false)
		)
		GROUP BY c.village_code
		ORDER BY c.village_code`.execute(db);
	return r.rows.map((x) => ({ code: x.code, n: Number(x.n), k: Number(x.k) }));
}

const CAMPAIGN_COLUMNS = sql`c.id::float8 AS id, c.name, c.area_code, u.name AS area_name,
	c.starts_at, c.ends_at, c.rules, c.created_by::float8 AS created_by, c.created_at`;

/** Campaigns whose area lies inside `prefix` or contains the unit `within` (its ancestors' codes). */
export async function listCampaigns(
	db: Kysely<DB>,
	prefix: string,
	ancestors: string[]
): Promise<CampaignRow[]> {
	const r = await sql<CampaignRow>`
		SELECT ${CAMPAIGN_COLUMNS}
		FROM campaigns c JOIN admin_units u ON u.code = c.area_code
		WHERE c.area_code LIKE ${underPrefix(prefix)} OR c.area_code = ANY(${ancestors}::text[])
		ORDER BY c.starts_at DESC, c.id DESC`.execute(db);
	return r.rows;
}

export async function findCampaign(db: Kysely<DB>, id: number): Promise<CampaignRow | null> {
	const r = await sql<CampaignRow>`
		SELECT ${CAMPAIGN_COLUMNS}
		FROM campaigns c JOIN admin_units u ON u.code = c.area_code
		WHERE c.id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

export interface TargetRow {
	id: number;
	campaign_id: number;
	kind: string;
	source_id: number | null;
	name: string;
	area_code: string;
	area_name: string;
	lon: number;
	lat: number;
	checklist: string;
	reason: unknown;
	flagged: boolean;
	nearest_water: string | null;
	nearest_water_m: number | null;
	assignee_id: number | null;
	assignee_name: string | null;
	checks: number;
	last_check_at: Date | null;
	open_hazards: number;
}

const TARGET_COLUMNS = sql`t.id::float8 AS id, t.campaign_id::float8 AS campaign_id, t.kind,
	t.source_id::float8 AS source_id, t.name, t.area_code, a.name AS area_name,
	ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.checklist, t.reason, t.flagged,
	t.nearest_water, t.nearest_water_m, t.assignee_id::float8 AS assignee_id,
	us.display_name AS assignee_name,
	(SELECT count(*)::int FROM target_checks k WHERE k.target_id = t.id) AS checks,
	(SELECT max(k.recorded_at) FROM target_checks k WHERE k.target_id = t.id) AS last_check_at,
	(SELECT count(*)::int FROM hazards h WHERE h.target_id = t.id AND h.state <> 'closed') AS open_hazards`;

/** A campaign's targets whose area lies under `sitePrefix`, flagged first, then by area and name. */
export async function campaignTargets(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string
): Promise<TargetRow[]> {
	const r = await sql<TargetRow>`
		SELECT ${TARGET_COLUMNS}
		FROM campaign_targets t
		JOIN admin_units a ON a.code = t.area_code
		LEFT JOIN users us ON us.id = t.assignee_id
		WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${underPrefix(sitePrefix)}
		ORDER BY t.flagged DESC, t.area_code, t.kind, t.name, t.id`.execute(db);
	return r.rows;
}

/** Targets assigned to a user in campaigns still open at `now`. */
export async function targetsAssignedTo(
	db: Kysely<DB>,
	userId: number,
	now: Date
): Promise<(TargetRow & { campaign_name: string })[]> {
	const r = await sql<TargetRow & { campaign_name: string }>`
		SELECT ${TARGET_COLUMNS}, c.name AS campaign_name
		FROM campaign_targets t
		JOIN campaigns c ON c.id = t.campaign_id
		JOIN admin_units a ON a.code = t.area_code
		LEFT JOIN users us ON us.id = t.assignee_id
		WHERE t.assignee_id = ${userId} AND c.starts_at <= ${now} AND ${now} < c.ends_at
		ORDER BY t.id`.execute(db);
	return r.rows;
}

/**
 * The targets of the campaigns running at `now` inside `prefix` that `userId` does not hold
 * (another worker does, or no one yet), counted by campaign, kind and their holder's role (null:
 * not assigned): what a worker's own list leaves out of their area's campaigns.
 */
export async function othersTargetsIn(
	db: Kysely<DB>,
	prefix: string,
	userId: number,
	now: Date
): Promise<
	{ campaign_id: number; campaign_name: string; kind: string; role: string | null; n: number }[]
> {
	const r = await sql<{
		campaign_id: number;
		campaign_name: string;
		kind: string;
		role: string | null;
		n: number;
	}>`
		SELECT c.id::float8 AS campaign_id, c.name AS campaign_name, t.kind, us.role,
			count(*)::int AS n
		FROM campaign_targets t
		JOIN campaigns c ON c.id = t.campaign_id
		LEFT JOIN users us ON us.id = t.assignee_id
		WHERE t.area_code LIKE ${underPrefix(prefix)} AND c.starts_at <= ${now} AND ${now} < c.ends_at
			AND t.assignee_id IS DISTINCT FROM ${userId}
		GROUP BY c.id, c.name, t.kind, us.role
		ORDER BY c.id, t.kind, us.role NULLS LAST`.execute(db);
	return r.rows.map((x) => ({ ...x, campaign_id: Number(x.campaign_id), n: Number(x.n) }));
}

export async function findTarget(db: Kysely<DB>, id: number): Promise<TargetRow | null> {
	const r = await sql<TargetRow>`
		SELECT ${TARGET_COLUMNS}
		FROM campaign_targets t
		JOIN admin_units a ON a.code = t.area_code
		LEFT JOIN users us ON us.id = t.assignee_id
		WHERE t.id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

export async function setAssignee(
	trx: Kysely<DB>,
	targetId: number,
	userId: number
): Promise<void> {
	await trx
		.updateTable('campaign_targets')
		.set({ assignee_id: userId })
		.where('id', '=', targetId)
		.execute();
}

/**
 * Accounts that may hold a target in `areaCode`: township staff and village child directors
 * whose township is the target's (the same reach as recording checks, policy.canRecordChecks).
 */
export async function assigneesFor(
	db: Kysely<DB>,
	townshipPrefixes: string[]
): Promise<{ id: number; display_name: string; role: string; jurisdiction_code: string }[]> {
	if (!townshipPrefixes.length) return [];
	const r = await sql<{
		id: number;
		display_name: string;
		role: string;
		jurisdiction_code: string;
	}>`
		SELECT id::float8 AS id, display_name, role, jurisdiction_code FROM users
		WHERE active AND role IN ('township_staff', 'village_director')
			AND left(jurisdiction_code, 9) = ANY(${townshipPrefixes}::text[])
		ORDER BY jurisdiction_code, role, id`.execute(db);
	return r.rows;
}

export async function findUserBrief(
	db: Kysely<DB>,
	id: number
): Promise<{ id: number; role: string; jurisdiction_code: string; active: boolean } | null> {
	const r = await sql<{ id: number; role: string; jurisdiction_code: string; active: boolean }>`
		SELECT id::float8 AS id, role, jurisdiction_code, active FROM users WHERE id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

/** The active items of a checklist, in order. */
export async function checklistItems(db: Kysely<DB>, checklist: string): Promise<string[]> {
	const r = await db
		.selectFrom('checklist_items')
		.select('item')
		.where('checklist', '=', checklist as never)
		.where('active', '=', true)
		.orderBy('position')
		.execute();
	return r.map((x) => x.item);
}

/**
 * Campaign progress: targets, visited targets, hazards by state, overdue hazards, and the
 * dashboard's own totals (services/campaign-dashboard.ts) so that the campaign page shows the
 * same figures under the same words: all found, fixed (fixed or closed), closed, open (not closed).
 */
export async function campaignProgress(
	db: Kysely<DB>,
	campaignId: number,
	sitePrefix: string,
	now: Date
): Promise<{
	targets: number;
	visited: number;
	found: number;
	registered: number;
	fixed: number;
	closed: number;
	overdue: number;
	hazards: number;
	remedied: number;
	open: number;
}> {
	const like = underPrefix(sitePrefix);
	const t = await sql<{ targets: number; visited: number }>`
		SELECT count(*)::int AS targets,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM target_checks k WHERE k.target_id = t.id))::int AS visited
		FROM campaign_targets t WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${like}`.execute(
		db
	);
	const h = await sql<{
		found: number;
		registered: number;
		fixed: number;
		closed: number;
		overdue: number;
		hazards: number;
		remedied: number;
		open: number;
	}>`
		SELECT count(*) FILTER (WHERE h.state = 'found')::int AS found,
			count(*) FILTER (WHERE h.state = 'registered')::int AS registered,
			count(*) FILTER (WHERE h.state = 'fixed')::int AS fixed,
			count(*) FILTER (WHERE h.state = 'closed')::int AS closed,
			count(*) FILTER (WHERE h.state <> 'closed' AND h.deadline < ${now})::int AS overdue,
			count(*)::int AS hazards,
			count(*) FILTER (WHERE h.state IN ('fixed', 'closed'))::int AS remedied,
			count(*) FILTER (WHERE h.state <> 'closed')::int AS open
		FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
		WHERE t.campaign_id = ${campaignId} AND t.area_code LIKE ${like}`.execute(db);
	return { ...t.rows[0], ...h.rows[0] };
}

// ---- checks ----

export interface TargetCheckInput {
	clientUuid: string;
	targetId: number;
	userId: number;
	recordedAt: Date;
	lon: number | null;
	lat: number | null;
	note: string | null;
	answers: { item: string; answer: 'ok' | 'hazard' | 'na'; note: string | null }[];
	/** the checklist version answered (migration 0013); null: the default set */
	checklistVersionId?: number | null;
}

/**
 * Store a check once per client UUID with its answers, and a hazard (state "found", logged) for
 * each item answered "hazard". A UUID seen before returns that check and writes nothing.
 * An item whose hazard on this target is still open (not yet closed) is the same hazard seen
 * again, not a new one: its log notes the check, and it is returned among the check's hazards.
 * A second check that finds the broken fence again would otherwise count it twice on every
 * dashboard, and leave two records to fix and close for one fence.
 */
export async function insertTargetCheck(
	trx: Kysely<DB>,
	c: TargetCheckInput
): Promise<{ id: number; duplicate: boolean; byUser: number; hazards: number[] }> {
	const ins = await sql<{ id: number }>`
		INSERT INTO target_checks (client_uuid, target_id, user_id, recorded_at, position, note,
			checklist_version_id)
		VALUES (${c.clientUuid}::uuid, ${c.targetId}, ${c.userId}, ${c.recordedAt},
			CASE WHEN ${c.lon}::float8 IS NULL THEN NULL
				ELSE ST_SetSRID(ST_MakePoint(${c.lon}::float8, ${c.lat}::float8), 4326) END,
			${c.note}, ${c.checklistVersionId ?? null}::bigint)
		ON CONFLICT (client_uuid) DO NOTHING
		RETURNING id::float8 AS id`.execute(trx);
	if (!ins.rows[0]) {
		const prev = await sql<{ id: number; user_id: number }>`
			SELECT id::float8 AS id, user_id::float8 AS user_id FROM target_checks
			WHERE client_uuid = ${c.clientUuid}::uuid`.execute(trx);
		const hz = await sql<{ id: number }>`
			SELECT id::float8 AS id FROM hazards WHERE check_id = ${prev.rows[0].id} ORDER BY id`.execute(trx);
		return {
			id: prev.rows[0].id,
			duplicate: true,
			byUser: prev.rows[0].user_id,
			hazards: hz.rows.map((r) => r.id)
		};
	}
	const checkId = ins.rows[0].id;
	await trx
		.insertInto('check_answers')
		.values(c.answers.map((a) => ({ check_id: checkId, ...a })))
		.execute();
	const hazards: number[] = [];
	const found = c.answers.filter((x) => x.answer === 'hazard');
	// an item with an open hazard answered 正常 later: not a fix (a fix is recorded with its photo
	// and verified by another person), but the hazard's log says it was seen so, when and by whom
	const seenOk = c.answers.filter((x) => x.answer === 'ok').map((x) => x.item);
	if (seenOk.length) {
		const open = await sql<{ id: number; state: HazardState; item: string }>`
			SELECT id::float8 AS id, state, item FROM hazards
			WHERE target_id = ${c.targetId} AND item = ANY(${seenOk}::text[]) AND state <> 'closed'
			ORDER BY id`.execute(trx);
		for (const h of open.rows)
			await appendHazardEvent(trx, {
				hazardId: h.id,
				from: h.state,
				to: h.state,
				userId: c.userId,
				note: c.answers.find((x) => x.item === h.item)?.note ?? null,
				detail: { seenOk: checkId }
			});
	}
	// two checks of one target at once (two phones back in signal) take turns here, so both
	// cannot miss the other's new hazard; other writers of the target are not held
	if (found.length)
		await sql`SELECT 1 FROM campaign_targets WHERE id = ${c.targetId} FOR NO KEY UPDATE`.execute(
			trx
		);
	for (const a of found) {
		const open = await sql<{ id: number; state: HazardState }>`
			SELECT id::float8 AS id, state FROM hazards
			WHERE target_id = ${c.targetId} AND item = ${a.item} AND state <> 'closed'
			ORDER BY id LIMIT 1`.execute(trx);
		if (open.rows[0]) {
			const { id, state } = open.rows[0];
			hazards.push(id);
			await appendHazardEvent(trx, {
				hazardId: id,
				from: state,
				to: state,
				userId: c.userId,
				note: a.note,
				detail: { seenAgain: checkId }
			});
			continue;
		}
		const h = await trx
			.insertInto('hazards')
			.values({
				target_id: c.targetId,
				check_id: checkId,
				item: a.item,
				description: a.note ?? '',
				found_by: c.userId,
				found_at: c.recordedAt
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		const id = Number(h.id);
		hazards.push(id);
		await appendHazardEvent(trx, {
			hazardId: id,
			from: null,
			to: 'found',
			userId: c.userId,
			note: a.note
		});
	}
	return { id: checkId, duplicate: false, byUser: c.userId, hazards };
}

export async function checksOfTarget(
	db: Kysely<DB>,
	targetId: number
): Promise<
	{
		id: number;
		recorded_at: Date;
		user_name: string;
		note: string | null;
		answers: { item: string; answer: string; note: string | null }[];
	}[]
> {
	const r = await sql<{
		id: number;
		recorded_at: Date;
		user_name: string;
		note: string | null;
		answers: { item: string; answer: string; note: string | null }[];
	}>`
		SELECT k.id::float8 AS id, k.recorded_at, u.display_name AS user_name, k.note,
			coalesce((SELECT json_agg(json_build_object('item', a.item, 'answer', a.answer, 'note', a.note)
				ORDER BY a.item) FROM check_answers a WHERE a.check_id = k.id), '[]') AS answers
		FROM target_checks k JOIN users u ON u.id = k.user_id
		WHERE k.target_id = ${targetId}
		ORDER BY k.recorded_at DESC, k.id DESC`.execute(db);
	return r.rows;
}

// ---- hazards ----

export interface HazardRow {
	id: number;
	target_id: number;
	campaign_id: number;
	target_name: string;
	target_kind: string;
	/** the checklist the target is checked against (the one it was made with), for the item's words */
	target_checklist: string;
	area_code: string;
	item: string;
	description: string;
	state: HazardState;
	found_by: number;
	found_by_name: string;
	found_at: Date;
	severity: HazardSeverity | null;
	responsible: string | null;
	deadline: Date | null;
	fix_note: string | null;
	fixed_by: number | null;
	fixed_at: Date | null;
	closed_by: number | null;
	closed_at: Date | null;
	after_photo: number | null;
}

const HAZARD_COLUMNS = sql`h.id::float8 AS id, h.target_id::float8 AS target_id,
	t.campaign_id::float8 AS campaign_id, t.name AS target_name, t.kind AS target_kind,
	t.checklist AS target_checklist, t.area_code, h.item, h.description, h.state,
	h.found_by::float8 AS found_by, fu.display_name AS found_by_name,
	h.found_at, h.severity, h.responsible, h.deadline, h.fix_note, h.fixed_by::float8 AS fixed_by,
	h.fixed_at, h.closed_by::float8 AS closed_by, h.closed_at,
	-- the standing fix's photo: a fix sent back (state registered again) takes its photo with it,
	-- as it takes its note; the photo stays stored, and the log says the fix was sent back
	CASE WHEN h.state IN ('fixed', 'closed') THEN (
		SELECT max(p.id)::float8 FROM hazard_photos p WHERE p.hazard_id = h.id AND p.stage = 'after'
	) END AS after_photo`;

export async function findHazard(
	db: Kysely<DB>,
	id: number,
	forUpdate = false
): Promise<HazardRow | null> {
	const r = await sql<HazardRow>`
		SELECT ${HAZARD_COLUMNS}
		FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
		JOIN users fu ON fu.id = h.found_by
		WHERE h.id = ${id}
		${forUpdate ? sql`FOR UPDATE OF h` : sql``}`.execute(db);
	return r.rows[0] ?? null;
}

/** Hazards of a campaign (or of one target) under `sitePrefix`, open ones first. */
export async function hazardsOf(
	db: Kysely<DB>,
	by: { campaignId: number } | { targetId: number },
	sitePrefix: string
): Promise<HazardRow[]> {
	const where =
		'campaignId' in by ? sql`t.campaign_id = ${by.campaignId}` : sql`h.target_id = ${by.targetId}`;
	const r = await sql<HazardRow>`
		SELECT ${HAZARD_COLUMNS}
		FROM hazards h JOIN campaign_targets t ON t.id = h.target_id
		JOIN users fu ON fu.id = h.found_by
		WHERE ${where} AND t.area_code LIKE ${underPrefix(sitePrefix)}
		ORDER BY (h.state = 'closed'), h.deadline NULLS FIRST, h.id`.execute(db);
	return r.rows;
}

/** Move a hazard that is still in `from` to `to` with the step's fields; false if it had moved. */
export async function updateHazardState(
	trx: Kysely<DB>,
	id: number,
	from: HazardState,
	to: HazardState,
	fields: Partial<{
		severity: HazardSeverity;
		responsible: string;
		deadline: Date;
		registered_by: number;
		registered_at: Date;
		fix_note: string | null;
		fixed_by: number | null;
		fixed_at: Date | null;
		closed_by: number;
		closed_at: Date;
	}>
): Promise<boolean> {
	const r = await trx
		.updateTable('hazards')
		.set({ ...fields, state: to })
		.where('id', '=', id)
		.where('state', '=', from)
		.executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}

export async function appendHazardEvent(
	trx: Kysely<DB>,
	e: {
		hazardId: number;
		from: HazardState | null;
		to: HazardState;
		userId: number;
		note: string | null;
		detail?: Record<string, unknown>;
		clientUuid?: string | null;
	}
): Promise<void> {
	await trx
		.insertInto('hazard_events')
		.values({
			hazard_id: e.hazardId,
			from_state: e.from,
			to_state: e.to,
			user_id: e.userId,
			note: e.note,
			detail: JSON.stringify(e.detail ?? {}),
			client_uuid: e.clientUuid ?? null
		})
		.execute();
}

/** The step logged under a phone's UUID, if one is (the hazard and who took it). */
export async function hazardEventByClientUuid(
	db: Kysely<DB>,
	clientUuid: string
): Promise<{ hazard_id: number; user_id: number; to_state: string } | null> {
	const r = await db
		.selectFrom('hazard_events')
		.select(['hazard_id', 'user_id', 'to_state'])
		.where('client_uuid', '=', clientUuid)
		.executeTakeFirst();
	return r ? { ...r, hazard_id: Number(r.hazard_id), user_id: Number(r.user_id) } : null;
}

export async function hazardEvents(
	db: Kysely<DB>,
	hazardId: number
): Promise<
	{
		id: number;
		from_state: string | null;
		to_state: string;
		user_name: string;
		at: Date;
		note: string | null;
		/** when a step sent from the phone's outbox was taken there (services: takenInField) */
		taken_at: Date | null;
		/** a later check answered the item 正常 (the hazard stays as it was) */
		seen_ok: boolean;
	}[]
> {
	const r = await sql<{
		id: number;
		from_state: string | null;
		to_state: string;
		user_name: string;
		at: Date;
		note: string | null;
		taken_at: Date | null;
		seen_ok: boolean;
	}>`
		SELECT e.id::float8 AS id, e.from_state, e.to_state, u.display_name AS user_name, e.at, e.note,
			(e.detail->>'takenAt')::timestamptz AS taken_at, coalesce(e.detail ? 'seenOk', false) AS seen_ok
		FROM hazard_events e JOIN users u ON u.id = e.user_id
		WHERE e.hazard_id = ${hazardId} ORDER BY e.id`.execute(db);
	return r.rows;
}

export async function insertHazardPhoto(
	trx: Kysely<DB>,
	p: {
		hazardId: number;
		stage: 'found' | 'after';
		mime: string;
		bytes: Buffer;
		width: number;
		height: number;
		takenAt: Date | null;
		gpsLon: number | null;
		gpsLat: number | null;
		userId: number;
	}
): Promise<number> {
	const r = await sql<{ id: number }>`
		INSERT INTO hazard_photos (hazard_id, stage, mime, bytes, width, height, taken_at, gps, user_id)
		VALUES (${p.hazardId}, ${p.stage}, ${p.mime}, ${p.bytes}, ${p.width}, ${p.height}, ${p.takenAt},
			CASE WHEN ${p.gpsLon}::float8 IS NULL THEN NULL
				ELSE ST_SetSRID(ST_MakePoint(${p.gpsLon}::float8, ${p.gpsLat}::float8), 4326) END,
			${p.userId})
		RETURNING id::float8 AS id`.execute(trx);
	return r.rows[0].id;
}

export async function hazardPhoto(
	db: Kysely<DB>,
	id: number
): Promise<{ hazard_id: number; mime: string; bytes: Uint8Array } | null> {
	const r = await sql<{ hazard_id: number; mime: string; bytes: Uint8Array }>`
		SELECT hazard_id::float8 AS hazard_id, mime, bytes FROM hazard_photos WHERE id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

export interface SegmentCampaignCheck {
	at: Date;
	by: string | null;
	campaign: string;
	/** the waterway checklist's answers, in the tiles' order (sign, buoy, rope, pole, barrier) */
	answers: { item: string; answer: 'ok' | 'hazard' | 'na' }[];
}

/**
 * The newest flood-season check of a segment (a campaign's target on it), with its answers. A
 * campaign's checklist answers 正常 / 有隐患 / 不适用 and does not set an item's state (完好,
 * 损坏, 缺失: the segment's own check does): the segment's page shows the two side by side,
 * each named, so a worker's "正常" beside a tile still reading 损坏 is not a contradiction
 * nobody can explain (QA).
 */
export async function latestSegmentCampaignCheck(
	db: Kysely<DB>,
	waterwayId: number
): Promise<SegmentCampaignCheck | null> {
	const r = await sql<{ id: number; at: Date; by: string | null; campaign: string }>`
		SELECT tc.id::float8 AS id, tc.recorded_at AS at, u.display_name AS by, c.name AS campaign
		-- per campaign through its (campaign, kind, source) index: a province's campaigns hold
		-- some 80,000 targets each, and no index leads by the source
		FROM campaigns c
		CROSS JOIN LATERAL (
			SELECT t.id FROM campaign_targets t
			WHERE t.campaign_id = c.id AND t.kind = 'segment' AND t.source_id = ${waterwayId}
		) t
		JOIN target_checks tc ON tc.target_id = t.id
		LEFT JOIN users u ON u.id = tc.user_id
		ORDER BY tc.recorded_at DESC, tc.id DESC
		LIMIT 1`.execute(db);
	const head = r.rows[0];
	if (!head) return null;
	const a = await sql<{ item: string; answer: 'ok' | 'hazard' | 'na' }>`
		SELECT item, answer FROM check_answers WHERE check_id = ${head.id}
		ORDER BY coalesce(array_position(ARRAY['sign','buoy','rope','pole','barrier'], item), 99),
			item`.execute(db);
	return { at: head.at, by: head.by, campaign: head.campaign, answers: a.rows };
}
