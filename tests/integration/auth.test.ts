import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// every argon2 verify the sign-in makes, with the hash it was made against: "alike in time" is
// checked as one verify of a hash of the same parameters for every failure, not with a clock
// (a busy machine made the timed version fail)
const verified = vi.hoisted(() => [] as string[]);
vi.mock('../../src/lib/server/auth/password', async (original) => {
	const real = await original<typeof import('../../src/lib/server/auth/password')>();
	return {
		...real,
		verifyPassword: async (hashed: string, password: string) => {
			verified.push(hashed);
			return real.verifyPassword(hashed, password);
		}
	};
});
import { sql } from 'kysely';
import { openTestDatabase, testEngines, type TestDatabase, principalOf } from '../support/template';
import {
	login,
	validateSession,
	verifySecondFactor,
	logout,
	changePassword,
	enableTotp,
	LOCK_AFTER_FAILURES,
	type LoginResult,
	type SessionUser
} from '../../src/lib/server/services/auth';
import { ADDRESS_LOCK_AFTER_FAILURES } from '../../src/lib/server/auth/throttle';
import { viewResidences } from '../../src/lib/server/services/residences';
import { Forbidden, ResidenceDenied } from '../../src/lib/server/errors';
import {
	declareEmergency,
	endEmergency,
	searchAuditLog
} from '../../src/lib/server/services/admin';
import { appendAudit } from '../../src/lib/server/repositories/audit';
import { currentEmergencies } from '../../src/lib/server/repositories/emergencies';
import { createUser, updateUser } from '../../src/lib/server/services/users';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/lib/server/seed/users';
import { newTotpSecret, totpCode } from '../../src/lib/server/auth/totp';
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
		if (!r.ok) throw new Error(`login ${username} refused`);
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
		expect(await verifySecondFactor(d.db, pending, '000000', meta)).toBe('invalid');
		// the code is taken once: computed again, it would be the next one's if its 30 seconds
		// ended between the two sign-ins (a loaded CI machine met that)
		const at = Date.now();
		const code = totpCode(DEMO_TOTP_SECRET, at);
		expect(await verifySecondFactor(d.db, pending, code, meta)).toBe('ok');
		expect((await validateSession(d.db, admin.token))!.secondFactorOk).toBe(true);
		// the same code does not sign in a second time, not even within its 30 seconds
		const second = await passwordStep('county.admin');
		expect(await verifySecondFactor(d.db, second, code, meta)).toBe('invalid');
		const reused = await sql<{ reason: string }>`SELECT detail->>'reason' AS reason FROM audit_log
			WHERE action = 'login_failed' AND username = 'county.admin' ORDER BY id DESC LIMIT 1`.execute(d.db);
		expect(reused.rows[0].reason).toBe('reused_totp');
		// the next step's code is new
		expect(await verifySecondFactor(d.db, second, totpCode(DEMO_TOTP_SECRET, at, 1), meta)).toBe(
			'ok'
		);
	});

	it('locks on wrong codes as on passwords; a new password step does not clear the count', async () => {
		const who = 'township.staff';
		// give the township staff a second factor of their own, to be locked without harm to others
		const secret = newTotpSecret();
		await sql`UPDATE users SET totp_secret = ${secret}, totp_enabled = true WHERE username = ${who}`.execute(
			d.db
		);
		let s = await passwordStep(who);
		for (let i = 0; i < 3; i++)
			expect(await verifySecondFactor(d.db, s, '000000', meta)).toBe('invalid');
		// signing in again with the password used to wipe the count: it must not
		s = await passwordStep(who);
		expect(await verifySecondFactor(d.db, s, '000000', meta)).toBe('invalid');
		expect(await verifySecondFactor(d.db, s, '000000', meta)).toBe('locked');
		expect(await auditCount('account_locked', who)).toBe(1);
		// the session waiting for a code has ended
		expect(await validateSession(d.db, s.token)).toBeNull();
		// and a right code is refused while the lock lasts
		s = await passwordStep(who);
		expect(await verifySecondFactor(d.db, s, totpCode(secret), meta)).toBe('locked');
		// the lock over, a right code signs in and clears the count
		await sql`UPDATE users SET locked_until = now() - interval '1 second' WHERE username = ${who}`.execute(
			d.db
		);
		s = await passwordStep(who);
		expect(await verifySecondFactor(d.db, s, totpCode(secret), meta)).toBe('ok');
		const row = await sql<{
			failed_logins: number;
		}>`SELECT failed_logins FROM users WHERE username = ${who}`.execute(d.db);
		expect(row.rows[0].failed_logins).toBe(0);
		await sql`UPDATE users SET totp_secret = NULL, totp_enabled = false WHERE username = ${who}`.execute(
			d.db
		);
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

	/** A session after the password step (second factor still pending for administrators). */
	async function passwordStep(
		username: string,
		ip = meta.ip
	): Promise<SessionUser & { token: string }> {
		const r = await login(d.db, username, DEMO_PASSWORD, { ...meta, ip });
		if (!r.ok) throw new Error(`login ${username} refused`);
		return { ...(await validateSession(d.db, r.token))!, token: r.token };
	}
	const secretOf = async (username: string) =>
		(
			await d.db
				.selectFrom('users')
				.select(['totp_secret', 'totp_enabled'])
				.where('username', '=', username)
				.executeTakeFirstOrThrow()
		).totp_secret!;
	/** Forget the last accepted code step, so a test may use the current code again. */
	const forgetCodes = (username: string) =>
		sql`UPDATE users SET totp_last_step = NULL WHERE username = ${username}`.execute(d.db);
	/** Let every lock and count run out, as 15 minutes would. */
	const timePasses = () =>
		sql`UPDATE login_throttle SET first_failed_at = now() - interval '16 minutes',
			locked_until = CASE WHEN locked_until IS NULL THEN NULL ELSE now() - interval '1 second' END`.execute(
			d.db
		);

	it('locks a name from the address it is attacked from, never the owner elsewhere', async () => {
		const attacker = { ...meta, ip: '198.51.100.9' };
		const owner = { ...meta, ip: '203.0.113.5' };
		for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
			const r = await login(d.db, 'emergency', 'wrong-password', attacker);
			expect(r).toEqual({ ok: false });
		}
		// the attacker's address now fails even with the right password…
		expect(await login(d.db, 'emergency', DEMO_PASSWORD, attacker)).toEqual({ ok: false });
		expect(await auditCount('account_locked', 'emergency')).toBe(1);
		expect(await auditCount('login_failed', 'emergency')).toBe(LOCK_AFTER_FAILURES + 1);
		// …while the owner at their own address signs in as usual
		expect((await login(d.db, 'emergency', DEMO_PASSWORD, owner)).ok).toBe(true);
		// and once the lock has run out, the attacker's pair starts again
		await timePasses();
		expect((await login(d.db, 'emergency', DEMO_PASSWORD, attacker)).ok).toBe(true);
	});

	it('answers an unknown, wrong, locked or deactivated sign-in alike, each after one argon2 verify of the same cost', async () => {
		const from = { ...meta, ip: '198.51.100.20' };
		// a deactivated account, a locked one (from this address), an unknown name
		await sql`UPDATE users SET active = false WHERE username = 'planner'`.execute(d.db);
		for (let i = 0; i < LOCK_AFTER_FAILURES; i++) await login(d.db, 'village.director', 'x', from);
		// a name that does not exist locks just like one that does
		for (let i = 0; i < LOCK_AFTER_FAILURES; i++) await login(d.db, 'no.such.user', 'x', from);
		const cases: [string, string][] = [
			['unknown', 'nobody.here'],
			['unknown, locked', 'no.such.user'],
			['known, wrong password', 'river.chief'],
			['locked, right password', 'village.director'],
			['deactivated, right password', 'planner']
		];
		// the parameters part of an argon2 hash: $argon2id$v=19$m=…,t=…,p=…
		const params = (h: string) => h.split('$').slice(1, 4).join('$');
		const perCase: Record<string, string[]> = {};
		for (let round = 0; round < 3; round++) {
			for (const [label, username] of cases) {
				const password =
					label.includes('wrong') || label.startsWith('unknown') ? 'Wrong-Pass-99' : DEMO_PASSWORD;
				verified.length = 0;
				const r: LoginResult = await login(d.db, username, password, from);
				expect(r, label).toEqual({ ok: false });
				(perCase[label] ??= []).push(...verified.map(params));
				// every case pays exactly one argon2 verify (before: a locked account none)
				expect(verified, label).toHaveLength(1);
			}
			// keep the river chief's pair below its lock, so it stays a plain wrong password
			await sql`DELETE FROM login_throttle WHERE username = 'river.chief'`.execute(d.db);
			await sql`UPDATE login_throttle SET failures = 0 WHERE username = ''`.execute(d.db);
		}
		await sql`UPDATE users SET active = true WHERE username = 'planner'`.execute(d.db);
		// and against a hash of the same cost, the unknown names' dummy included
		const costs = new Set(Object.values(perCase).flat());
		expect([...costs]).toHaveLength(1);
		expect([...costs][0]).toMatch(/^argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
		// the reasons are only in the audit log
		const reasons = await sql<{ reason: string }>`
			SELECT DISTINCT detail->>'reason' AS reason FROM audit_log
			WHERE action = 'login_failed' AND ip = '198.51.100.20'`.execute(d.db);
		expect(reasons.rows.map((r) => r.reason).sort()).toEqual([
			'bad_password',
			'inactive',
			'locked',
			'unknown_user'
		]);
	});

	it('answers a name with control characters (a NUL PostgreSQL cannot hold) as any failure', async () => {
		for (const name of ['\u0000', 'county.admin\u0000', '\u0007x\u001f'])
			expect(await login(d.db, name, 'wrong-password', meta)).toMatchObject({ ok: false });
	});

	it('locks an address that tries many names, for every name', async () => {
		const from = { ...meta, ip: '2001:db8:77:1::5' };
		for (let i = 0; i < ADDRESS_LOCK_AFTER_FAILURES; i++)
			await login(d.db, `guess${i}`, 'Wrong-Pass-99', from);
		// another address of the same /64 is the same attacker
		expect(
			await login(d.db, 'township.staff', DEMO_PASSWORD, { ...from, ip: '2001:db8:77:1::9' })
		).toEqual({
			ok: false
		});
		expect((await login(d.db, 'township.staff', DEMO_PASSWORD, meta)).ok).toBe(true);
	});

	it('refuses a second-factor change to a session that has only passed the password', async () => {
		const before = await secretOf('province.admin');
		const pending = await passwordStep('province.admin');
		expect(pending.secondFactorOk).toBe(false);
		// the attack: a stolen password posts a secret of its own to /account/totp
		const mine = newTotpSecret();
		const r = await enableTotp(d.db, pending, mine, totpCode(mine), '', meta);
		expect(r).toEqual({ ok: false, problem: 'totp.refused' });
		expect(await secretOf('province.admin')).toBe(before);
		expect((await validateSession(d.db, pending.token))!.secondFactorOk).toBe(false);
		expect(await auditCount('totp_enabled', 'province.admin')).toBe(0);
		expect(await auditCount('totp_replaced', 'province.admin')).toBe(0);
	});

	it('replaces a second factor only with a current code from it, audited as such', async () => {
		await forgetCodes('prefecture.admin');
		const old = await secretOf('prefecture.admin');
		// two devices, each through both steps (the earlier step's code first)
		const other = await passwordStep('prefecture.admin');
		expect(await verifySecondFactor(d.db, other, totpCode(old, Date.now(), -1), meta)).toBe('ok');
		const here = await passwordStep('prefecture.admin');
		expect(await verifySecondFactor(d.db, here, totpCode(old), meta)).toBe('ok');
		const full = (await validateSession(d.db, here.token))!;
		expect(full.secondFactorOk).toBe(true);
		const next = newTotpSecret();
		const signInFailures = await auditCount('login_failed', 'prefecture.admin');
		// without, or with a wrong, current code: refused, nothing changes
		expect(await enableTotp(d.db, full, next, totpCode(next), '', meta)).toEqual({
			ok: false,
			problem: 'totp.currentInvalid'
		});
		expect(await enableTotp(d.db, full, next, totpCode(next), '000000', meta)).toMatchObject({
			ok: false
		});
		// the current code already used to sign in cannot be used again
		expect(await enableTotp(d.db, full, next, totpCode(next), totpCode(old), meta)).toEqual({
			ok: false,
			problem: 'totp.currentInvalid'
		});
		expect(await secretOf('prefecture.admin')).toBe(old);
		// audited as failed replacements, not as failed sign-ins of a signed-in user
		expect(await auditCount('totp_replace_failed', 'prefecture.admin')).toBe(3);
		expect(await auditCount('login_failed', 'prefecture.admin')).toBe(signInFailures);
		const replaced = await enableTotp(
			d.db,
			full,
			next,
			totpCode(next),
			totpCode(old, Date.now(), 1),
			meta
		);
		expect(replaced).toEqual({ ok: true, replaced: true });
		expect(await secretOf('prefecture.admin')).toBe(next);
		expect(await auditCount('totp_replaced', 'prefecture.admin')).toBe(1);
		expect(await auditCount('totp_enabled', 'prefecture.admin')).toBe(0);
		// the other device's session has ended; this one goes on
		expect(await validateSession(d.db, other.token)).toBeNull();
		expect(await validateSession(d.db, here.token)).not.toBeNull();
		// the old authenticator no longer signs in
		await forgetCodes('prefecture.admin');
		const again = await passwordStep('prefecture.admin');
		expect(await verifySecondFactor(d.db, again, totpCode(old), meta)).toBe('invalid');
		expect(await verifySecondFactor(d.db, again, totpCode(next), meta)).toBe('ok');
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
		// refused, and told like any other failure
		expect(await login(d.db, 'wang.xiaoming', 'Another-Pass-2026', meta)).toEqual({ ok: false });
	});

	it('counts wrong current passwords on the account page under the sign-in lock-out', async () => {
		const from = { ...meta, ip: '198.51.100.44' };
		const s = await passwordStep('village.director', from.ip);
		for (let i = 1; i < LOCK_AFTER_FAILURES; i++)
			expect(await changePassword(d.db, s, 'not-it', 'Brand-New-Pass-77', from)).toEqual({
				ok: false,
				problem: 'password.wrongCurrent'
			});
		expect(await changePassword(d.db, s, 'not-it', 'Brand-New-Pass-77', from)).toEqual({
			ok: false,
			problem: 'password.tooManyAttempts'
		});
		// now even the right one waits, and so does signing in from there
		expect(await changePassword(d.db, s, DEMO_PASSWORD, 'Brand-New-Pass-77', from)).toEqual({
			ok: false,
			problem: 'password.tooManyAttempts'
		});
		expect(await login(d.db, 'village.director', DEMO_PASSWORD, from)).toEqual({ ok: false });
		expect(await auditCount('password_change_failed', 'village.director')).toBe(
			LOCK_AFTER_FAILURES + 1
		);
		expect(await auditCount('password_changed', 'village.director')).toBe(0);
	});

	it('refuses the current password, or a near copy of it, as the new one', async () => {
		const s = await passwordStep('emergency');
		expect(await changePassword(d.db, s, DEMO_PASSWORD, DEMO_PASSWORD, meta)).toEqual({
			ok: false,
			problem: 'password.sameAsCurrent'
		});
		const strong = 'Qv8#Lake-Ferry-Tz41';
		expect(await changePassword(d.db, s, DEMO_PASSWORD, strong, meta)).toEqual({ ok: true });
		// one character more than the current one is no new secret
		expect(await changePassword(d.db, s, strong, `${strong}!`, meta)).toEqual({
			ok: false,
			problem: 'password.weak'
		});
		expect(await auditCount('password_changed', 'emergency')).toBe(1);
	});

	it('refuses a common or too long new password, by the same rules everywhere', async () => {
		const s = await passwordStep('river.chief');
		expect(await changePassword(d.db, s, DEMO_PASSWORD, 'Password123!', meta)).toEqual({
			ok: false,
			problem: 'password.weak'
		});
		const long = 'Kx7-mQ2v!Lr9#Tb4@Wn6'.repeat(11);
		expect(await changePassword(d.db, s, DEMO_PASSWORD, long, meta)).toEqual({
			ok: false,
			problem: 'password.tooLong'
		});
		const admin = await principalOf(d.db, 'county.admin');
		const made = await createUser(
			d.db,
			admin,
			{
				username: 'zhao.lei',
				displayName: '赵磊',
				role: 'planner',
				jurisdiction: admin.jurisdiction,
				password: long
			},
			meta
		);
		expect(made).toMatchObject({ ok: false, errors: { password: 'password.tooLong' } });
		// a 128-character password set is a 128-character password that signs in
		const max = long.slice(0, 128);
		expect(await changePassword(d.db, s, DEMO_PASSWORD, max, meta)).toEqual({ ok: true });
		expect((await login(d.db, 'river.chief', max, meta)).ok).toBe(true);
	});
});
