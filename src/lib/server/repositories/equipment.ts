// Four-item slots: current state, field checks (idempotent by client UUID), photos, history.
// A check is an inspection, or the record of the items a rescue used (services/emergency.ts):
// both set the items' state; only an inspection moves when they were last inspected.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	FOUR_ITEMS,
	isUsable,
	type EquipmentItem,
	type EquipmentStatus,
	type WaterwayKind
} from '$lib/domain/equipment';
import { USABLE_ITEMS, underPrefix } from '../db/postgis';

/** The one definition of a usable item (db/postgis.ts), for the repositories of the slots' readers. */
export { USABLE_ITEMS };

/** An inspection of the items, or the record of items used in a rescue (migration 0032). */
export type CheckKind = 'inspection' | 'rescue';

export interface CheckInput {
	/** an inspection unless said: a rescue sets the items' state but is no inspection */
	kind?: CheckKind;
	clientUuid: string;
	waterwayId: number;
	userId: number;
	recordedAt: Date;
	lon: number | null;
	lat: number | null;
	note: string | null;
	slots: { item: EquipmentItem; status: EquipmentStatus }[];
	photos: {
		item: EquipmentItem | null;
		mime: 'image/jpeg';
		bytes: Buffer;
		width: number;
		height: number;
		takenAt: Date | null;
		gpsLon: number | null;
		gpsLat: number | null;
	}[];
}

/** The stored check; for a client UUID stored before, whose check it is (`byUser`). */
export type CheckResult = { id: number; duplicate: boolean; byUser: number };

/** Insert a check exactly once. Must run inside a transaction. */
export async function insertCheck(trx: Kysely<DB>, c: CheckInput): Promise<CheckResult> {
	const ins = await sql<{ id: number }>`
		INSERT INTO equipment_checks (kind, client_uuid, waterway_id, user_id, recorded_at, position, note)
		VALUES (${c.kind ?? 'inspection'}, ${c.clientUuid}::uuid, ${c.waterwayId}, ${c.userId}, ${c.recordedAt},
			CASE WHEN ${c.lon}::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(${c.lon}::float8, ${c.lat}::float8), 4326) END,
			${c.note})
		ON CONFLICT (client_uuid) DO NOTHING
		RETURNING id`.execute(trx);
	if (!ins.rows[0]) {
		const prev = await sql<{
			id: number;
			user_id: number;
		}>`SELECT id, user_id FROM equipment_checks WHERE client_uuid = ${c.clientUuid}::uuid`.execute(
			trx
		);
		return { id: prev.rows[0].id, duplicate: true, byUser: Number(prev.rows[0].user_id) };
	}
	const checkId = ins.rows[0].id;
	const photoByItem = new Map<string, number>();
	for (const p of c.photos) {
		const r = await sql<{ id: number }>`
			INSERT INTO photos (check_id, item, mime, bytes, width, height, taken_at, gps)
			VALUES (${checkId}, ${p.item}, ${p.mime}, ${p.bytes}, ${p.width}, ${p.height}, ${p.takenAt},
				CASE WHEN ${p.gpsLon}::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(${p.gpsLon}::float8, ${p.gpsLat}::float8), 4326) END)
			RETURNING id`.execute(trx);
		if (p.item) photoByItem.set(p.item, r.rows[0].id);
		else photoByItem.set('*', r.rows[0].id);
	}
	for (const s of c.slots) {
		const photoId = photoByItem.get(s.item) ?? photoByItem.get('*') ?? null;
		await sql`
			INSERT INTO equipment_events (waterway_id, item, status, at, check_id, user_id, photo_id, note)
			VALUES (${c.waterwayId}, ${s.item}, ${s.status}, ${c.recordedAt}, ${checkId}, ${c.userId}, ${photoId}, ${c.note})`.execute(
			trx
		);
		// the current state follows the newest check; a late upload of an older check only adds history
		await sql`
			UPDATE safety_equipment SET status = ${s.status}, checked_at = ${c.recordedAt}, checked_by = ${c.userId},
				photo_id = coalesce(${photoId}::bigint, photo_id), note = ${c.note}
			WHERE waterway_id = ${c.waterwayId} AND item = ${s.item}
				AND (checked_at IS NULL OR checked_at <= ${c.recordedAt})`.execute(trx);
		// an inspection is the item's last inspection if newer, also when a newer rescue holds
		// the state; a rescue's use leaves it
		if ((c.kind ?? 'inspection') === 'inspection')
			await sql`
				UPDATE safety_equipment SET inspected_at = ${c.recordedAt}
				WHERE waterway_id = ${c.waterwayId} AND item = ${s.item}
					AND (inspected_at IS NULL OR inspected_at < ${c.recordedAt})`.execute(trx);
	}
	return { id: checkId, duplicate: false, byUser: c.userId };
}

export interface SlotState {
	item: EquipmentItem;
	status: EquipmentStatus;
	checkedAt: Date | null;
	checkedBy: string | null;
	photoId: number | null;
	note: string | null;
}

