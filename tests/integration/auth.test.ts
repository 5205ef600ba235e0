import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase, principalOf } from '../support/template';
import {
	login,
	validateSession,
	verifySecondFactor,
	logout,
	changePassword,
	LOCK_AFTER_FAILURES
} from '../../src/lib/server/services/auth';
import { viewResidences, ResidenceDenied } from '../../src/lib/server/services/residences';
import {
	declareEmergency,
	endEmergency,
	Forbidden,
	searchAuditLog
} from '../../src/lib/server/services/admin';
import { appendAudit } from '../../src/lib/server/repositories/audit';
import { currentEmergencies } from '../../src/lib/server/repositories/emergencies';
import { createUser, updateUser } from '../../src/lib/server/services/users';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/lib/server/seed/users';
import { totpCode } from '../../src/lib/server/auth/totp';
import { IDLE_TIMEOUT_MS } from '../../src/lib/server/auth/session';
import type { Principal } from '../../src/lib/server/auth/policy';

const meta = { ip: '127.0.0.1', userAgent: 'vitest' };

describe.each(testEngines())('accounts and audit on %s', (engine) => {
	let d: TestDatabase;
	beforeAll(async () => {
		d = await openTestDatabase(engine);
	});
	afterAll(async () => {
		await d?.close();
	});

	async function principal(username: string): Promise<Principal> {
		const r = await login(d.db, username, DEMO_PASSWORD, meta);
		if (!r.ok) throw new Error(`login ${username}: ${r.reason}`);
		return r.principal;
	}
	const auditCount = async (action: string, username?: string) =>
		(
			await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}
				AND (${username ?? null}::text IS NULL OR username = ${username ?? null})`.execute(d.db)
		).rows[0].n;

	it('signs in with the password, and administrators only after the second factor', async () => {
		const staff = await login(d.db, 'township.staff', DEMO_PASSWORD, meta);
		expect(staff.ok && staff.needs).toBe('none');
		const admin = await login(d.db, 'county.admin', DEMO_PASSWORD, meta);
		if (!admin.ok) throw new Error('admin login');
		expect(admin.needs).toBe('totp');
		const pending = (await validateSession(d.db, admin.token))!;
		expect(pending.secondFactorOk).toBe(false);
		expect(await verifySecondFactor(d.db, pending, '000000', meta)).toBe(false);
		expect(await verifySecondFactor(d.db, pending, totpCode(DEMO_TOTP_SECRET), meta)).toBe(true);
		expect((await validateSession(d.db, admin.token))!.secondFactorOk).toBe(true);
	});

	it('expires idle sessions and signs out everywhere', async () => {
		const a = await login(d.db, 'planner', DEMO_PASSWORD, meta);
		const b = await login(d.db, 'planner', DEMO_PASSWORD, meta);
		if (!a.ok || !b.ok) throw new Error('login');
		expect(await validateSession(d.db, a.token)).not.toBeNull();
		// 31 minutes later without a request
		expect(
			await validateSession(d.db, a.token, new Date(Date.now() + IDLE_TIMEOUT_MS + 60_000))
		).toBeNull();
		expect(await validateSession(d.db, a.token)).toBeNull(); // deleted, not just refused
		const su = (await validateSession(d.db, b.token))!;
		const c = await login(d.db, 'planner', DEMO_PASSWORD, meta);
		if (!c.ok) throw new Error('login');
		await logout(d.db, su, true, meta);
		expect(await validateSession(d.db, b.token)).toBeNull();
		expect(await validateSession(d.db, c.token)).toBeNull();
		expect(await auditCount('logout_everywhere', 'planner')).toBe(1);
	});

	it('locks an account after repeated failures, even for the right password', async () => {
		for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
			const r = await login(d.db, 'emergency', 'wrong-password', meta);
			expect(r.ok).toBe(false);
		}
		const locked = await login(d.db, 'emergency', DEMO_PASSWORD, meta);
		expect(locked).toMatchObject({ ok: false, reason: 'locked' });
		expect(await auditCount('account_locked', 'emergency')).toBe(1);
		expect(await auditCount('login_failed', 'emergency')).toBe(LOCK_AFTER_FAILURES + 1);
		const unknown = await login(d.db, 'nobody', 'x', meta);
		expect(unknown).toMatchObject({ ok: false, reason: 'invalid' });
	});

	it('records every exact-residence view with its purpose, and refuses count-only roles', async () => {
		const director = await principal('village.director');
		const before = await auditCount('residences_view');
		const view = await viewResidences(d.db, director, director.jurisdiction, 'home_visit', meta);
		expect(view.points.length).toBeGreaterThan(0);
		const inVillage = await sql<{
			n: number;
		}>`SELECT count(*)::int AS n FROM children WHERE village_code = ${director.jurisdiction}`.execute(
			d.db
		);
		expect(view.points.length).toBe(inVillage.rows[0].n);
		expect(Object.keys(view.points[0]).sort()).toEqual(['lat', 'lon', 'pseudonym']);
		expect(await auditCount('residences_view')).toBe(before + 1);
		const row = await sql<{ purpose: string; detail: { count: number } }>`
			SELECT purpose, detail FROM audit_log WHERE action = 'residences_view' ORDER BY id DESC LIMIT 1`.execute(
			d.db
		);
		expect(row.rows[0].purpose).toBe('home_visit');
		expect(row.rows[0].detail.count).toBe(view.points.length);

		const chief = await principal('river.chief');
		await expect(
			viewResidences(d.db, chief, chief.jurisdiction, 'hazard_check', meta)
		).rejects.toBeInstanceOf(ResidenceDenied);
		expect(await auditCount('residences_denied', 'river.chief')).toBe(1);
		// a neighbouring village is out of the director's reach
		const other = await sql<{ code: string }>`
			SELECT code FROM admin_units WHERE level = 'village' AND code <> ${director.jurisdiction} ORDER BY code LIMIT 1`.execute(
			d.db
		);
		await expect(
			viewResidences(d.db, director, other.rows[0].code, 'home_visit', meta)
		).rejects.toBeInstanceOf(ResidenceDenied);
	});

	it('opens exact homes to emergency staff only inside a declared emergency, recorded with it', async () => {
		const countyAdmin = await principalOf(d.db, 'county.admin');
		const staff = await principalOf(d.db, 'emergency');
		const township = (
			await d.db
				.selectFrom('users')
				.select('jurisdiction_code')
				.where('username', '=', 'township.staff')
				.executeTakeFirstOrThrow()
		).jurisdiction_code;
		await expect(
			viewResidences(d.db, staff, township, 'emergency_rescue', meta)
		).rejects.toBeInstanceOf(ResidenceDenied);
		const bad = await declareEmergency(
			d.db,
			countyAdmin,
			{
				areaCode: township,
				startsAt: new Date(),
				endsAt: new Date(Date.now() - 1000),
				reason: '暴雨'
			},
			meta
		);
		expect(bad).toMatchObject({ ok: false, errors: { window: 'emergency.err.window' } });
		const ok = await declareEmergency(
			d.db,
			countyAdmin,
			{
				areaCode: township,
				startsAt: new Date(Date.now() - 60_000),
				endsAt: new Date(Date.now() + 3600_000),
				reason: '特大暴雨，转移群众'
			},
			meta
		);
		if (!ok.ok) throw new Error('declare');
		const view = await viewResidences(d.db, staff, township, 'emergency_rescue', meta);
		expect(view.basis).toBe('emergency');
		const row = await sql<{
			emergency_id: number;
		}>`SELECT emergency_id FROM audit_log WHERE action = 'residences_view' ORDER BY id DESC LIMIT 1`.execute(
			d.db
		);
		expect(row.rows[0].emergency_id).toBe(ok.value);

		// ended early: the homes close at once, and it is recorded with the original window
		const townshipAdmin = await principalOf(d.db, 'township.staff');
		await expect(endEmergency(d.db, townshipAdmin, ok.value, meta)).rejects.toBeInstanceOf(
			Forbidden
		);
		expect(await endEmergency(d.db, countyAdmin, ok.value, meta)).toEqual({
			ok: true,
			value: undefined
		});
		await expect(
			viewResidences(d.db, staff, township, 'emergency_rescue', meta)
		).rejects.toBeInstanceOf(ResidenceDenied);
		expect(await endEmergency(d.db, countyAdmin, ok.value, meta)).toMatchObject({
			ok: false,
			errors: { end: 'emergency.err.alreadyEnded' }
		});
		const ended = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
			WHERE action = 'emergency_ended' AND emergency_id = ${ok.value}`.execute(d.db);
		expect(ended.rows[0].n).toBe(1);

		// one withdrawn before it began never opens them, not even when its window comes
		const later = await declareEmergency(
			d.db,
			countyAdmin,
			{
				areaCode: township,
				startsAt: new Date(Date.now() + 3600_000),
				endsAt: new Date(Date.now() + 7200_000),
				reason: '预报暴雨'
			},
			meta
		);
		if (!later.ok) throw new Error('declare later');
		expect((await endEmergency(d.db, countyAdmin, later.value, meta)).ok).toBe(true);
		const inWindow = await currentEmergencies(
			d.db,
			township.slice(0, 9),
			new Date(Date.now() + 5400_000)
		);
		expect(inWindow.map((e) => e.id)).not.toContain(later.value);
	});

	it('keeps the audit log append-only', async () => {
		await expect(sql`UPDATE audit_log SET action = 'x'`.execute(d.db)).rejects.toThrow(
			/append-only/
		);
		await expect(sql`DELETE FROM audit_log`.execute(d.db)).rejects.toThrow(/append-only/);
		expect(await auditCount('residences_view')).toBeGreaterThan(0);
	});

	it('finds audit entries by part of a username, any case, wildcards as typed, only in the jurisdiction', async () => {
		const county = await principalOf(d.db, 'county.admin');
		const province = await principalOf(d.db, 'province.admin');
		const entries: [string, string][] = [
			['flood_watch', '421083100000'],
			['flood%watch', '421083100000'],
			['floodxwatch', '421083100000'],
			['Emerg.Upper', '421083100000'],
			// another prefecture: outside the county administrator's reach
			['emerg.far', '420100000000'],
			['flood_far', '420100000000']
		];
		for (const [username, jurisdictionCode] of entries)
			await appendAudit(d.db, {
				username,
				jurisdictionCode,
				action: 'export',
				detail: { rows: 1 }
			});
		const names = async (who: Principal, username: string, action?: string) =>
			[
				...new Set((await searchAuditLog(d.db, who, { username, action })).map((r) => r.username))
			].sort();

		// "emerg" finds the emergency staff account and the upper-case name, not the far one
		const emerg = await names(county, 'EMERG');
		expect(emerg).toContain('emergency');
		expect(emerg).toContain('Emerg.Upper');
		expect(emerg).not.toContain('emerg.far');
		for (const n of emerg) expect(n?.toLowerCase()).toContain('emerg');
		expect(await names(province, 'emerg')).toContain('emerg.far');
		// % and _ are the characters themselves, not wildcards
		expect(await names(county, 'flood_w')).toEqual(['flood_watch']);
		expect(await names(county, '%')).toEqual(['flood%watch']);
		expect(await names(county, 'd%w')).toEqual(['flood%watch']);
		expect(await names(county, '\\')).toEqual([]);
		expect(await names(province, '_')).toEqual(['flood_far', 'flood_watch']);
		// with the other filters still applied
		expect(await names(county, 'emerg', 'export')).toEqual(['Emerg.Upper']);
		expect(await names(county, 'COUNTY.AD', 'login')).toEqual(['county.admin']);
	});

	it('lets administrators create users only within their reach, with clear errors and no change otherwise', async () => {
		const admin = await principalOf(d.db, 'county.admin');
		const township = (
			await d.db
				.selectFrom('users')
				.select('jurisdiction_code')
				.where('username', '=', 'township.staff')
				.executeTakeFirstOrThrow()
		).jurisdiction_code;
		const count = async () =>
			(
				await d.db
					.selectFrom('users')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow()
			).n;
		const n0 = Number(await count());
		const bad = await createUser(
			d.db,
			admin,
			{
				username: 'X!',
				displayName: '',
				role: 'prefecture_admin',
				jurisdiction: '421000000000',
				password: 'short'
			},
			meta
		);
		expect(bad.ok).toBe(false);
		if (!bad.ok)
			expect(Object.keys(bad.errors).sort()).toEqual([
				'displayName',
				'jurisdiction',
				'password',
				'username'
			]);
		expect(Number(await count())).toBe(n0);
		// a code left empty or mistyped is told apart from one that does not exist
		const withArea = (jurisdiction: string) => ({
			username: 'li.hua',
			displayName: '李华',
			role: 'township_staff',
			jurisdiction,
			password: 'Safe-Water-2026'
		});
		for (const [code, problem] of [
			['  ', 'users.err.jurisdictionEmpty'],
			['4210830010', 'users.err.jurisdictionFormat'],
			['421083999000', 'users.err.jurisdiction']
		]) {
			const r = await createUser(d.db, admin, withArea(code), meta);
			expect(r.ok ? null : r.errors.jurisdiction, code).toBe(problem);
		}
		// a role at the wrong level says which level it needs, not "not allowed"
		const village = await createUser(
			d.db,
			admin,
			{ ...withArea(township), role: 'village_director' },
			meta
		);
		expect(village.ok ? null : village.errors.jurisdiction).toBe(
			'users.err.level.village_director'
		);
		// a planner may sit at a prefecture, but not above the county administrator: not allowed
		const elsewhere = await createUser(
			d.db,
			admin,
			{ ...withArea('421000000000'), role: 'planner' },
			meta
		);
		expect(elsewhere.ok ? null : elsewhere.errors.jurisdiction).toBe('users.err.notAllowed');
		expect(Number(await count())).toBe(n0);
		// full-width digits, as a Chinese input method types them, are taken as the code
		const fullWidth = township.replace(/\d/g, (c) => String.fromCharCode(0xff10 + Number(c)));
		const good = await createUser(
			d.db,
			admin,
			{
				username: 'wang.xiaoming',
				displayName: '王小明',
				role: 'township_staff',
				jurisdiction: ` ${fullWidth} `,
				password: 'Safe-Water-2026'
			},
			meta
		);
		expect(good.ok).toBe(true);
		if (!good.ok) return;
		const stored = await d.db
			.selectFrom('users')
			.select('jurisdiction_code')
			.where('id', '=', good.value)
			.executeTakeFirstOrThrow();
		expect(stored.jurisdiction_code).toBe(township);
		expect(await auditCount('user_created', 'county.admin')).toBe(1);
		const r = await login(d.db, 'wang.xiaoming', 'Safe-Water-2026', meta);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const su = (await validateSession(d.db, r.token))!;
		expect(await changePassword(d.db, su, 'wrong', 'Another-Pass-2026', meta)).toEqual({
			ok: false,
			problem: 'password.wrongCurrent'
		});
		expect(await changePassword(d.db, su, 'Safe-Water-2026', 'Another-Pass-2026', meta)).toEqual({
			ok: true
		});
		// deactivation ends their sessions at once
		expect(await updateUser(d.db, admin, good.value, { active: false }, meta)).toEqual({
			ok: true,
			value: undefined
		});
		expect(await validateSession(d.db, r.token)).toBeNull();
		expect(await login(d.db, 'wang.xiaoming', 'Another-Pass-2026', meta)).toMatchObject({
			ok: false,
			reason: 'inactive'
		});
	});
});
