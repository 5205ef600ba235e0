// Field work on a phone: the photos of a target check and targets found in the field.
//
// Photos come after their check, over tus (the resumable upload protocol, @tus/server with its
// file store under UPLOAD_DIR): a connection that drops mid-photo resumes from the last byte the
// server holds. The phone names each upload with its own id for the photo, so the upload's URL
// is known before it starts and a batch sent again finds what already arrived instead of adding
// a second copy; the database row is keyed by the same id. Only the check's recorder may send
// its photos, and only after the check itself is stored ("the record first").
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { Server, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import type { DB } from '../db/schema';
import { SAME_ORIGIN_ONLY, handleTus, senderOf, tusRefusal, tusServer } from './tus';
import { canRecordChecks, type Principal } from '../auth/policy';
import { mayOpenHomes } from './residences';
import { inSiteScope, scopeFor } from '../auth/scope';
import { CampaignRejected, NotFoundError } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import { recordTargetCheck } from './campaigns';
import { findTarget } from '../repositories/campaigns';
import {
	checkByUuid,
	completePhotoUpload,
	findCheckPhoto,
	findPhotoUpload,
	insertFieldTarget,
	insertPhotoUpload,
	openCampaigns,
	photoCountOfCheck,
	photosOfTarget,
	hasBoundary,
	unitHolding,
	unitsBoundary
} from '../repositories/field';
import { jurisdictionPrefix, townshipPrefix } from '$lib/domain/admin';
import { FIELD_KINDS, type FieldKind } from '$lib/domain/campaign';
import {
	MAX_PHOTO_BYTES,
	MAX_PHOTOS_PER_TARGET_CHECK,
	STAMP_MAX_LENGTH,
	UPLOAD_PATH,
	type TargetCheckPayloadOutput,
	photoMetaProblem,
	type PhotoUploadMeta
} from '$lib/domain/field';
import { isValidLonLat } from '$lib/geo/distance';
import type { RequestMeta } from './auth';

function reject(field: string, key: string): never {
	throw new CampaignRejected(field, key);
}

// ---- photos over tus ----

function makeUploadServer(db: Kysely<DB>, dir: string): Server {
	const datastore = new FileStore({ directory: dir });
	return new Server({
		...SAME_ORIGIN_ONLY,
		path: UPLOAD_PATH,
		datastore,
		relativeLocation: true,
		maxSize: MAX_PHOTO_BYTES,
		// the upload's id is the phone's id for the photo (a UUID), so its URL is known before
		// the first byte and an upload is found again whatever happened to the answers
		namingFunction: (_req, metadata) => {
			const id = metadata?.photo ?? '';
			if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
				throw tusRefusal(400, 'photo id');
			return id.toLowerCase();
		},
		onIncomingRequest: async (req, id) => {
			const who = senderOf(req);
			const row = await findPhotoUpload(db, id);
			if (req.method === 'POST') {
				if (row && row.user_id !== who.userId) throw tusRefusal(409, 'photo id taken');
				// an upload created before is resumed (HEAD, PATCH), never created again: that
				// would empty the file already received
				if (
					row &&
					(await datastore.getUpload(id).then(
						() => true,
						() => false
					))
				)
					throw tusRefusal(409, 'exists');
				return;
			}
			// another user's upload, or one never created: as if it did not exist
			if (!row || row.user_id !== who.userId) throw tusRefusal(404, 'not found');
		},
		onUploadCreate: async (req, upload) => {
			const who = senderOf(req);
			const meta = (upload.metadata ?? {}) as Record<string, string | null>;
			const m: PhotoUploadMeta = {
				photo: meta.photo ?? '',
				check: meta.check ?? '',
				item: meta.item || null,
				takenAt: meta.takenAt || null,
				lon: meta.lon ? Number(meta.lon) : null,
				lat: meta.lat ? Number(meta.lat) : null,
				stamp: meta.stamp || null
			};
			const problem = photoMetaProblem(m);
			if (problem) throw tusRefusal(400, problem);
			if (!upload.size || upload.size > MAX_PHOTO_BYTES) throw tusRefusal(413, 'size');
			// the record first: photos of a check the server does not hold yet wait on the phone
			const check = await checkByUuid(db, m.check.toLowerCase());
			if (!check) throw tusRefusal(409, 'check not stored yet');
			if (check.user_id !== who.userId || !inSiteScope(scopeFor(who.jurisdiction), check.area_code))
				throw tusRefusal(404, 'not found');
			const known = await findPhotoUpload(db, upload.id);
			// announced by another check, or with another size: not this photo
			if (known && (known.check_id !== check.id || known.size_bytes !== upload.size))
				throw tusRefusal(409, 'photo differs from the one announced');
			// a photo its check announced is one of its places, already counted: counted again, a
			// check with the most photos it may have (six) had every one of them refused
			if (!known && (await photoCountOfCheck(db, check.id)) >= MAX_PHOTOS_PER_TARGET_CHECK)
				throw tusRefusal(400, 'too many photos');
			await insertPhotoUpload(db, {
				uploadId: upload.id,
				checkId: check.id,
				userId: who.userId,
				item: m.item,
				sizeBytes: upload.size,
				takenAt: m.takenAt ? new Date(m.takenAt) : null,
				lon: m.lon,
				lat: m.lat,
				stamp: m.stamp?.slice(0, STAMP_MAX_LENGTH) ?? null
			});
			return {};
		},
		onUploadFinish: async (_req, upload: Upload) => {
			const file = path.join(dir, upload.id);
			const head = (await readFile(file)).subarray(0, 3);
			// the phone sends the JPEG it stamped; anything else is not kept as a photo
			if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff)
				throw tusRefusal(400, 'not a JPEG');
			const hash = createHash('sha256');
			for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
			await completePhotoUpload(db, upload.id, hash.digest('hex'));
			return {};
		}
	});
}