export async function slots(db: Kysely<DB>, waterwayId: number): Promise<SlotState[]> {
	const r = await sql<{
		item: EquipmentItem;
		status: EquipmentStatus;
		checked_at: Date | null;
		checked_by: string | null;
		photo_id: number | null;
		note: string | null;
	}>`
		SELECT e.item, e.status, e.checked_at, u.display_name AS checked_by, e.photo_id, e.note
		FROM safety_equipment e LEFT JOIN users u ON u.id = e.checked_by
		WHERE e.waterway_id = ${waterwayId}
		ORDER BY array_position(ARRAY['sign','buoy','rope','pole','barrier'], e.item)`.execute(db);
	return r.rows.map((x) => ({
		item: x.item,
		status: x.status,
		checkedAt: x.checked_at,
		checkedBy: x.checked_by,
		photoId: x.photo_id,
		note: x.note
	}));
}

/** An item's state as one check (or one seeded event) recorded it. */
export interface HistoryItem {
	item: EquipmentItem;
	status: EquipmentStatus;
}

/** A photo taken during a check: of one item, or of the site (item null). */
export interface HistoryPhoto {
	id: number;
	item: EquipmentItem | null;
}

/**
 * One entry of a segment's history: a check, once, with the state it found for each item it
 * recorded, its note and its photos; an event with no check behind it (a seeded state) is an
 * entry of its own. The events themselves stay as they were written (append-only).
 */
export interface HistoryEntry {
	/** `check:<id>`, or `event:<id>` for an event without a check */
	key: string;
	checkId: number | null;
	/** a check's kind: a rescue's use of items is no inspection; null for an event without a check */
	kind: CheckKind | null;
	at: Date;
	by: string | null;
	note: string | null;
	/** in the order of the tiles: sign, buoy, rope, pole, barrier */
	items: HistoryItem[];
	/** item photos in the order of the items, then photos of the whole site */
	photos: HistoryPhoto[];
}

const ITEM_ORDER = sql`ARRAY['sign','buoy','rope','pole','barrier']`;

/** A segment's history, newest first: the newest `limit` entries (checks, not item events). */
export async function history(
	db: Kysely<DB>,
	waterwayId: number,
	limit = 50
): Promise<HistoryEntry[]> {
	const r = await sql<{
		id: number;
		check_id: number | null;
		kind: CheckKind | null;
		item: EquipmentItem;
		status: EquipmentStatus;
		at: Date;
		by: string | null;
		photo_id: number | null;
		note: string | null;
	}>`
		WITH entries AS (
			SELECT ev.check_id, CASE WHEN ev.check_id IS NULL THEN ev.id END AS event_id,
				max(ev.at) AS at, max(ev.id) AS last_id
			FROM equipment_events ev
			WHERE ev.waterway_id = ${waterwayId}
			GROUP BY 1, 2
			ORDER BY max(ev.at) DESC, max(ev.id) DESC
			LIMIT ${limit}
		)
		SELECT ev.id, ev.check_id, c.kind, ev.item, ev.status, ev.at, u.display_name AS by, ev.photo_id,
			ev.note
		FROM entries e
		JOIN equipment_events ev ON ev.waterway_id = ${waterwayId}
			AND (ev.check_id = e.check_id OR ev.id = e.event_id)
		LEFT JOIN equipment_checks c ON c.id = ev.check_id
		LEFT JOIN users u ON u.id = ev.user_id
		ORDER BY e.at DESC, e.last_id DESC, array_position(${ITEM_ORDER}, ev.item), ev.id`.execute(db);
	const entries: HistoryEntry[] = [];
	const byKey = new Map<string, HistoryEntry>();
	for (const x of r.rows) {
		const key = x.check_id === null ? `event:${x.id}` : `check:${x.check_id}`;
		let e = byKey.get(key);
		if (!e) {
			e = {
				key,
				checkId: x.check_id,
				kind: x.kind,
				at: x.at,
				by: x.by,
				note: x.note,
				items: [],
				// an event without a check keeps the photo it points to, if any
				photos: x.check_id === null && x.photo_id !== null ? [{ id: x.photo_id, item: x.item }] : []
			};
			byKey.set(key, e);
			entries.push(e);
		}
		e.items.push({ item: x.item, status: x.status });
	}
	const checkIds = entries.flatMap((e) => (e.checkId === null ? [] : [e.checkId]));
	if (checkIds.length > 0) {
		const p = await sql<{ id: number; check_id: number; item: EquipmentItem | null }>`
			SELECT p.id, p.check_id, p.item FROM photos p
			WHERE p.check_id IN (${sql.join(checkIds)})
			ORDER BY p.check_id, coalesce(array_position(${ITEM_ORDER}, p.item), 99), p.id`.execute(db);
		for (const x of p.rows)
			byKey.get(`check:${x.check_id}`)?.photos.push({ id: x.id, item: x.item });
	}
	return entries;
}

