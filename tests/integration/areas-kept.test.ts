// The administrative units are kept once read (issue 15, item 3): the header's unit name, the
// map's box and the list's area filter were read again on every request. The kept answers are
// the database's answers, the same object on the next ask, and a code not found is not kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import { findUnit, subdivisionNames } from '../../src/lib/server/services/areas';
import { childUnits, findUnit as readUnit } from '../../src/lib/server/repositories/areas';

describe.each(testEngines())('kept administrative units on %s', (engine) => {
	let d: TestDatabase;
	let county: string;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		county = (
			await sql<{ c: string }>`
				SELECT min(code) AS c FROM admin_units WHERE level = 'county'`.execute(d.db)
		).rows[0].c;
	});
	afterAll(async () => {
		await d?.close();
	});

	it("keeps a unit as read, and a unit's subdivisions by name", async () => {
		const unit = await findUnit(d.db, county);
		expect(unit).toEqual(await readUnit(d.db, county));
		expect(await findUnit(d.db, county)).toBe(unit);
		const subs = await subdivisionNames(d.db, county);
		expect(subs.length).toBeGreaterThan(0);
		expect(subs).toEqual(
			(await childUnits(d.db, county)).map((u) => ({ code: u.code, name: u.name }))
		);
		expect(await subdivisionNames(d.db, county)).toBe(subs);
	});

	it('does not keep a code that is not there yet', async () => {
		const code = '429999999999';
		expect(await findUnit(d.db, code)).toBeNull();
		await sql`
			INSERT INTO admin_units (code, level, name, parent_code, center, synthetic_geom)
			VALUES (${code}, 'village', '新建村', ${county}, ST_SetSRID(ST_MakePoint(113.5, 30.5), 4326), true)`.execute(
			d.db
		);
		expect((await findUnit(d.db, code))?.name).toBe('新建村');
	});
});
