// Accounts for a new database. The embedded demo gets one user per role in a sample county
// (洪湖市 when it is seeded), all with one known password and, for administrators, a known
// TOTP secret, printed at first start and listed in the README. A production start with
// DATABASE_URL creates only a first administrator from environment variables.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import { hashPassword } from '../auth/password';
import { insertUser } from '../repositories/users';
import { appendAudit } from '../repositories/audit';
import type { Role } from '../auth/roles';
import { padCode, prefecturePrefix, townshipPrefix } from '$lib/domain/admin';

export const DEMO_PASSWORD = 'Tongan-Demo-2026';
/** Demo only: administrators must use a second factor, so the demo's secret is published. */
export const DEMO_TOTP_SECRET = 'KRXW4Z3BNYWUIZLNN4WTEMBSGY2DAMBR';

export interface DemoUser {
	username: string;
	displayName: string;
	role: Role;
	jurisdiction: string;
}

export async function hasUsers(db: Kysely<DB>): Promise<boolean> {
	return !!(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());
}

/** The sample jurisdiction: 洪湖市 if present, else the first county with villages. */
async function sampleArea(db: Kysely<DB>): Promise<{
	province: string;
	prefecture: string;
	county: string;
	township: string;
	village: string;
}> {
	const preferred = await db
		.selectFrom('admin_units')
		.select('code')
		.where('code', '=', '421083000000')
		.executeTakeFirst();
	const county =
		preferred?.code ??
		(
			await db
				.selectFrom('admin_units')
				.select('code')
				.where('level', '=', 'county')
				.orderBy('code')
				.executeTakeFirstOrThrow()
		).code;
	// the township with the most waterway segments gives the river chief something to do
	const township = await db
		.selectFrom('waterways')
		.select('township_code')
		.where('county_code', '=', county)
		.groupBy('township_code')
		.orderBy((eb) => eb.fn.countAll(), 'desc')
		.orderBy('township_code')
		.executeTakeFirstOrThrow();
	const village = await db
		.selectFrom('children')
		.select('village_code')
		.where('village_code', 'like', underPrefix(townshipPrefix(township.township_code)))
		.groupBy('village_code')
		.orderBy((eb) => eb.fn.countAll(), 'desc')
		.orderBy('village_code')
		.executeTakeFirstOrThrow();
	return {
		province: '420000000000',
		prefecture: padCode(prefecturePrefix(county)),
		county,
		township: township.township_code,
		village: village.village_code
	};
}

export async function demoUsers(db: Kysely<DB>): Promise<DemoUser[]> {
	const a = await sampleArea(db);
	return [
		{
			username: 'province.admin',
			displayName: '省民政厅管理员',
			role: 'province_admin',
			jurisdiction: a.province
		},
		{
			username: 'prefecture.admin',
			displayName: '市民政局管理员',
			role: 'prefecture_admin',
			jurisdiction: a.prefecture
		},
		{
			username: 'county.admin',
			displayName: '县民政局管理员',
			role: 'county_admin',
			jurisdiction: a.county
		},
		{
			username: 'river.chief',
			displayName: '乡镇河长',
			role: 'river_chief',
			jurisdiction: a.township
		},
		{
			username: 'emergency',
			displayName: '县应急管理局值班员',
			role: 'emergency',
			jurisdiction: a.county
		},
		{
			username: 'township.staff',
			displayName: '乡镇儿童督导员',
			role: 'township_staff',
			jurisdiction: a.township
		},
		{
			username: 'village.director',
			displayName: '村儿童主任',
			role: 'village_director',
			jurisdiction: a.village
		},
		{ username: 'planner', displayName: '县规划人员', role: 'planner', jurisdiction: a.county }
	];
}

export async function seedDemoUsers(db: Kysely<DB>, log: (m: string) => void): Promise<DemoUser[]> {
	const users = await demoUsers(db);
	const hash = await hashPassword(DEMO_PASSWORD);
	await db.transaction().execute(async (trx) => {
		for (const u of users) {
			const admin = u.role.endsWith('_admin');
			const id = await insertUser(trx, {
				username: u.username,
				displayName: u.displayName,
				passwordHash: hash,
				role: u.role,
				jurisdiction: u.jurisdiction,
				createdBy: null,
				totpSecret: admin ? DEMO_TOTP_SECRET : null,
				totpEnabled: admin
			});
			if (u.role === 'river_chief') {
				await trx
					.updateTable('waterways')
					.set({ river_chief_id: id })
					.where('township_code', '=', u.jurisdiction)
					.execute();
			}
			await appendAudit(trx, {
				action: 'user_created',
				resource: `user:${id}`,
				jurisdictionCode: u.jurisdiction,
				detail: { username: u.username, role: u.role, demo: true }
			});
		}
	});
	log('demo accounts (演示账号) — demo only, change before any real use:');
	for (const u of users) log(`  ${u.username.padEnd(18)} ${u.role.padEnd(17)} ${u.jurisdiction}`);
	log(`  password: ${DEMO_PASSWORD}   administrators' TOTP secret: ${DEMO_TOTP_SECRET}`);
	return users;
}

/** Production: one first administrator from ADMIN_USERNAME / ADMIN_PASSWORD, if there are no users. */
export async function seedFirstAdmin(
	db: Kysely<DB>,
	username: string,
	password: string,
	jurisdiction: string,
	log: (m: string) => void
): Promise<void> {
	const id = await insertUser(db, {
		username,
		displayName: '系统管理员',
		passwordHash: await hashPassword(password),
		role: 'province_admin',
		jurisdiction,
		createdBy: null
	});
	await appendAudit(db, {
		action: 'user_created',
		resource: `user:${id}`,
		jurisdictionCode: jurisdiction,
		detail: { username, first_admin: true }
	});
	log(
		`created first administrator "${username}"; they must set up a second factor at first sign-in`
	);
}
