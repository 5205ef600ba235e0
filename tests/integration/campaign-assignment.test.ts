// Who holds each target of a new campaign, on both engines and through both proximity paths:
// the rule (a household visit or a children's home to the village's child director, anything
// else, or a village without one, to the township's staff; the first active account by id;
// nobody where the area has neither) recomputed here from the accounts, and every target
// written once, already holding its assignee (a second pass rewriting a province's 80,000 rows
// and all their indexes was most of a launch's time). The fixture is a county of its own
// (4297…), with inactive accounts of lower id, a village without a director and a township
// without staff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { openTestDatabase, testEngines, type TestDatabase } from '../support/template';
import type { Principal } from '../../src/lib/server/auth/policy';
import { createCampaign } from '../../src/lib/server/services/campaigns';
import { townshipPrefix } from '../../src/lib/domain/admin';
import type { TargetRules } from '../../src/lib/domain/campaign';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };
const COUNTY = '429700000000';
const TA = '429700001000';
const TB = '429700002000';
const VA1 = '429700001001';
const VA2 = '429700001002';
const VB1 = '429700002001';
const LAT0 = 32.5;
const LAT1 = 32.51;
/** the two incomplete segments' meridians, one per township, 20 km apart */
const LON_A = 111.5;
const LON_B = 111.7;

interface Account {
	id: number;
	role: string;
	jurisdiction_code: string;
	active: boolean;
}

/** The holder the rule gives a target, from the accounts alone. */
function holderOf(accounts: Account[], kind: string, area: string): number | null {
	const first = (role: string, code: string) =>
		accounts
			.filter((a) => a.active && a.role === role && a.jurisdiction_code === code)
			.map((a) => a.id)
			.sort((a, b) => a - b)[0] ?? null;
	const director =
		kind === 'village' || kind === 'children_home' ? first('village_director', area) : null;
	return director ?? first('township_staff', townshipPrefix(area).padEnd(12, '0'));
}

