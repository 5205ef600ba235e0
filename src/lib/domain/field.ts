// Field work on a phone: the wire formats the phone and the server share for a target check sent
// from the outbox, its photos (sent after it, resumable, over tus), and a target found in the
// field. Pure; the browser checks a check with the same schema the server parses it with.
import * as v from 'valibot';
import { ANSWERS, FIELD_KINDS } from './campaign';

/** Where the tus server answers (the app's own origin). */
export const UPLOAD_PATH = '/api/uploads';
/** One photo after the phone made it small and stamped it (~300 KB); 20 MB is far beyond. */
export const MAX_PHOTO_BYTES = 20_000_000;
export const MAX_PHOTOS_PER_TARGET_CHECK = 6;
export const STAMP_MAX_LENGTH = 200;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEM_RE = /^[a-z_]{1,40}$/;

const lonLat = {
	lon: v.nullish(v.pipe(v.number('valid.number'), v.minValue(-180), v.maxValue(180))),
	lat: v.nullish(v.pipe(v.number('valid.number'), v.minValue(-90), v.maxValue(90)))
};

/** A photo of a check as the record announces it (its bytes follow over tus). */
export const TargetCheckPhoto = v.object({
	photo: v.pipe(v.string(), v.uuid('valid.uuid')),
	item: v.nullish(v.pipe(v.string(), v.regex(ITEM_RE, 'cp.err.item'))),
	takenAt: v.nullish(v.pipe(v.string(), v.isoTimestamp('valid.isoTime'))),
	...lonLat,
	stamp: v.nullish(v.pipe(v.string(), v.maxLength(STAMP_MAX_LENGTH))),
	sizeBytes: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PHOTO_BYTES))
});

/** A target check as the phone queues it and POST /api/target-checks parses it. */
export const TargetCheckPayload = v.object({
	clientUuid: v.pipe(v.string(), v.uuid('valid.uuid')),
	targetId: v.pipe(v.number(), v.integer(), v.minValue(1)),
	recordedAt: v.pipe(v.string(), v.isoTimestamp('valid.isoTime')),
	...lonLat,
	/** the phone's stated accuracy of the position, metres */
	accuracyM: v.nullish(v.pipe(v.number(), v.minValue(0))),
	note: v.nullish(v.pipe(v.string(), v.maxLength(1000))),
	/**
	 * the version of the campaign's checklist the answers were given on (0: the default set);
	 * absent in checks queued before checklists had versions
	 */
	checklistVersion: v.nullish(
		v.pipe(v.number(), v.integer(), v.minValue(0, 'ckl.err.version'), v.maxValue(1_000_000))
	),
	answers: v.pipe(
		v.array(
			v.object({
				item: v.pipe(v.string(), v.regex(ITEM_RE, 'cp.err.item')),
				answer: v.picklist(ANSWERS, 'cp.err.missing'),
				note: v.nullish(v.pipe(v.string(), v.maxLength(500)))
			})
		),
		v.maxLength(50)
	),
	photos: v.pipe(v.array(TargetCheckPhoto), v.maxLength(MAX_PHOTOS_PER_TARGET_CHECK))
});
export type TargetCheckPayloadInput = v.InferInput<typeof TargetCheckPayload>;
export type TargetCheckPayloadOutput = v.InferOutput<typeof TargetCheckPayload>;

/** A target found in the field, as the phone sends it (POST /api/field-targets). */
export const FieldTargetPayload = v.object({
	clientUuid: v.pipe(v.string(), v.uuid('valid.uuid')),
	fieldKind: v.picklist(FIELD_KINDS, 'field.err.kind'),
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'field.err.name'),
		v.maxLength(100, 'field.err.name')
	),
	lon: v.pipe(
		v.number('field.err.position'),
		v.minValue(-180, 'field.err.position'),
		v.maxValue(180, 'field.err.position')
	),
	lat: v.pipe(
		v.number('field.err.position'),
		v.minValue(-90, 'field.err.position'),
		v.maxValue(90, 'field.err.position')
	),
	campaignId: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1)))
});
export type FieldTargetPayloadInput = v.InferInput<typeof FieldTargetPayload>;

/** The tus metadata of one photo upload (all text on the wire). */
export interface PhotoUploadMeta {
	photo: string;
	check: string;
	item: string | null;
	takenAt: string | null;
	lon: number | null;
	lat: number | null;
	stamp: string | null;
}

/** What is wrong with a photo upload's metadata (null: nothing). */
export function photoMetaProblem(m: PhotoUploadMeta): string | null {
	if (!UUID_RE.test(m.photo)) return 'photo id';
	if (!UUID_RE.test(m.check)) return 'check id';
	if (m.item !== null && !ITEM_RE.test(m.item)) return 'item';
	if (m.takenAt !== null && Number.isNaN(Date.parse(m.takenAt))) return 'takenAt';
	if ((m.lon === null) !== (m.lat === null)) return 'position';
	if (
		m.lon !== null &&
		m.lat !== null &&
		!(
			Number.isFinite(m.lon) &&
			Number.isFinite(m.lat) &&
			Math.abs(m.lon) <= 180 &&
			Math.abs(m.lat) <= 90
		)
	)
		return 'position';
	if (m.stamp !== null && m.stamp.length > STAMP_MAX_LENGTH) return 'stamp';
	return null;
}

/**
 * The words stamped on a photo and kept beside it: when and where it was taken, as a phone in
 * the field can tell (Beijing time; WGS 84 degrees to about a metre).
 */
export function stampText(at: Date, pos: { lon: number; lat: number } | null): string {
	const bj = new Date(at.getTime() + 8 * 3600_000).toISOString();
	const when = `${bj.slice(0, 10)} ${bj.slice(11, 19)} (UTC+8)`;
	if (!pos) return `${when} · —`;
	const ns = pos.lat >= 0 ? 'N' : 'S';
	const ew = pos.lon >= 0 ? 'E' : 'W';
	return `${when} · ${Math.abs(pos.lat).toFixed(5)}°${ns} ${Math.abs(pos.lon).toFixed(5)}°${ew}`;
}
