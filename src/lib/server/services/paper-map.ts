// An area's still picture for paper (geo/paper-map.ts), drawn on the server: a small map prints
// it until the live map has a picture of its own. The caller has already framed the area inside
// the viewer's jurisdiction (as it frames the live map).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { paperFrame, paperPath, type BBox, type PaperStill } from '$lib/geo/paper-map';
import { paperShapes } from '../repositories/paper-map';

export async function paperStill(db: Kysely<DB>, code: string, bbox: BBox): Promise<PaperStill> {
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
