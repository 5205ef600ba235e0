// Field work on a phone (migration 0012): the photos of a target check, uploaded after the check
// (tus, files under UPLOAD_DIR) and registered here once per phone photo id, and targets a worker
// adds in the field, once per phone id. The service decides who may do what.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { point } from '../db/postgis';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE } from './segment-rule';
import { NEAREST_WATER_SEARCH_M, type FieldKind } from '$lib/domain/campaign';

export interface CheckRef {
	id: number;
	user_id: number;
	target_id: number;
	area_code: string;
}

/** A target check by the phone's id, with its target's area (null: not stored). */
export async function checkByUuid(db: Kysely<DB>, clientUuid: string): Promise<CheckRef | null> {
	const r = await sql<CheckRef>`
		SELECT k.id::float8 AS id, k.user_id::float8 AS user_id, k.target_id::float8 AS target_id,
			t.area_code
		FROM target_checks k JOIN campaign_targets t ON t.id = k.target_id
		WHERE k.client_uuid = ${clientUuid}::uuid`.execute(db);
	return r.rows[0] ?? null;
}

export interface PhotoUploadRow {
	id: number;
	upload_id: string;
	check_id: number;
	user_id: number;
	item: string | null;
	size_bytes: number;
	complete: boolean;
	sha256: string | null;
	taken_at: Date | null;
	lon: number | null;
	lat: number | null;
	stamp: string | null;
	area_code: string;
	target_id: number;
	/** the target's kind: a household visit's photos are stamped at a child's home */
	target_kind: string;
}

const PHOTO_COLUMNS = sql`p.id::float8 AS id, p.upload_id::text AS upload_id,
	p.check_id::float8 AS check_id, p.user_id::float8 AS user_id, p.item,
	p.size_bytes::float8 AS size_bytes, p.complete, p.sha256, p.taken_at,
	ST_X(p.gps) AS lon, ST_Y(p.gps) AS lat, p.stamp, t.area_code, t.id::float8 AS target_id,
	t.kind AS target_kind`;

export async function findPhotoUpload(
	db: Kysely<DB>,
	uploadId: string
): Promise<PhotoUploadRow | null> {
	const r = await sql<PhotoUploadRow>`
		SELECT ${PHOTO_COLUMNS}
		FROM check_photos p JOIN target_checks k ON k.id = p.check_id
		JOIN campaign_targets t ON t.id = k.target_id
		WHERE p.upload_id = ${uploadId}::uuid`.execute(db);
	return r.rows[0] ?? null;
}

export async function findCheckPhoto(db: Kysely<DB>, id: number): Promise<PhotoUploadRow | null> {
	const r = await sql<PhotoUploadRow>`
		SELECT ${PHOTO_COLUMNS}
		FROM check_photos p JOIN target_checks k ON k.id = p.check_id
		JOIN campaign_targets t ON t.id = k.target_id
		WHERE p.id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

/** How many photos a check has begun to receive. */
export async function photoCountOfCheck(db: Kysely<DB>, checkId: number): Promise<number> {
	const r = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM check_photos WHERE check_id = ${checkId}`.execute(db);
	return Number(r.rows[0].n);
}

/** Register a photo upload at its creation; a second registration of the same id writes nothing. */
export async function insertPhotoUpload(
	db: Kysely<DB>,
	p: {
		uploadId: string;
		checkId: number;
		userId: number;
		item: string | null;
		sizeBytes: number;
		takenAt: Date | null;
		lon: number | null;
		lat: number | null;
		stamp: string | null;
	}
): Promise<boolean> {
	const r = await sql`
		INSERT INTO check_photos (upload_id, check_id, user_id, item, size_bytes, taken_at, gps, stamp)
		VALUES (${p.uploadId}::uuid, ${p.checkId}, ${p.userId}, ${p.item}, ${p.sizeBytes}, ${p.takenAt},
			CASE WHEN ${p.lon}::float8 IS NULL THEN NULL
				ELSE ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326) END,
			${p.stamp})
		ON CONFLICT (upload_id) DO NOTHING`.execute(db);
	return Number(r.numAffectedRows ?? 0) === 1;
}

/** The whole photo has arrived: its digest, once. */
export async function completePhotoUpload(
	db: Kysely<DB>,
	uploadId: string,
	sha256: string
): Promise<void> {
	await sql`
		UPDATE check_photos SET complete = true, sha256 = ${sha256}, completed_at = now()
		WHERE upload_id = ${uploadId}::uuid AND NOT complete`.execute(db);
}

export interface CheckPhotoBrief {
	id: number;
	check_id: number;
	item: string | null;
	complete: boolean;
	taken_at: Date | null;
	stamp: string | null;
}

/** The photos of a target's checks (complete or still arriving). */
export async function photosOfTarget(db: Kysely<DB>, targetId: number): Promise<CheckPhotoBrief[]> {
	const r = await sql<CheckPhotoBrief>`
		SELECT p.id::float8 AS id, p.check_id::float8 AS check_id, p.item, p.complete, p.taken_at,
			p.stamp
		FROM check_photos p JOIN target_checks k ON k.id = p.check_id
		WHERE k.target_id = ${targetId}
		ORDER BY p.check_id, p.id`.execute(db);
	return r.rows;
}

/**
 * The photos taken when a hazard was found: those of the check that found it, of its item (or of
 * the whole check), arrived whole.
 */