describe.each(testEngines())(
	'campaign targets are assigned as they are written, on %s',
	(engine) => {
		let d: TestDatabase;
		let admin: Principal;

		beforeAll(async () => {
			d = await openTestDatabase(engine);
			const db = d.db;
			const unit = (
				code: string,
				level: string,
				name: string,
				parent: string | null,
				lon: number
			) =>
				sql`INSERT INTO admin_units (code, level, name, parent_code, center)
				VALUES (${code}, ${level}, ${name}, ${parent}, ST_SetSRID(ST_MakePoint(${lon}::float8, ${LAT0}::float8), 4326))`.execute(
					db
				);
			await unit(COUNTY, 'county', '分派县', null, LON_A);
			await unit(TA, 'township', '甲镇', COUNTY, LON_A);
			await unit(TB, 'township', '乙镇', COUNTY, LON_B);
			await unit(VA1, 'village', '甲一村', TA, LON_A);
			await unit(VA2, 'village', '甲二村', TA, LON_A + 0.002);
			await unit(VB1, 'village', '乙一村', TB, LON_B);
			const user = async (username: string, role: string, code: string, active = true) => {
				const r = await sql<{ id: number }>`
				INSERT INTO users (username, display_name, password_hash, role, jurisdiction_code, active)
				VALUES (${username}, ${username}, 'x', ${role}, ${code}, ${active})
				RETURNING id::float8 AS id`.execute(db);
				return { userId: r.rows[0].id, username, role, jurisdiction: code } as Principal;
			};
			admin = await user('as.county', 'county_admin', COUNTY);
			// inactive accounts first, so they have the lowest ids of their place
			await user('as.staff.off', 'township_staff', TA, false);
			await user('as.dir.off', 'village_director', VA1, false);
			await user('as.staff1', 'township_staff', TA);
			await user('as.staff2', 'township_staff', TA);
			await user('as.dir1', 'village_director', VA1);
			await user('as.dir.b', 'village_director', VB1);
			// holds nothing: not a role targets go to
			await user('as.chief', 'river_chief', TA);
			const line = (lon: number) =>
				sql`ST_SetSRID(ST_MakeLine(ST_MakePoint(${lon}::float8, ${LAT0}::float8), ST_MakePoint(${lon}::float8, ${LAT1}::float8)), 4326)`;
			for (const [name, lon, township] of [
				['甲塘', LON_A, TA],
				['乙河', LON_B, TB]
			] as const) {
				const r = await sql<{ id: number }>`
				INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m)
				VALUES ('pond', ${name}, ${COUNTY}, ${township}, ${line(lon)}, 1112)
				RETURNING id::float8 AS id`.execute(db);
				await sql`INSERT INTO segment_requirements (waterway_id, required, radius_m)
				VALUES (${r.rows[0].id}, true, 500)`.execute(db);
			}
			const pt = (lon: number, lat: number) =>
				sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;
			// an institution registered to a township, one to a village, one where no staff are
			await sql`INSERT INTO institutions (kind, name, admin_code, geom) VALUES
			('school', '甲镇小学', ${TA}, ${pt(LON_A + 0.001, LAT1)}),
			('kindergarten', '甲二村幼儿园', ${VA2}, ${pt(LON_A + 0.002, LAT1)}),
			('school', '乙镇小学', ${TB}, ${pt(LON_B + 0.001, LAT1)})`.execute(db);
			// a home with a director, one whose village has none, one in the township without staff
			await sql`INSERT INTO children_homes (name, village_code, area_m2, status, geom) VALUES
			('甲一村儿童之家', ${VA1}, 40, 'open', ${pt(LON_A + 0.001, LAT0)}),
			('甲二村儿童之家', ${VA2}, 40, 'open', ${pt(LON_A + 0.002, LAT0)}),
			('乙一村儿童之家', ${VB1}, 40, 'open', ${pt(LON_B + 0.001, LAT0)})`.execute(db);
			await sql`INSERT INTO sunshine_stations (name, admin_code, geom) VALUES
			('甲镇阳光驿站', ${TA}, ${pt(LON_A + 0.003, LAT0)}),
			('乙镇阳光驿站', ${TB}, ${pt(LON_B + 0.003, LAT0)})`.execute(db);
			// children within 500 m of each incomplete segment: a household visit in each village
			let key = 1;
			for (const [village, lon] of [
				[VA1, LON_A + 0.001],
				[VA2, LON_A + 0.002],
				[VB1, LON_B + 0.001]
			] as const)
				for (let i = 0; i < 3; i++)
					await sql`INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, record_key)
					VALUES (${'as-' + randomUUID()}, ${village}, '2015-01-01', ARRAY['left_behind_rural'],
						${pt(lon, LAT0 + 0.001 * (i + 1))}, ${key++})`.execute(db);
			// every write of a target, as it is made
			await sql`CREATE TABLE target_writes (target_id bigint, op text, assignee_id bigint)`.execute(
				db
			);
			await sql`CREATE FUNCTION note_target_write() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				INSERT INTO target_writes VALUES (NEW.id, TG_OP, NEW.assignee_id);
				RETURN NEW;
			END $$`.execute(db);
			await sql`CREATE TRIGGER note_target_write AFTER INSERT OR UPDATE ON campaign_targets
			FOR EACH ROW EXECUTE FUNCTION note_target_write()`.execute(db);
		});
		afterAll(async () => {
			await d?.close();
		});

		/** A campaign over the fixture county, open now, through one proximity path. */
		const launch = (name: string, proximity: 'memory' | 'postgis', rules?: Partial<TargetRules>) =>
			createCampaign(
				d.db,
				admin,
				{
					name,
					areaCode: COUNTY,
					startsAt: new Date(Date.now() - 86400_000),
					endsAt: new Date(Date.now() + 90 * 86400_000),
					rules
				},
				meta,
				new Date(),
				proximity
			);
		const accountsNow = async () =>
			(
				await sql<Account>`
				SELECT id::float8 AS id, role, jurisdiction_code, active FROM users`.execute(d.db)
			).rows;

		it.each(['memory', 'postgis'] as const)(
			'gives every target its holder by the rule, in the row as written (%s)',
			async (proximity) => {
				const { id, targets } = await launch(`分派 ${proximity}`, proximity);
				const accounts = await accountsNow();
				const rows = (
					await sql<{ id: number; kind: string; area_code: string; assignee_id: number | null }>`
					SELECT id::float8 AS id, kind, area_code, assignee_id::float8 AS assignee_id
					FROM campaign_targets WHERE campaign_id = ${id} ORDER BY id`.execute(d.db)
				).rows;
				expect(rows.length).toBe(targets);
				// the fixture reaches every kind and every branch of the rule
				expect(new Set(rows.map((t) => t.kind))).toEqual(
					new Set(['institution', 'children_home', 'station', 'segment', 'village'])
				);
				expect(
					rows
						.filter((t) => t.kind === 'village')
						.map((t) => t.area_code)
						.sort()
				).toEqual([VA1, VA2, VB1].sort());
				const expected = rows.map((t) => holderOf(accounts, t.kind, t.area_code));
				expect(expected.filter((h) => h === null).length).toBeGreaterThan(0);
				expect(rows.map((t) => t.assignee_id)).toEqual(expected);
				// each target written once, by its insert, already with that holder
				const writes = (
					await sql<{ target_id: number; op: string; assignee_id: number | null }>`
					SELECT w.target_id::float8 AS target_id, w.op, w.assignee_id::float8 AS assignee_id
					FROM target_writes w JOIN campaign_targets t ON t.id = w.target_id
					WHERE t.campaign_id = ${id} ORDER BY w.target_id`.execute(d.db)
				).rows;
				expect(writes).toEqual(
					rows.map((t, i) => ({ target_id: t.id, op: 'INSERT', assignee_id: expected[i] }))
				);
			}
		);

		// any rule may be the only one: the targets' columns must not depend on which comes first
		// (a launch of household visits alone failed on a column named by the institutions' part)
		const KINDS = [
			['institutions', 'institution'],
			['homes', 'children_home'],
			['stations', 'station'],
			['segments', 'segment'],
			['villages', 'village']
		] as const;
		it.each(
			KINDS.flatMap(([rule, kind]) => [
				['memory', rule, kind] as const,
				['postgis', rule, kind] as const
			])
		)(
			'launches with one rule alone and assigns its targets (%s, %s)',
			async (proximity, rule, kind) => {
				const only = Object.fromEntries(KINDS.map(([r]) => [r, r === rule]));
				const { id, targets } = await launch(`仅 ${rule} ${proximity}`, proximity, only);
				const accounts = await accountsNow();
				const rows = (
					await sql<{ kind: string; area_code: string; assignee_id: number | null }>`
					SELECT kind, area_code, assignee_id::float8 AS assignee_id
					FROM campaign_targets WHERE campaign_id = ${id} ORDER BY id`.execute(d.db)
				).rows;
				expect(targets).toBeGreaterThan(0);
				expect(rows.length).toBe(targets);
				expect(new Set(rows.map((t) => t.kind))).toEqual(new Set([kind]));
				expect(rows.map((t) => t.assignee_id)).toEqual(
					rows.map((t) => holderOf(accounts, t.kind, t.area_code))
				);
			}
		);
	}
);