/** One tus request (POST, HEAD, PATCH, OPTIONS) of a signed-in user. */
export async function handlePhotoUpload(
	db: Kysely<DB>,
	who: Principal,
	request: Request,
	dir: string
): Promise<Response> {
	// a photo once sent is evidence: never deleted over tus
	return handleTus(
		tusServer(`photos:${dir}`, () => makeUploadServer(db, dir)),
		who,
		request
	);
}

/** A photo of a target check (whole), for whoever may see its target. */
export async function checkPhotoFor(
	db: Kysely<DB>,
	who: Principal,
	id: number,
	dir: string
): Promise<{ bytes: Buffer; stamp: string | null; home: boolean }> {
	const p = await findCheckPhoto(db, id);
	if (!p || !p.complete || !inSiteScope(scopeFor(who.jurisdiction), p.area_code))
		throw new NotFoundError(`check-photo/${id}`);
	// a household visit's photo shows (and is stamped with) a child's home: only for the roles
	// that may see homes there
	const home = p.target_kind === 'village';
	if (home && !(await mayOpenHomes(db, who, p.area_code)))
		throw new NotFoundError(`check-photo/${id}`);
	return { bytes: await readFile(path.join(dir, p.upload_id)), stamp: p.stamp, home };
}

// ---- the record first ----

/**
 * A target check sent from the phone's outbox: the check (services/campaigns.ts, once per client
 * UUID), then the photos it announces are registered as awaited, so the server can say which
 * photos of a check are still on their way. Sent again, nothing is added.
 */
export async function recordFieldCheck(
	db: Kysely<DB>,
	who: Principal,
	p: TargetCheckPayloadOutput,
	meta: RequestMeta,
	now = new Date()
): Promise<{ id: number; duplicate: boolean; hazards: number[]; photos: string[] }> {
	const r = await recordTargetCheck(
		db,
		who,
		{
			clientUuid: p.clientUuid,
			targetId: p.targetId,
			recordedAt: new Date(p.recordedAt),
			lon: p.lon ?? null,
			lat: p.lat ?? null,
			note: p.note ?? null,
			checklistVersion: p.checklistVersion ?? null,
			answers: p.answers.map((a) => ({ item: a.item, answer: a.answer, note: a.note ?? null }))
		},
		meta,
		now
	);
	for (const ph of p.photos) {
		const known = await findPhotoUpload(db, ph.photo.toLowerCase());
		// an id the phone reused for another user's or another check's photo is refused
		if (known && (known.user_id !== who.userId || known.check_id !== r.id))
			reject('photos', 'check.conflict');
		if (!known)
			await insertPhotoUpload(db, {
				uploadId: ph.photo.toLowerCase(),
				checkId: r.id,
				userId: who.userId,
				item: ph.item ?? null,
				sizeBytes: ph.sizeBytes,
				takenAt: ph.takenAt ? new Date(ph.takenAt) : null,
				lon: ph.lon ?? null,
				lat: ph.lat ?? null,
				stamp: ph.stamp ?? null
			});
	}
	return { ...r, photos: p.photos.map((x) => x.photo.toLowerCase()) };
}

