// An area's still picture for paper (geo/paper-map.ts), drawn on the server: a small map prints
// it until the live map has a picture of its own. The caller has already framed the area inside
// the viewer's jurisdiction (as it frames the live map).
//
// Every dashboard and bulletin load carries one, so the picture is kept per data version: the
// waters it draws (their kind and geometry) move the version when they change (migrations 0008,
// 0027; geometry through the noted changes), and a new version draws afresh. Outlines of
// administrative units are not imported and change only with a new seed. A few dozen areas are
// kept at most, the least recently used dropped first.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { paperFrame, paperPath, type BBox, type PaperStill } from '$lib/geo/paper-map';
import { paperShapes } from '../repositories/paper-map';
import { currentDataVersion } from '../repositories/data-changes';
import { knownVersion } from './freshness';

/** Areas kept per database: a county's townships and a few counties, a few hundred KB at most. */
export const PAPER_KEPT_MAX = 48;

interface Kept {
	version: string | null | undefined;
	stills: Map<string, Promise<PaperStill>>;
}
/** Per database (one in the app; tests open several, whose versions may coincide). */
const keptBy = new WeakMap<Kysely<DB>, Kept>();

async function drawStill(db: Kysely<DB>, code: string, bbox: BBox): Promise<PaperStill> {
	const shapes = await paperShapes(db, code, jurisdictionPrefix(code));
	const frame = paperFrame(bbox);
	const draw = (gs: string[]) => gs.map((g) => paperPath(frame, JSON.parse(g))).join('');
	return {
		...frame,
		outline: draw(shapes.outline),
		subunits: draw(shapes.subunits),
		water: draw(shapes.water)
	};
}

export async function paperStill(db: Kysely<DB>, code: string, bbox: BBox): Promise<PaperStill> {
	// the app's watcher knows the version without a query; a database nothing watches is asked
	const known = knownVersion(db);
	const version = known === undefined ? await currentDataVersion(db) : known;
	let kept = keptBy.get(db);
	if (!kept || kept.version !== version) {
		kept = { version, stills: new Map() };
		keptBy.set(db, kept);
	}
	const key = `${code}|${bbox.join(',')}`;
	let still = kept.stills.get(key);
	if (still) {
		// the most recently used last: the first in the map is the one dropped
		kept.stills.delete(key);
	} else {
		const stills = kept.stills;
		const drawing = drawStill(db, code, bbox);
		// a failed read is not kept: the next load tries again
		drawing.catch(() => stills.get(key) === drawing && stills.delete(key));
		if (stills.size >= PAPER_KEPT_MAX) stills.delete(stills.keys().next().value!);
		still = drawing;
	}
	kept.stills.set(key, still);
	return still;
}