export async function photosOfHazardFinding(
	db: Kysely<DB>,
	hazardId: number
): Promise<{ id: number; taken_at: Date | null }[]> {
	const r = await sql<{ id: number; taken_at: Date | null }>`
		SELECT p.id::float8 AS id, p.taken_at
		FROM hazards h JOIN check_photos p ON p.check_id = h.check_id
		WHERE h.id = ${hazardId} AND p.complete AND (p.item = h.item OR p.item IS NULL)
		ORDER BY p.id`.execute(db);
	return r.rows;
}

/** The unit of a level whose boundary holds a point (null: none). */
export async function unitHolding(
	db: Kysely<DB>,
	lon: number,
	lat: number,
	level: 'township' | 'village',
	prefix: string
): Promise<string | null> {
	const r = await sql<{ code: string }>`
		SELECT code FROM admin_units
		WHERE level = ${level} AND code LIKE ${prefix + '%'} AND geom IS NOT NULL
			AND ST_Intersects(geom, ${point(lon, lat)})
		ORDER BY code LIMIT 1`.execute(db);
	return r.rows[0]?.code ?? null;
}

/** Whether the unit has a boundary (villages often have only a point). */
export async function hasBoundary(db: Kysely<DB>, code: string): Promise<boolean> {
	const r = await sql<{ ok: boolean }>`
		SELECT EXISTS (SELECT 1 FROM admin_units WHERE code = ${code} AND geom IS NOT NULL) AS ok`.execute(
		db
	);
	return r.rows[0]?.ok === true;
}

/**
 * The boundary `unitHolding` tests a field find against, as GeoJSON: the union of the units of
 * that level under the prefix (a township worker's township, a county's townships, a village
 * director's village). Null when there are none or more than `maxUnits` (a province's 1,300
 * townships are too much for a phone; the server still decides).
 */
export async function unitsBoundary(
	db: Kysely<DB>,
	level: 'township' | 'village',
	prefix: string,
	maxUnits: number
): Promise<string | null> {
	const r = await sql<{ n: number; g: string | null }>`
		SELECT count(*)::int AS n,
			CASE WHEN count(*) <= ${maxUnits} THEN ST_AsGeoJSON(ST_Union(geom), 6) END AS g
		FROM admin_units
		WHERE level = ${level} AND code LIKE ${prefix + '%'} AND geom IS NOT NULL`.execute(db);
	return r.rows[0]?.g ?? null;
}

/** Campaigns open at `now` (the service keeps those whose area holds a field find), newest first. */
export async function openCampaigns(
	db: Kysely<DB>,
	now: Date
): Promise<{ id: number; name: string; area_code: string }[]> {
	const r = await sql<{ id: number; name: string; area_code: string }>`
		SELECT c.id::float8 AS id, c.name, c.area_code
		FROM campaigns c
		WHERE c.starts_at <= ${now} AND ${now} < c.ends_at
		ORDER BY c.starts_at DESC, c.id DESC`.execute(db);
	return r.rows;
}

/**
 * A target found in the field, once per phone id: its nearest water as every point target has
 * it. Returns the target's id and whether it was there already (and whose it was).
 */
export async function insertFieldTarget(
	trx: Kysely<DB>,
	f: {
		clientUuid: string;
		campaignId: number;
		fieldKind: FieldKind;
		name: string;
		areaCode: string;
		lon: number;
		lat: number;
		userId: number;
	}
): Promise<{ id: number; duplicate: boolean; addedBy: number }> {
	const { dLon, dLat } = radiusToDegrees(NEAREST_WATER_SEARCH_M, BOX_LATITUDE);
	const ins = await sql<{ id: number }>`
		INSERT INTO campaign_targets (campaign_id, kind, name, area_code, geom, checklist, reason,
			nearest_water, nearest_water_m, assignee_id, added_by, client_uuid)
		SELECT ${f.campaignId}::bigint, 'field', ${f.name}, ${f.areaCode}, p.geom, 'field',
			jsonb_build_object('code', 'field', 'fieldKind', ${f.fieldKind}::text), nw.name, nw.d,
			${f.userId}::bigint, ${f.userId}::bigint, ${f.clientUuid}::uuid
		FROM (SELECT ${point(f.lon, f.lat)} AS geom) p
		LEFT JOIN LATERAL (
			SELECT w.name, ST_Distance(w.geom::geography, p.geom::geography, false) AS d
			FROM waterways w
			WHERE w.geom && ST_Expand(p.geom, ${dLon}::float8, ${dLat}::float8)
			ORDER BY d, w.id LIMIT 1
		) nw ON nw.d <= ${NEAREST_WATER_SEARCH_M}::float8
		ON CONFLICT (client_uuid) WHERE client_uuid IS NOT NULL DO NOTHING
		RETURNING id::float8 AS id`.execute(trx);
	if (ins.rows[0]) return { id: ins.rows[0].id, duplicate: false, addedBy: f.userId };
	const prev = await sql<{ id: number; added_by: number }>`
		SELECT id::float8 AS id, added_by::float8 AS added_by FROM campaign_targets
		WHERE client_uuid = ${f.clientUuid}::uuid`.execute(trx);
	return { id: prev.rows[0].id, duplicate: true, addedBy: prev.rows[0].added_by };
}