/** The photos of a target's checks (the target must be in the viewer's reach). */
export async function targetPhotos(db: Kysely<DB>, who: Principal, targetId: number) {
	const t = await findTarget(db, targetId);
	if (!t || !inSiteScope(scopeFor(who.jurisdiction), t.area_code))
		throw new NotFoundError(`target/${targetId}`);
	const photos = await photosOfTarget(db, targetId);
	if (t.kind !== 'village') return photos;
	// a household visit's page is kept on the phone: its photos' stamps (the place, i.e. a
	// child's home) stay on the server, and the photos are listed only to those who may see homes
	if (!(await mayOpenHomes(db, who, t.area_code))) return [];
	return photos.map((p) => ({ ...p, stamp: null }));
}

// ---- targets found in the field ----

export interface FieldTargetInput {
	clientUuid: string;
	fieldKind: string;
	name: string;
	lon: unknown;
	lat: unknown;
	campaignId?: number | null;
}

/**
 * Where a field find is the worker's: inside one of the townships under their jurisdiction, or,
 * for a village's child director, inside their village. Village boundaries are often not known
 * (the demo has none: villages are points); a director's find is then theirs anywhere in their
 * village's township, and listed under their village. Without that, a director could add no
 * find at all: every point was "outside".
 */
async function findScope(
	db: Kysely<DB>,
	who: Principal
): Promise<{ level: 'township' | 'village'; prefix: string; village: string | null }> {
	const prefix = jurisdictionPrefix(who.jurisdiction);
	if (prefix.length < 12) return { level: 'township', prefix, village: null };
	if (await hasBoundary(db, who.jurisdiction)) return { level: 'village', prefix, village: null };
	return { level: 'township', prefix: townshipPrefix(prefix), village: who.jurisdiction };
}

/** Most units whose boundary goes to the phone: a county's townships, never a province's. */
const FIND_AREA_MAX_UNITS = 60;

/**
 * The boundary a field find must fall in, for the phone to refuse one outside at once, without
 * signal (the server decides again on upload): GeoJSON text, or null when too large to send.
 */
export async function fieldFindArea(db: Kysely<DB>, who: Principal): Promise<string | null> {
	const { level, prefix } = await findScope(db, who);
	return unitsBoundary(db, level, prefix, FIND_AREA_MAX_UNITS);
}

/**
 * A worker adds a target found in the field (a construction pit, an open well, a broken fence,
 * a flooded road…) at a point from the phone's GPS or placed on the map. The point must lie in
 * the worker's own jurisdiction (its boundary, not only its code); the target joins the newest
 * open campaign over that place (or the one named) and is the worker's to check. Once per
 * phone id; audited.
 */
export async function addFieldTarget(
	db: Kysely<DB>,
	who: Principal,
	f: FieldTargetInput,
	meta: RequestMeta,
	now = new Date()
): Promise<{ id: number; duplicate: boolean; campaignId: number }> {
	if (!(FIELD_KINDS as readonly string[]).includes(f.fieldKind))
		reject('fieldKind', 'field.err.kind');
	const name = f.name.trim();
	if (!name || name.length > 100) reject('name', 'field.err.name');
	if (!isValidLonLat(f.lon, f.lat)) reject('position', 'field.err.position');
	const lon = f.lon as number;
	const lat = f.lat as number;
	const scope = await findScope(db, who);
	const own = await unitHolding(db, lon, lat, scope.level, scope.prefix);
	if (!own) reject('position', 'field.err.outside');
	// the village whose boundary holds it, where there is one: a township's find is listed there
	// (a director's is listed under their own village)
	const village =
		scope.village ??
		(scope.level === 'village'
			? own
			: await unitHolding(db, lon, lat, 'village', jurisdictionPrefix(own)));
	const areaCode = village ?? own;
	if (!canRecordChecks(who, areaCode)) reject('position', 'field.err.notAllowed');
	const open = (await openCampaigns(db, now)).filter((c) =>
		areaCode.startsWith(jurisdictionPrefix(c.area_code))
	);
	const campaign = f.campaignId ? open.find((c) => c.id === f.campaignId) : open[0];
	if (!campaign) reject('campaignId', 'field.err.noCampaign');
	return db.transaction().execute(async (trx) => {
		const r = await insertFieldTarget(trx, {
			clientUuid: f.clientUuid.toLowerCase(),
			campaignId: campaign.id,
			fieldKind: f.fieldKind as FieldKind,
			name,
			areaCode,
			lon,
			lat,
			userId: who.userId
		});
		if (r.duplicate && r.addedBy !== who.userId) reject('clientUuid', 'check.conflict');
		if (!r.duplicate)
			await appendAudit(trx, {
				...actorOf(who),
				action: 'field_target_added',
				resource: `target:${r.id}`,
				jurisdictionCode: areaCode,
				detail: { campaign: campaign.id, fieldKind: f.fieldKind, lon, lat },
				...meta
			});
		return { id: r.id, duplicate: r.duplicate, campaignId: campaign.id };
	});
}
