// Text with a control character from a phone or a form. PostgreSQL text cannot hold a NUL, and
// such a value reached the database as a 500 (the e2e fuzz found it on sign-in): the edge reads
// text without control characters, and text the database refuses anyway is answered as bad input.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { openTestDatabase, principalOf, testEngines, type TestDatabase } from '../support/template';
import { routeEvent } from '../support/route-event';
import { createCampaign } from '../../src/lib/server/services/campaigns';
import { refusalOf } from '../../src/lib/server/http/errors';
import { townshipPrefix } from '../../src/lib/domain/admin';
import { POST } from '../../src/routes/api/field-targets/+server';

const state = vi.hoisted(() => ({ db: null as TestDatabase | null }));
vi.mock('$lib/server/db', async (original) => ({
	...(await original<typeof import('../../src/lib/server/db')>()),
	database: async () => state.db!
}));

describe.each(testEngines())('control characters in text on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
		state.db = d;
	});
	afterAll(async () => {
		await d?.close();
	});

	it('stores a field find named with a NUL without it, where it answered 500', async () => {
		const director = await principalOf(d.db, 'village.director');
		const county = await principalOf(d.db, 'county.admin');
		await createCampaign(
			d.db,
			county,
			{
				name: '控制字符测试',
				areaCode: county.jurisdiction,
				startsAt: new Date(Date.now() - 86400_000),
				endsAt: new Date(Date.now() + 30 * 86400_000),
				rules: { villages: false, segments: false, homes: false, stations: false }
			},
			{ ip: '127.0.0.1', userAgent: 'vitest' }
		);
		const r = await sql<{ p: [number, number] }>`
			SELECT ARRAY[ST_X(p), ST_Y(p)] AS p FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_units
				WHERE code = ${townshipPrefix(director.jurisdiction).padEnd(12, '0')}) x`.execute(d.db);
		const [lon, lat] = r.rows[0].p;
		const clientUuid = crypto.randomUUID();
		const body = { clientUuid, fieldKind: 'well', name: '村头\u0000废\u0007井', lon, lat };
		const res = await POST(
			routeEvent(
				director,
				new Request('http://localhost/api/field-targets', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body)
				})
			)
		);
		expect(res.status).toBe(201);
		const stored = await sql<{ name: string }>`
			SELECT name FROM campaign_targets WHERE client_uuid = ${clientUuid}`.execute(d.db);
		expect(stored.rows.map((x) => x.name)).toEqual(['村头废井']);
	});

	it('answers text the database cannot hold as bad input (400), not as a failure', async () => {
		let caught: unknown = null;
		try {
			await sql`SELECT ${'a\u0000b'}::text AS t`.execute(d.db);
		} catch (e) {
			caught = e;
		}
		expect(caught).not.toBeNull();
		expect(refusalOf('zh-CN', caught)).toEqual({
			status: 400,
			message: '请求参数有误：含有无法保存的字符'
		});
		expect(refusalOf('en', caught)?.message).toBe(
			'Bad request: it holds characters that cannot be stored'
		);
	});
});