export interface SegmentRow {
	id: number;
	/** the source's own id, what an import of waterways (and of chiefs and items) names it by */
	source_id: string | null;
	kind: WaterwayKind;
	name: string;
	township_code: string;
	township_name: string;
	length_m: number;
	usable: number;
	required: boolean;
	children_within: number;
	nearest_m: number | null;
	nearest_kind: string | null;
	near_kinds: string[];
	river_chief_id: number | null;
	river_chief_name: string | null;
	/**
	 * the last inspection of any of the four items (a barrier-only check does not count, nor a
	 * rescue's use of items)
	 */
	last_checked: Date | null;
	/** whether the four-item rule has judged it yet (segment_requirements has its row) */
	judged: boolean;
	/** which of the four items are present and usable (read with `usable`, so they agree) */
	usable_items: string[];
	/** the segment's box [west, south, east, north]: a list's map frame without another query */
	bbox: [number, number, number, number];
	/** [lon, lat] halfway along the segment: its place in exports (a bend's box centre can be on land) */
	mid: [number, number];
}

export interface SegmentFilter {
	sitePrefix: string;
	riverChiefId?: number;
	kind?: WaterwayKind;
	/** code prefix of a subdivision (a prefecture, county or township) inside sitePrefix */
	areaPrefix?: string;
	requiredOnly?: boolean;
}

/** Segments of an area with the rule's answer and the number of usable items. */
export async function listSegments(db: Kysely<DB>, f: SegmentFilter): Promise<SegmentRow[]> {
	const r = await sql<SegmentRow>`
		SELECT w.id, w.source_id, w.kind, w.name, w.township_code, t.name AS township_name, w.length_m,
			coalesce(e.usable, 0)::int AS usable, coalesce(sr.required, false) AS required,
			coalesce(sr.children_within, 0) AS children_within, sr.nearest_m, sr.nearest_kind,
			coalesce(sr.near_kinds, '{}') AS near_kinds,
			w.river_chief_id, u.display_name AS river_chief_name, e.last_checked,
			coalesce(e.usable_items, '{}') AS usable_items, sr.waterway_id IS NOT NULL AS judged,
			ARRAY[ST_XMin(w.geom::box3d), ST_YMin(w.geom::box3d), ST_XMax(w.geom::box3d),
				ST_YMax(w.geom::box3d)]::float8[] AS bbox,
			ARRAY[ST_X(m.pt), ST_Y(m.pt)]::float8[] AS mid
		FROM waterways w
		CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(w.geom, 0.5) AS pt) m
		JOIN admin_units t ON t.code = w.township_code
		LEFT JOIN segment_requirements sr ON sr.waterway_id = w.id
		LEFT JOIN users u ON u.id = w.river_chief_id
		LEFT JOIN LATERAL (
			SELECT ${USABLE_ITEMS} AS usable,
				max(inspected_at) FILTER (WHERE item <> 'barrier') AS last_checked,
				array_agg(item ORDER BY item) FILTER (WHERE status = 'present' AND item <> 'barrier') AS usable_items
			FROM safety_equipment se WHERE se.waterway_id = w.id
		) e ON true
		WHERE w.township_code LIKE ${underPrefix(f.sitePrefix)}
			AND (${f.riverChiefId ?? null}::bigint IS NULL OR w.river_chief_id = ${f.riverChiefId ?? null})
			AND (${f.kind ?? null}::text IS NULL OR w.kind = ${f.kind ?? null})
			AND (${f.areaPrefix ?? null}::text IS NULL OR w.township_code LIKE ${underPrefix(f.areaPrefix ?? '')})
			AND (${f.requiredOnly ?? false} = false OR sr.required)`.execute(db);
	return r.rows;
}

export async function photo(
	db: Kysely<DB>,
	id: number
): Promise<{ mime: string; bytes: Buffer; township: string } | null> {
	const r = await sql<{ mime: string; bytes: Buffer; township: string }>`
		SELECT p.mime, p.bytes, w.township_code AS township
		FROM photos p JOIN equipment_checks c ON c.id = p.check_id JOIN waterways w ON w.id = c.waterway_id
		WHERE p.id = ${id}`.execute(db);
	return r.rows[0] ?? null;
}

/**
 * Which of the four items each segment lacks: every item not present and usable, so a segment
 * never checked lacks all four (the rule `completeness()` applies). An entry for every id.
 */
export async function missingItems(
	db: Kysely<DB>,
	ids: readonly number[]
): Promise<Map<number, (typeof FOUR_ITEMS)[number][]>> {
	const usable = new Map<number, Set<string>>();
	if (ids.length) {
		const r = await sql<{ waterway_id: number; item: string; status: EquipmentStatus }>`
			SELECT waterway_id, item, status FROM safety_equipment
			WHERE waterway_id = ANY(${[...ids]}::bigint[]) AND item <> 'barrier'`.execute(db);
		for (const x of r.rows) {
			if (!isUsable(x.status)) continue;
			const id = Number(x.waterway_id);
			if (!usable.has(id)) usable.set(id, new Set());
			usable.get(id)!.add(x.item);
		}
	}
	return new Map(ids.map((id) => [id, FOUR_ITEMS.filter((i) => !usable.get(id)?.has(i))]));
}
