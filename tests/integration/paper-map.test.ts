// The server-drawn print map of the campaign dashboard and bulletin is read on every load of
// either, so it is kept per data version: the same area and frame give the picture already
// drawn until the data version moves (here: a river taken off the waters it draws), and only a
// bounded number of areas is kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import { PAPER_KEPT_MAX, paperStill } from '../../src/lib/server/services/paper-map';
import { findUnit } from '../../src/lib/server/services/areas';
import { currentDataVersion } from '../../src/lib/server/repositories/data-changes';
import type { BBox } from '../../src/lib/geo/paper-map';

describe.each(testEngines())('paper map on %s', (engine) => {
	let d: TestDatabase;
	let code: string;
	let bbox: BBox;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		const county = await findUnit(d.db, '421083000000');
		code = county!.code;
		bbox = county!.bbox as BBox;
	});
	afterAll(async () => {
		await d?.close();
	});

	it('is drawn once per data version and drawn again when the waters change', async () => {
		const first = await paperStill(d.db, code, bbox);
		expect(first.outline.length).toBeGreaterThan(0);
		expect(first.subunits.length).toBeGreaterThan(0);
		expect(first.water.length).toBeGreaterThan(0);
		expect(await paperStill(d.db, code, bbox)).toBe(first);

		const before = await currentDataVersion(d.db);
		// the county's longest river is no longer one of the waters a printed map draws
		await sql`UPDATE waterways SET kind = 'ditch' WHERE id = (
			SELECT id FROM waterways WHERE township_code LIKE '421083%' AND kind = 'river'
			ORDER BY length_m DESC, id LIMIT 1)`.execute(d.db);
		expect(await currentDataVersion(d.db)).not.toBe(before);
		const after = await paperStill(d.db, code, bbox);
		expect(after).not.toBe(first);
		expect(after.water).not.toBe(first.water);
		expect(after.outline).toBe(first.outline);
		expect(await paperStill(d.db, code, bbox)).toBe(after);
	});

	it('keeps a bounded number of areas, the least recently used dropped first', async () => {
		const kept = await paperStill(d.db, code, bbox);
		for (let i = 1; i <= PAPER_KEPT_MAX; i++) {
			// other frames of the county (a county's townships in the app)
			const other: BBox = [bbox[0] - i * 1e-4, bbox[1], bbox[2], bbox[3]];
			await paperStill(d.db, code, other);
		}
		expect(await paperStill(d.db, code, bbox)).not.toBe(kept);
	});
});
